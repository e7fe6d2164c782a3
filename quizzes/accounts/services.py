"""Writes for accounts: a student signing up with their class's join code; recording an admin's password reset."""

from __future__ import annotations

from django.db import transaction

from quizzes.classroom.services import enrollment_join
from quizzes.models import Enrollment, PasswordReset, User


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


def password_reset_in_admin(*, account: User, admin: User) -> PasswordReset:
    """Record that an admin set `account`'s password in Django admin. Someone else's account must then choose its
    own password at its next login, as after a teacher's reset."""
    with transaction.atomic():
        if account.pk != admin.pk and account.has_usable_password() and not account.must_change_password:
            account.must_change_password = True
            account.save(update_fields=["must_change_password"])
        return PasswordReset.objects.create(
            account=account,
            account_username=account.username,
            reset_by=admin,
            reset_by_username=admin.username,
            way=PasswordReset.Way.ADMIN,
        )
