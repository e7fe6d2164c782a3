"""The teacher's side: their classes and assignments at a glance."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from quizzes.models import Assignment, Classroom
from quizzes.views.decorators import teacher_required


@teacher_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    classes = (
        Classroom.objects.filter(teacher=request.user, archived_at__isnull=True)
        .annotate(student_count=Count("enrollments", filter=Q(enrollments__left_at__isnull=True), distinct=True))
        .order_by("name")
    )
    assignments = (
        Assignment.objects.filter(classroom__teacher=request.user, classroom__archived_at__isnull=True)
        .select_related("classroom", "quiz_set")
        .annotate(
            submitted_count=Count("attempts", filter=Q(attempts__submitted_at__isnull=False), distinct=True),
            question_count=Count("quiz_set__items", distinct=True),
        )
        .order_by("classroom__name", "due_at", "id")
    )
    return render(request, "quizzes/teacher_dashboard.html", {"classes": classes, "assignments": assignments})
