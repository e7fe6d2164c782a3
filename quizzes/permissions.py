"""Who may see or do what, and when answers and feedback may be shown: one place for views and tests."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Classroom, Enrollment


def is_enrolled(user, classroom: Classroom) -> bool:
    return user.is_authenticated and Enrollment.objects.current().filter(classroom=classroom, student=user).exists()


def can_take_assignment(user, assignment: Assignment) -> bool:
    return is_enrolled(user, assignment.classroom) and assignment.classroom.archived_at is None


def feedback_after_each_question(assignment: Assignment) -> bool:
    return assignment.feedback == Assignment.Feedback.EACH_QUESTION


def review_visible(attempt: Attempt, now=None) -> bool:
    """Whether the student may see which answers were right, once the attempt is submitted."""
    if not attempt.is_submitted:
        return False
    feedback = attempt.assignment.feedback
    if feedback in (Assignment.Feedback.EACH_QUESTION, Assignment.Feedback.AFTER_SUBMISSION):
        return True
    if feedback == Assignment.Feedback.AFTER_DUE:
        return attempt.assignment.is_past_due(now or timezone.now())
    return False


def correct_answers_visible(attempt: Attempt, now=None) -> bool:
    return review_visible(attempt, now) and attempt.assignment.show_correct_answers


def teacher_classroom(user, pk: int) -> Classroom:
    """The teacher's own class, or 404: other teachers' classes do not exist for them."""
    return get_object_or_404(Classroom, pk=pk, teacher=user)


def teacher_assignment(user, pk: int) -> Assignment:
    return get_object_or_404(Assignment.objects.select_related("classroom", "quiz_set"), pk=pk, classroom__teacher=user)


def can_edit_quiz_set(user, quiz_set) -> bool:
    """Teachers edit their own sets; the shared sets (no owner) only in admin."""
    return user.is_authenticated and quiz_set.owner_id == user.pk


def can_edit_question(user, question) -> bool:
    """Teachers edit only the questions they wrote; bank questions are edited by admins."""
    return user.is_authenticated and question.owner_id is not None and question.owner_id == user.pk


def teacher_required(view):
    """Teachers only (staff use Django admin); students get a 403 with a clear message."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_teacher:
            raise PermissionDenied("This page is for teachers.")
        return view(request, *args, **kwargs)

    return wrapped
