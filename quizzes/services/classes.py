"""Joining classes."""

from __future__ import annotations

from django.db import transaction

from quizzes.models import Classroom, Enrollment
from quizzes.models.classes import normalise_join_code


class JoinRefused(ValueError):
    """The code does not lead to a class the student may join; the message is shown."""


def classroom_for_code(code: str) -> Classroom:
    classroom = Classroom.objects.filter(join_code=normalise_join_code(code), archived_at__isnull=True).first()
    if classroom is None:
        raise JoinRefused("No open class has that code. Check it with your teacher.")
    return classroom


def enrollment_join(*, student, code: str) -> Enrollment:
    """Put the student in the class with that code; joining twice changes nothing."""
    if not student.is_student:
        raise JoinRefused("Only student accounts join classes.")
    classroom = classroom_for_code(code)
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(classroom=classroom, student=student)
        if not created and enrollment.left_at is not None:
            enrollment.left_at = None
            enrollment.save(update_fields=["left_at"])
    return enrollment
