"""Writes for classes: making, renaming and archiving them, join codes, joining, the roster, new accounts."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.classroom.models import new_join_code, normalise_join_code
from quizzes.classroom.names import RosterError, check_names, usernames_for
from quizzes.classroom.sheets import NewStudent, one_time_password, one_time_password_hash
from quizzes.models import Classroom, Enrollment, PasswordReset, User
from quizzes.permissions import (
    can_add_students,
    can_join_classes,
    is_admin_account,
    is_current_student,
    password_reset_refusal,
    teaches,
)
from quizzes.throttle import Throttle

BATCH_MEMORY_SECONDS = 24 * 60 * 60


class RosterRepeated(RosterError):
    """The same add-students form was sent twice (a reload or a double click): nothing more was created."""


class PasswordResetRefused(RosterError):
    """This teacher may not reset this account's password (an admin does): the message says why."""


# -- Classes -------------------------------------------------------------------------------------------------


def classroom_create(*, teacher: User, name: str) -> Classroom:
    with transaction.atomic():
        return Classroom.objects.create(teacher=teacher, name=name.strip())


def classroom_rename(*, classroom: Classroom, name: str) -> Classroom:
    with transaction.atomic():
        classroom.name = name.strip()
        classroom.save(update_fields=["name"])
    return classroom


def classroom_archive(*, classroom: Classroom, archived: bool) -> Classroom:
    """Archived classes vanish from students' dashboards and their join code stops working; nothing is deleted."""
    with transaction.atomic():
        if archived and classroom.archived_at is None:
            classroom.archived_at = timezone.now()
        elif not archived:
            classroom.archived_at = None
        classroom.save(update_fields=["archived_at"])
    return classroom


def join_code_regenerate(*, classroom: Classroom) -> Classroom:
    """A fresh join code; the old one stops working at once."""
    old = classroom.join_code
    for _ in range(10):
        code = new_join_code()
        if code == old:
            continue
        try:
            with transaction.atomic():
                classroom.join_code = code
                classroom.save(update_fields=["join_code"])
        except IntegrityError:  # another class has that code: draw again
            classroom.join_code = old
            continue
        return classroom
    raise RuntimeError("Could not find a free join code.")


# -- Enrollments ---------------------------------------------------------------------------------------------


def enrollment_remove(*, classroom: Classroom, student: User) -> Enrollment:
    """Take the student off the roster; their attempts stay, and the gradebook shows them as having left."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(classroom=classroom, student=student)
        if enrollment.left_at is None:
            enrollment.left_at = timezone.now()
            enrollment.save(update_fields=["left_at"])
    return enrollment


def enrollment_restore(*, classroom: Classroom, student: User) -> Enrollment:
    """Put a student who left back on the roster, with everything they did before; not one who has since become
    staff (RosterError)."""
    if not can_join_classes(student):
        raise RosterError(f"{student.display_name} no longer has a student account, so cannot be put back in a class.")
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(classroom=classroom, student=student)
        if enrollment.left_at is not None:
            enrollment.left_at = None
            enrollment.save(update_fields=["left_at"])
    return enrollment


def student_password_reset(*, classroom: Classroom, student: User, reset_by: User) -> NewStudent:
    """A new one-time password, given by the class's teacher `reset_by` to a student on its roster (they forgot
    theirs): the old one stops working at once, their sessions end, and they choose their own password at their
    next login. The reset is recorded. A teacher resets only the accounts they made that are in none of another
    teacher's classes (`password_reset_refusal` says why not: PasswordResetRefused); an admin resets the others."""
    if not teaches(reset_by, classroom):
        raise PasswordResetRefused(f"Only the teacher of {classroom.name} can reset passwords from its roster.")
    if not is_current_student(student, classroom):
        raise RosterError(f"{student.display_name} is not in {classroom.name}.")
    refusal = password_reset_refusal(reset_by, student)
    if refusal:
        raise PasswordResetRefused(refusal)
    password = one_time_password()
    with transaction.atomic():
        student.password = one_time_password_hash(password)
        student.must_change_password = True
        student.save(update_fields=["password", "must_change_password"])
        PasswordReset.objects.create(
            account=student,
            account_username=student.username,
            reset_by=reset_by,
            reset_by_username=reset_by.username,
            way=PasswordReset.Way.ROSTER,
            classroom=classroom,
        )
    return NewStudent(student, password)


# -- Many students at once -----------------------------------------------------------------------------------


def students_bulk_create(*, classroom: Classroom, names: list[tuple[str, str]], batch: str = "") -> list[NewStudent]:
    """Make a student account with a one-time password for each (first, last) name and enroll them all.

    Every account is made or none is. A non-empty `batch` (a token from the form) can be used once only,
    so reloading the result page cannot make the same students twice. An archived class takes no new students.
    """
    if not can_add_students(classroom):
        raise RosterError(f"{classroom.name} is archived: unarchive it before adding students.")
    check_names(names)
    passwords = [one_time_password() for _ in names]
    hashes = [one_time_password_hash(password) for password in passwords]
    if batch and not cache.add(_batch_key(classroom, batch), True, BATCH_MEMORY_SECONDS):
        raise RosterRepeated(
            "These students were already added when this form was first sent, so nothing more was created. "
            "Their passwords were shown only then."
        )
    try:
        with transaction.atomic():
            usernames = usernames_for(names)
            User.objects.bulk_create(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    password=hashed,
                    role=User.Role.STUDENT,
                    must_change_password=True,
                    created_by_id=classroom.teacher_id,
                )
                for username, (first, last), hashed in zip(usernames, names, hashes, strict=True)
            )
            by_username = User.objects.in_bulk(usernames, field_name="username")
            users = [by_username[username] for username in usernames]
            Enrollment.objects.bulk_create(Enrollment(classroom=classroom, student=user) for user in users)
    except BaseException as error:
        if batch:  # nothing was made, so the same form may be sent again
            cache.delete(_batch_key(classroom, batch))
        if isinstance(error, IntegrityError):
            raise RosterError(
                "Another account took one of these usernames at the same moment, so nothing was created. "
                "Send the list again."
            ) from None
        raise
    return [NewStudent(user, password) for user, password in zip(users, passwords, strict=True)]


def _batch_key(classroom: Classroom, batch: str) -> str:
    digest = hashlib.sha256(batch.encode("utf-8", "surrogatepass")).hexdigest()
    return f"roster-batch:{classroom.pk}:{digest}"


# -- Joining a class -----------------------------------------------------------------------------------------


class JoinRefused(ValueError):
    """The code does not lead to a class the student may join; the message is shown."""


class JoinCodeGuesses:
    """Refusals that tell a guesser something (a wrong class code; at signup also a taken username), counted per
    student account and per address (settings.JOIN_CODE_THROTTLE), so that class codes cannot be found by trying.
    Once either count reaches its limit, joining and signing up from there are refused, even with a right code,
    until its window has passed; a student who mistypes a few times and then gets it right is let in."""

    def __init__(self, *, address: str | None, student: User | None = None):
        config = settings.JOIN_CODE_THROTTLE
        window = config["window_seconds"]
        self.at_signup = student is None
        self.throttles = [Throttle(f"join-code:address:{address}", config["per_address"], window)]
        if student is not None:
            self.throttles.append(Throttle(f"join-code:account:{student.pk}", config["per_account"], window))

    def too_many(self) -> bool:
        return any(throttle.reached() for throttle in self.throttles)

    def record_wrong(self) -> None:
        for throttle in self.throttles:
            throttle.record()

    def refusal(self) -> str:
        what = "wrong class codes or taken usernames" if self.at_signup else "wrong class codes"
        return (
            f"Too many {what} from here. Wait {self.throttles[0].minutes} minutes and try again, or ask your teacher."
        )


def classroom_for_code(code: str) -> Classroom:
    classroom = Classroom.objects.filter(join_code=normalise_join_code(code), archived_at__isnull=True).first()
    if classroom is None:
        raise JoinRefused("No open class has that code. Check it with your teacher.")
    return classroom


def enrollment_join(*, student, code: str) -> Enrollment:
    """Put the student in the class with that code; joining twice changes nothing. Staff and superusers never
    join: the class's teacher would see their work, and their account is not for a class."""
    if is_admin_account(student):
        raise JoinRefused("Staff and admin accounts cannot join a class. Log in with a student account to join one.")
    if not can_join_classes(student):
        raise JoinRefused("Only student accounts join classes.")
    classroom = classroom_for_code(code)
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(classroom=classroom, student=student)
        if not created and enrollment.left_at is not None:
            enrollment.left_at = None
            enrollment.save(update_fields=["left_at"])
    return enrollment
