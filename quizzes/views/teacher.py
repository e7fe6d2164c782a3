"""The teacher's home: their classes and assignments at a glance."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from quizzes.services.rosters import teacher_assignments, teacher_classes
from quizzes.views.decorators import teacher_required


@teacher_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Active classes and their assignments; ?archived=1 lists the archived classes instead."""
    showing_archived = request.GET.get("archived") == "1"
    classes = teacher_classes(request.user)
    archived = [classroom for classroom in classes if classroom.archived_at]
    context = {
        "showing_archived": showing_archived,
        "classes": archived if showing_archived else [c for c in classes if not c.archived_at],
        "archived_count": len(archived),
        "assignments": [] if showing_archived else teacher_assignments(request.user),
    }
    return render(request, "quizzes/teacher_dashboard.html", context)
