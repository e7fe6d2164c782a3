"""Django admin for assignments and students' accommodations."""

from django.contrib import admin

from quizzes.assignments.models import Accommodation, Assignment


class AccommodationInline(admin.TabularInline):
    model = Accommodation
    fields = ("student", "extra_time_percent", "extra_time_minutes", "extra_attempts", "due_at")
    autocomplete_fields = ["student"]
    extra = 0


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "classroom", "quiz_set", "opens_at", "due_at", "time_limit_minutes", "feedback")
    list_display += ("closed_at",)
    list_filter = ("feedback", "counting", ("closed_at", admin.EmptyFieldListFilter), "opens_at")
    list_select_related = ("classroom", "quiz_set")
    search_fields = ("title", "quiz_set__title", "classroom__name")
    autocomplete_fields = ["classroom", "quiz_set"]
    inlines = [AccommodationInline]
