"""Django admin for classes and who is enrolled in them."""

from django.contrib import admin
from django.db.models import Count, Q

from quizzes.classroom.models import Classroom, Enrollment


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    fields = ("student", "joined_at", "left_at")
    readonly_fields = ("joined_at",)
    autocomplete_fields = ["student"]
    extra = 0


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "teacher", "join_code", "student_count", "created_at", "archived_at")
    list_filter = (("archived_at", admin.EmptyFieldListFilter),)
    list_select_related = ("teacher",)
    search_fields = ("name", "join_code", "teacher__username", "teacher__last_name")
    autocomplete_fields = ["teacher"]
    inlines = [EnrollmentInline]

    def get_queryset(self, request):
        current = Q(enrollments__left_at__isnull=True)
        return super().get_queryset(request).annotate(student_count=Count("enrollments", filter=current))

    @admin.display(description="Students", ordering="student_count")
    def student_count(self, classroom):
        return classroom.student_count
