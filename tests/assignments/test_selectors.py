"""Reads for the assignment pages."""

from django.utils import timezone

from quizzes.assignments.selectors import assignment_counts
from quizzes.attempts.services import attempt_start, attempt_submit
from quizzes.models import Attempt
from tests import factories


def test_counts_are_per_current_student(school):
    school.assignment.attempts_allowed = 2
    school.assignment.save()
    attempt_submit(attempt=attempt_start(student=school.student, assignment=school.assignment))
    attempt_start(
        student=school.student, assignment=school.assignment
    )  # a second attempt, in progress: still one student
    late = attempt_start(student=school.classmate, assignment=school.assignment)
    Attempt.objects.filter(pk=late.pk).update(is_late=True, submitted_at=timezone.now(), score=0)
    left = factories.UserFactory()
    factories.EnrollmentFactory(classroom=school.classroom, student=left, left_at=timezone.now())
    factories.AttemptFactory(assignment=school.assignment, student=left)
    factories.AccommodationFactory(assignment=school.assignment, student=school.student, extra_attempts=1)
    counts = assignment_counts(school.assignment)
    assert (counts.students, counts.started, counts.in_progress, counts.submitted, counts.late) == (2, 2, 1, 2, 1)
    assert counts.accommodated == 1 and counts.questions == 7
