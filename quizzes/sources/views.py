"""The source library: finding sources, adding one, its provenance, replacing or deleting its text, the reader, and
a student's "Read it in context"."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from quizzes.htmx import HtmxHttpRequest, redirect_page, render_page_or_partial
from quizzes.models import Attempt, Citation, Source
from quizzes.permissions import (
    can_edit_source,
    can_read_in_context,
    login_required,
    owned_source,
    teacher_required,
    teacher_source,
)
from quizzes.sources.forms import LIMITS_TEXT, AddSourceForm, LibraryFilterForm, ProvenanceForm, ReaderForm, TextForm
from quizzes.sources.ingest import UnreadableSource
from quizzes.sources.selectors import library, quoted_passages, reader_page
from quizzes.sources.services import (
    SourceRefused,
    source_add,
    source_delete,
    source_replace_text,
    source_update_provenance,
)

TEMPLATES = "quizzes/sources"
LIBRARY = f"{TEMPLATES}/library.html"
READER = f"{TEMPLATES}/reader.html"


@teacher_required
@require_safe
def source_library(request: HtmxHttpRequest) -> HttpResponse:
    """The sources a teacher may use, filtered; (HTMX) just the results as the filters change."""
    form = LibraryFilterForm(request.GET)
    sources = library(request.user, **form.wanted())
    return render_page_or_partial(request, LIBRARY, "library-results", {"form": form, "sources": sources})


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def source_create(request: HtmxHttpRequest) -> HttpResponse:
    """Add a source: provenance, the text (pasted or a file), the teacher's confirmation, private or shared."""
    posted = request.method == "POST"
    form = AddSourceForm(request.POST if posted else None, initial={"visibility": Source.Visibility.PRIVATE})
    text_form = TextForm(request.POST if posted else None, request.FILES if posted else None)
    problem = ""
    if posted and form.is_valid() and text_form.is_valid():
        try:
            paragraphs = text_form.paragraphs()
            source = source_add(
                owner=request.user,
                paragraphs=paragraphs,
                rights_confirmed=form.cleaned_data["rights_confirmed"],
                upload_name=text_form.upload_name,
                **form.provenance(),
            )
        except (UnreadableSource, SourceRefused) as error:
            problem = str(error)
        else:
            messages.success(
                request,
                f"{source.title} is in your library: {source.word_count:,} words in {source.paragraph_count:,} "
                "paragraphs. Read it, and write questions quoting it.",
            )
            return redirect_page(request, reverse("source_read", args=[source.pk]))
    status = 422 if posted else 200
    context = {"form": form, "text_form": text_form, "problem": problem, "limits": LIMITS_TEXT}
    return render(request, f"{TEMPLATES}/create.html", context, status=status)


def _reader(request: HtmxHttpRequest, source: Source, *, highlight: Citation | None = None, student=False, back=""):
    shown = ReaderForm(request.GET)
    paragraph = shown.paragraph()
    if highlight is not None and "p" not in request.GET:
        paragraph = highlight.paragraph or 1
    page = reader_page(
        request.user,
        source,
        paragraph=paragraph,
        search=shown.search(),
        highlight=highlight,
        teacher_tools=not student,
    )
    context = {
        "source": source,
        "page": page,
        "student": student,
        "base": request.path,
        "back": back,
        "can_edit": can_edit_source(request.user, source),
    }
    return render_page_or_partial(request, READER, "reader-window", context)


@teacher_required
@require_safe
def source_read(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A stored text in the reader; a shared document (no stored text): its provenance and quoted passages."""
    source = teacher_source(request.user, pk)
    if not source.has_text:
        context = {"source": source, "passages": quoted_passages(request.user, source)}
        return render(request, f"{TEMPLATES}/document.html", context)
    return _reader(request, source)


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def source_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    source = owned_source(request.user, pk)
    form = ProvenanceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        source_update_provenance(source=source, **form.provenance())
        messages.success(request, "The provenance is saved.")
        return redirect_page(request, reverse("source_read", args=[source.pk]))
    status = 422 if form.errors else 200
    return render(request, f"{TEMPLATES}/edit.html", {"form": form, "source": source}, status=status)


def _own_and_others(request: HtmxHttpRequest, questions) -> tuple[list, int]:
    mine = [q for q in questions if q.owner_id == request.user.pk]
    return mine, len(questions) - len(mine)


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def source_replace(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Put a new text in place of the stored one; refused, with the list, when it would break questions' quotes."""
    source = owned_source(request.user, pk)
    posted = request.method == "POST"
    text_form = TextForm(request.POST if posted else None, request.FILES if posted else None)
    problem, mine, others = "", [], 0
    if posted and text_form.is_valid():
        try:
            source_replace_text(source=source, paragraphs=text_form.paragraphs(), upload_name=text_form.upload_name)
        except UnreadableSource as error:
            problem = str(error)
        except SourceRefused as refusal:
            problem = str(refusal)
            mine, others = _own_and_others(request, refusal.questions)
        else:
            messages.success(request, "The new text is stored; every question's quote is still in it.")
            return redirect_page(request, reverse("source_read", args=[source.pk]))
    context = {"source": source, "text_form": text_form, "problem": problem, "questions": mine, "others": others}
    status = (409 if mine or others else 422) if posted else 200
    return render(request, f"{TEMPLATES}/replace.html", context, status=status)


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def source_delete_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Ask first (GET), then delete a source (POST); refused, with the list of the questions citing it, while any do."""
    source = owned_source(request.user, pk)
    if request.method != "POST":
        return render(request, f"{TEMPLATES}/delete.html", {"source": source})
    try:
        source_delete(source=source)
    except SourceRefused as refusal:
        mine, others = _own_and_others(request, refusal.questions)
        context = {"source": source, "problem": str(refusal), "questions": mine, "others": others}
        return render(request, f"{TEMPLATES}/delete_refused.html", context, status=409)
    messages.success(request, f"{source.title} is deleted.")
    return redirect_page(request, reverse("source_library"))


@login_required
@require_safe
def source_context(request: HtmxHttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    """A student's "Read it in context": the whole source open at a passage quoted in a question of their attempt,
    the quote highlighted, no teacher tools. Anyone the rule (can_read_in_context) does not allow gets a 404."""
    citation = get_object_or_404(Citation.objects.select_related("source"), pk=pk)
    attempt = Attempt.objects.select_related("assignment").filter(pk=attempt_pk, student_id=request.user.pk).first()
    if attempt is None or not can_read_in_context(request.user, citation, attempt):
        raise Http404("There is no such passage to read in context.")
    back = reverse("attempt_results" if attempt.is_submitted else "attempt", args=[attempt.pk])
    return _reader(request, citation.source, highlight=citation, student=True, back=back)
