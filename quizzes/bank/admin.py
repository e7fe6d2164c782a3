"""Django admin for the bank: sources, topics and questions, with GIFT import and a student's-eye preview.

A question is saved with its parts, then checked by check_bank's rules as it stands in the database; when it
breaks one, the save is rolled back and the page shown again with each problem as a form error (see
QuestionAdmin.changeform_view).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Count, TextField
from django.forms import Textarea, TextInput
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods, require_safe

from quizzes.bank.admin_forms import (
    GiftConfirmForm,
    GiftUploadForm,
    QuestionAdminForm,
    saved_question_problems,
    saved_questions_problems,
)
from quizzes.bank.gift_db import GiftReport, gift_import, questions_gift
from quizzes.bank.models import (
    AcceptedAnswer,
    Choice,
    Citation,
    MatchingPair,
    OrderingItem,
    Question,
    Source,
    Topic,
)
from quizzes.bank.presentation import QuestionPreview, present
from quizzes.bank.services import question_copy
from quizzes.bank.types import question_type

IMPORT_TEMPLATE = "admin/quizzes/question/import_gift.html"
PREVIEW_TEMPLATE = "admin/quizzes/question/preview.html"


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("file_name", "author", "title", "kind", "year", "question_count")
    list_filter = ("kind",)
    search_fields = ("file_name", "author", "title")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("citations__question", distinct=True))

    @admin.display(description="Questions", ordering="question_count")
    def question_count(self, source):
        return source.question_count


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "question_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description="Questions", ordering="question_count")
    def question_count(self, topic):
        return topic.question_count


class CitationInline(admin.TabularInline):
    model = Citation
    fields = ("source", "quote", "position")
    autocomplete_fields = ["source"]
    formfield_overrides = {TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 60})}}


# Each part inline names the relation it edits (part): a question's change page opens those of its type's parts.
class ChoiceInline(admin.TabularInline):
    part = "choices"
    model = Choice
    fields = ("text", "is_correct", "feedback", "position")
    formfield_overrides = {CharField: {"widget": TextInput(attrs={"size": 40})}}


class AcceptedAnswerInline(admin.TabularInline):
    part = "accepted_answers"
    model = AcceptedAnswer
    fields = ("text",)


class OrderingItemInline(admin.TabularInline):
    part = "ordering_items"
    model = OrderingItem
    fields = ("text", "position")
    verbose_name = "ordering item (position 0 is the earliest)"
    verbose_name_plural = "ordering items, in the right order by position"


class MatchingPairInline(admin.TabularInline):
    part = "matching_pairs"
    model = MatchingPair
    fields = ("left", "right", "position")


# Blank rows on the add page, so that a question can be written whole without JavaScript.
ADD_PAGE_ROWS = {CitationInline: 1, ChoiceInline: 4, AcceptedAnswerInline: 2, OrderingItemInline: 4}
ADD_PAGE_ROWS |= {MatchingPairInline: 4}


class SourceListFilter(admin.SimpleListFilter):
    title = "source"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return [*((str(s.pk), s.author) for s in Source.objects.all()), ("none", "No source")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(citations__isnull=True)
        if self.value():
            cited = Citation.objects.filter(source_id=self.value()).values("question_id")
            return queryset.filter(pk__in=cited)
        return queryset


class OwnerListFilter(admin.SimpleListFilter):
    title = "owner"
    parameter_name = "owned"

    def lookups(self, request, model_admin):
        return [("bank", "The shared bank (no owner)"), ("teachers", "A teacher's own")]

    def queryset(self, request, queryset):
        if self.value() in ("bank", "teachers"):
            return queryset.filter(owner__isnull=self.value() == "bank")
        return queryset


class QuestionRefused(Exception):
    """A saved question broke the bank's rules: raised to roll the save back."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ("short_prompt", "key", "type", "skill", "difficulty", "status", "source_author", "owner")
    list_filter = (SourceListFilter, "type", "skill", "topics", "difficulty", "status", OwnerListFilter)
    search_fields = ("key", "prompt", "explanation", "citations__quote")
    list_per_page = 50
    autocomplete_fields = ["topics", "owner", "copied_from"]
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("type", "prompt", "explanation", "skill", "difficulty", "status", "points")}),
        ("Answer of a true/false or numeric question", {"fields": ("answer_bool", "number", "tolerance")}),
        ("Filing", {"fields": ("topics", "key", "owner", "copied_from", "created_at", "updated_at")}),
    )
    inlines = [CitationInline, ChoiceInline, AcceptedAnswerInline, OrderingItemInline, MatchingPairInline]
    actions = ["publish", "unpublish", "duplicate", "export_gift"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner").prefetch_related("citations__source")

    @admin.display(description="Prompt")
    def short_prompt(self, question):
        return Truncator(question.prompt).chars(70)

    @admin.display(description="Source")
    def source_author(self, question):
        citation = question.first_citation
        return citation.source.author if citation else "-"

    # -- The change page: parts inline, refused when the question breaks the bank's rules -----------------

    def get_inline_instances(self, request, obj=None):
        """Every part inline, so a question may change type; those its type does not use start collapsed."""
        instances = super().get_inline_instances(request, obj)
        for inline in instances:
            if obj is None:
                inline.extra = ADD_PAGE_ROWS.get(type(inline), 0)
            elif type(inline) is CitationInline or getattr(inline, "part", None) in question_type(obj.type).parts:
                inline.extra = 1
            else:
                inline.extra, inline.classes = 0, ["collapse"]
        return instances

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        problems = getattr(request, "_question_refused", None)
        if problems:
            form = type(form.__name__, (form,), {"refused_problems": problems})
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        problems = saved_question_problems(form.instance)
        if problems:
            raise QuestionRefused(problems)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Save and check in one transaction; a refused question rolls back, and the page is built again from
        the same POST with the problems as the form's errors, so nothing is saved and nothing typed is lost."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except QuestionRefused as refused:
            request._question_refused = refused.problems
            return super().changeform_view(request, object_id, form_url, extra_context)

    # -- Actions ---------------------------------------------------------------------------------------

    @admin.action(description="Publish the selected questions", permissions=["change"])
    def publish(self, request, queryset):
        questions = list(queryset.with_answers().prefetch_related("topics"))
        problems = saved_questions_problems(questions, status=Question.Status.PUBLISHED)
        sound = [q.pk for q in questions if not problems[q.pk]]
        published = {"status": Question.Status.PUBLISHED, "updated_at": timezone.now()}
        Question.objects.filter(pk__in=sound).update(**published)
        if sound:
            self.message_user(request, f"Published {len(sound)} question{'s' * (len(sound) != 1)}.")
        for question in questions:
            if problems[question.pk]:
                self.message_user(
                    request,
                    f"Question {question.pk} ({question.key or 'no key'}) was not published: "
                    + "; ".join(problems[question.pk]),
                    messages.WARNING,
                )

    @admin.action(description="Unpublish the selected questions (make them drafts)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=Question.Status.DRAFT, updated_at=timezone.now())
        self.message_user(request, f"{count} question{'s' * (count != 1)} made draft.")

    @admin.action(description="Duplicate the selected questions as drafts", permissions=["add"])
    def duplicate(self, request, queryset):
        questions = queryset.with_answers().prefetch_related("topics")
        copies = [question_copy(question=q, owner=q.owner) for q in questions]
        for copy in copies:
            self.log_addition(request, copy, [{"added": {}}])
        ids = ", ".join(str(copy.pk) for copy in copies)
        self.message_user(request, f"Made {len(copies)} draft cop{'ies' if len(copies) != 1 else 'y'}: {ids}.")

    @admin.action(description="Export the selected questions as GIFT", permissions=["view"])
    def export_gift(self, request, queryset):
        try:
            text = questions_gift(queryset)
        except ValueError as error:
            self.message_user(request, f"Nothing was exported: {error}", messages.ERROR)
            return None
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="questions.gift"'
        return response

    # -- Extra pages: the preview and the GIFT import ----------------------------------------------------

    def get_urls(self):
        own = [
            path(
                "import-gift/", self.admin_site.admin_view(self.import_gift_view), name="quizzes_question_import_gift"
            ),
            path(
                "<id:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="quizzes_question_preview",
            ),
        ]
        return own + super().get_urls()

    @method_decorator(require_safe)
    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The question as a student sees it, then its answer, explanation and evidence."""
        question = get_object_or_404(Question.objects.with_answers().prefetch_related("topics"), pk=object_id)
        if not self.has_view_permission(request, question):
            raise PermissionDenied
        card = QuestionPreview(present(question, seed=question.pk, shuffle_choices=True))
        return render(request, PREVIEW_TEMPLATE, {"card": card, "question": question})

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def import_gift_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a GIFT file and see the dry run's report; confirm to import, and see what was created."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": "Import questions from GIFT"}
        form, status = GiftUploadForm(), 200
        if request.method == "POST" and "payload" in request.POST:
            confirm = GiftConfirmForm(request.POST)
            if confirm.is_valid():
                report = gift_import(**confirm.import_options())
                self._log_imported(request, report, confirm.file_name)
                return render(request, IMPORT_TEMPLATE, context | {"report": report, "file_name": confirm.file_name})
            context["confirm_errors"], status = confirm.errors["payload"], 400
        elif request.method == "POST":
            form = GiftUploadForm(request.POST, request.FILES)
            if form.is_valid():
                report = gift_import(dry_run=True, **form.import_options())
                confirm = GiftConfirmForm(initial={"payload": form.payload()})
                options = {name: form.cleaned_data[name] for name in ("source", "topic", "keep_good")}
                again = GiftUploadForm(initial=options | ({"keep_good": True} if report.syntax_error else {}))
                context |= {"report": report, "confirm": confirm, "file_name": form.files["file"].name, "form": again}
                return render(request, IMPORT_TEMPLATE, context)
            status = 422
        return render(request, IMPORT_TEMPLATE, context | {"form": form}, status=status)

    def _log_imported(self, request: HttpRequest, report: GiftReport, file_name: str) -> None:
        created = Question.objects.in_bulk(report.question_ids)
        for line in report.imported:
            self.log_addition(request, created[line.question_id], f"Imported from {file_name}, line {line.line}.")
