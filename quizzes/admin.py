"""Django admin for the bank, classes and attempts."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from quizzes import models


@admin.register(models.User)
class OctoberUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Role", {"fields": ("role", "must_change_password")}))
    list_display = ("username", "first_name", "last_name", "role", "is_staff")
    list_filter = ("role", "is_staff")


class ChoiceInline(admin.TabularInline):
    model = models.Choice
    extra = 0


class AcceptedAnswerInline(admin.TabularInline):
    model = models.AcceptedAnswer
    extra = 0


class OrderingItemInline(admin.TabularInline):
    model = models.OrderingItem
    extra = 0


class MatchingPairInline(admin.TabularInline):
    model = models.MatchingPair
    extra = 0


class CitationInline(admin.StackedInline):
    model = models.Citation
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("file_name", "author", "title", "year")
    search_fields = ("file_name", "author", "title")


@admin.register(models.Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("key", "short_prompt", "type", "difficulty", "status")
    list_filter = ("status", "type", "difficulty", "topics", "citations__source")
    search_fields = ("key", "prompt", "explanation", "citations__quote")
    filter_horizontal = ("topics",)
    inlines = [CitationInline, ChoiceInline, AcceptedAnswerInline, OrderingItemInline, MatchingPairInline]

    @admin.display(description="Prompt")
    def short_prompt(self, question):
        return question.prompt[:80]


@admin.register(models.Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "teacher", "join_code", "archived_at")
    search_fields = ("name", "join_code", "teacher__username")
    autocomplete_fields = ["teacher"]


@admin.register(models.QuizSet)
class QuizSetAdmin(admin.ModelAdmin):
    list_display = ("title", "owner")
    search_fields = ("title",)


@admin.register(models.Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "classroom", "opens_at", "due_at", "feedback")
    list_filter = ("feedback",)
    autocomplete_fields = ["classroom", "quiz_set"]
    search_fields = ("title", "quiz_set__title", "classroom__name")


@admin.register(models.Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("student", "assignment", "number", "score", "max_score", "submitted_at")
    list_select_related = ("student", "assignment__quiz_set")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
