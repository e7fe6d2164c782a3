"""Django admin for quiz sets and their questions."""

from django.contrib import admin
from django.db.models import Count

from quizzes.authoring.models import QuizSet, QuizSetItem


class QuizSetItemInline(admin.TabularInline):
    model = QuizSetItem
    fields = ("question", "position")
    autocomplete_fields = ["question"]
    extra = 0


@admin.register(QuizSet)
class QuizSetAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "kind", "item_count", "created_at")
    list_filter = ("kind", ("owner", admin.EmptyFieldListFilter))
    list_select_related = ("owner",)
    search_fields = ("title", "description", "owner__username")
    autocomplete_fields = ["owner", "rule_topics", "rule_sources"]
    inlines = [QuizSetItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description="Questions", ordering="item_count")
    def item_count(self, quiz_set):
        return quiz_set.item_count
