"""The student's own history: every attempt, grouped by class and assignment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from quizzes import selectors_scores


@login_required
@require_GET
def student_history(request: HttpRequest) -> HttpResponse:
    if not request.user.is_student:
        raise PermissionDenied("This page is for students: teachers see their classes' gradebooks.")
    now = timezone.now()
    context = {
        "classes": selectors_scores.student_history(request.user, now),
        "now": now,
        "median_minimum": selectors_scores.CLASS_MEDIAN_MINIMUM,
    }
    return render(request, "quizzes/history.html", context)
