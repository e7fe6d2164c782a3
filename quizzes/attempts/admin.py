"""Django admin for attempts: records of what students did, shown and never edited."""

from django.contrib import admin

from quizzes.attempts.models import Attempt, Response


class ResponseInline(admin.TabularInline):
    """What the student answered: a record, never edited."""

    model = Response
    fields = ("position", "question", "answer", "is_correct", "points", "answered_at")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Attempts are records of what students did: shown, never added or changed; staff may delete one."""

    list_display = ("student", "assignment", "number", "score", "max_score", "started_at", "submitted_at")
    list_display += ("is_late", "auto_submitted")
    list_filter = (("submitted_at", admin.EmptyFieldListFilter), "is_late", "auto_submitted")
    list_select_related = ("student", "assignment__quiz_set")
    search_fields = ("student__username", "student__last_name", "assignment__title", "assignment__quiz_set__title")
    autocomplete_fields = ["student", "assignment"]
    inlines = [ResponseInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
