"""Writes for accounts: a student signing up with their class's join code."""

from __future__ import annotations

from django.db import transaction

from quizzes.classroom.services import enrollment_join
from quizzes.models import Enrollment, User


def student_signup(*, username: str, first_name: str, last_name: str, password: str, join_code: str) -> Enrollment:
    """A new student account, already in the class its join code names: both or neither (a code that no longer
    leads to an open class raises JoinRefused, and then no account is made). The enrollment's `student` is the
    new account."""
    with transaction.atomic():
        student = User.objects.create_user(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            role=User.Role.STUDENT,
        )
        return enrollment_join(student=student, code=join_code)
