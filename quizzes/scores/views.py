"""The teacher's score pages: the gradebook and its CSV, a student's record, one attempt, an assignment's results."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from quizzes.attempts.cards import reviewed_responses
from quizzes.htmx import HtmxHttpRequest, render_page_or_partial
from quizzes.permissions import (
    student_required,
    taught_attempt,
    teacher_assignment,
    teacher_classroom,
    teacher_required,
)
from quizzes.scores import selectors as selectors_scores

TEMPLATES = "quizzes/scores"


@teacher_required
@require_safe
def gradebook(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Sorted by ?sort=name|average|a<assignment id> and ?order=asc|desc; HTMX swaps only the table."""
    classroom = teacher_classroom(request.user, pk)
    book = selectors_scores.class_gradebook(
        classroom, sort=request.GET.get("sort", ""), order=request.GET.get("order", "")
    )
    return render_page_or_partial(request, f"{TEMPLATES}/gradebook.html", "gradebook-table", {"gradebook": book})


@teacher_required
@require_safe
def gradebook_csv(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = teacher_classroom(request.user, pk)
    filename = f"{slugify(classroom.name) or 'class'}-gradebook-{timezone.localdate():%Y-%m-%d}.csv"
    return HttpResponse(
        selectors_scores.gradebook_csv(selectors_scores.class_gradebook(classroom)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@teacher_required
@require_safe
def student_record(request: HtmxHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    record = selectors_scores.student_record(teacher_classroom(request.user, pk), student_pk)
    return render(request, f"{TEMPLATES}/student_record.html", {"record": record})


@teacher_required
@require_safe
def teacher_attempt(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    attempt = taught_attempt(request.user, pk)
    return render(
        request,
        f"{TEMPLATES}/attempt.html",
        {"attempt": attempt, "reviewed": reviewed_responses(attempt, show_correct=True)},
    )


@teacher_required
@require_safe
def assignment_results(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """While the assignment is open the results region asks this URL again every few seconds (HTMX)."""
    results = selectors_scores.assignment_results(teacher_assignment(request.user, pk))
    return render_page_or_partial(request, f"{TEMPLATES}/results.html", "results", {"results": results})


@student_required
@require_safe
def student_history(request: HtmxHttpRequest) -> HttpResponse:
    now = timezone.now()
    context = {
        "classes": selectors_scores.student_history(request.user, now),
        "now": now,
        "median_minimum": selectors_scores.CLASS_MEDIAN_MINIMUM,
    }
    return render(request, "quizzes/scores/history.html", context)
