"""Django admin for live sessions: records of what happened in class, shown and never edited here (the teacher runs
a session from its projector page); staff may delete one."""

from django.contrib import admin

from quizzes.live.models import LiveAnswer, LivePlayer, LiveQuestion, LiveSession


class _ReadOnlyInline(admin.TabularInline):
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LiveQuestionInline(_ReadOnlyInline):
    model = LiveQuestion
    fields = ("position", "question", "skipped")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question")


class LivePlayerInline(_ReadOnlyInline):
    model = LivePlayer
    fields = ("nickname", "user", "joined_at", "removed_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LiveSession)
class LiveSessionAdmin(_ReadOnlyAdmin):
    list_display = ("title", "classroom", "teacher", "state", "position", "question_count", "created_at")
    list_display += ("ended_at", "assignment")
    list_filter = ("state", "scoring", "allow_guests", "created_at")
    list_select_related = ("classroom", "teacher", "assignment__quiz_set")
    search_fields = ("title", "code", "classroom__name", "teacher__username")
    inlines = [LiveQuestionInline, LivePlayerInline]


@admin.register(LivePlayer)
class LivePlayerAdmin(_ReadOnlyAdmin):
    list_display = ("nickname", "user", "session", "joined_at", "removed_at")
    list_filter = (("user", admin.EmptyFieldListFilter), ("removed_at", admin.EmptyFieldListFilter))
    list_select_related = ("user", "session")
    search_fields = ("nickname", "user__username", "session__title", "session__code")


@admin.register(LiveAnswer)
class LiveAnswerAdmin(_ReadOnlyAdmin):
    list_display = ("player", "session", "position", "is_correct", "points", "speed_bonus", "answered_at")
    list_filter = ("is_correct",)
    list_select_related = ("player", "session")
    search_fields = ("player__nickname", "session__title", "session__code")
