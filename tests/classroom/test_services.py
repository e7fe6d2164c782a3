"""Writes for classes: making, archiving, join codes, joining, the roster and adding many students."""

from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.core.cache import cache
from django.db import IntegrityError

from quizzes.classroom.names import (
    RosterError,
)
from quizzes.classroom.selectors import classroom_roster
from quizzes.classroom.services import (
    JoinRefused,
    RosterRepeated,
    classroom_archive,
    classroom_create,
    classroom_rename,
    enrollment_join,
    enrollment_remove,
    enrollment_restore,
    join_code_regenerate,
    students_bulk_create,
)
from quizzes.classroom.sheets import (
    ONE_TIME_PASSWORD_ITERATIONS,
)
from quizzes.models import Attempt, Classroom, Enrollment, User
from tests import factories

# -- Classes ---------------------------------------------------------------------------------------------------


def test_a_class_is_made_renamed_and_archived(db):
    teacher = factories.TeacherFactory()
    classroom = classroom_create(teacher=teacher, name="  History 11B ")
    assert classroom.name == "History 11B" and classroom.teacher == teacher and len(classroom.join_code) == 6
    classroom_rename(classroom=classroom, name="History 11C")
    classroom_archive(classroom=classroom, archived=True)
    classroom.refresh_from_db()
    assert classroom.name == "History 11C" and classroom.archived_at is not None
    classroom_archive(classroom=classroom, archived=False)
    classroom.refresh_from_db()
    assert classroom.archived_at is None


def test_archiving_twice_keeps_the_first_date(db):
    classroom = factories.ClassroomFactory()
    first = classroom_archive(classroom=classroom, archived=True).archived_at
    assert classroom_archive(classroom=classroom, archived=True).archived_at == first


def test_an_archived_class_cannot_be_joined(school):
    classroom_archive(classroom=school.classroom, archived=True)
    with pytest.raises(JoinRefused, match="No open class has that code"):
        enrollment_join(student=school.stranger, code=school.classroom.join_code)


def test_a_new_join_code_stops_the_old_one_at_once(school):
    old = school.classroom.join_code
    join_code_regenerate(classroom=school.classroom)
    assert Classroom.objects.get(pk=school.classroom.pk).join_code not in ("", old)
    with pytest.raises(JoinRefused, match="No open class has that code. Check it with your teacher."):
        enrollment_join(student=school.stranger, code=old)
    assert enrollment_join(student=school.stranger, code=school.classroom.join_code).classroom == school.classroom


def test_a_join_code_already_taken_is_drawn_again(school):
    codes = iter([school.other_classroom.join_code, "NEWCODE"])
    with mock.patch("quizzes.classroom.services.new_join_code", lambda: next(codes)):
        join_code_regenerate(classroom=school.classroom)
    assert Classroom.objects.get(pk=school.classroom.pk).join_code == "NEWCODE"


# -- Enrollments -------------------------------------------------------------------------------------------------


def test_removing_a_student_keeps_their_enrollment_and_attempts(school):
    attempt = factories.AttemptFactory(student=school.student, assignment=school.assignment)
    enrollment = enrollment_remove(classroom=school.classroom, student=school.student)
    assert enrollment.left_at is not None
    assert Attempt.objects.filter(pk=attempt.pk).exists()
    assert Enrollment.objects.filter(classroom=school.classroom, student=school.student).exists()
    roster = classroom_roster(school.classroom)
    assert [entry.student for entry in roster.current] == [school.classmate]
    assert [entry.student for entry in roster.left] == [school.student]


def test_a_removed_student_can_be_added_back(school):
    enrollment_remove(classroom=school.classroom, student=school.student)
    enrollment = enrollment_restore(classroom=school.classroom, student=school.student)
    assert enrollment.left_at is None
    assert len(classroom_roster(school.classroom).current) == 2


# -- Many students at once -----------------------------------------------------------------------------------------


def test_bulk_create_makes_enrolled_students_who_must_change_their_password(school):
    created = students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova"), ("Пётр", "Щукин")])
    assert [s.user.username for s in created] == ["anna.petrova", "petr.shchukin"]
    for new in created:
        user = User.objects.get(pk=new.user.pk)
        assert user.is_student and user.must_change_password
        assert user.check_password(new.password)
        assert new.password not in user.password
        assert Enrollment.objects.current().filter(classroom=school.classroom, student=user).exists()
    assert User.objects.get(username="petr.shchukin").first_name == "Пётр"


def test_bulk_create_is_all_or_nothing(school):
    before = User.objects.count()
    with (
        mock.patch.object(Enrollment.objects, "bulk_create", side_effect=IntegrityError("boom")),
        pytest.raises(RosterError, match="nothing was created"),
    ):
        students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova"), ("Boris", "Ivanov")])
    assert User.objects.count() == before


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ([], "no names"),
        ([("", "Petrova")], "no first name"),
        ([("A" * 101, "Petrova")], "longer than 100"),
        ([("Anna", "Petrova")] * 201, "At most 200"),
    ],
)
def test_bulk_create_checks_the_names_itself(school, names, message):
    before = User.objects.count()
    with pytest.raises(RosterError, match=message):
        students_bulk_create(classroom=school.classroom, names=names)
    assert User.objects.count() == before


def test_the_same_batch_cannot_make_the_students_twice(school):
    cache.clear()
    students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")], batch="form-1")
    with pytest.raises(RosterRepeated):
        students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")], batch="form-1")
    assert User.objects.filter(first_name="Anna").count() == 1


def test_a_failed_batch_can_be_sent_again(school):
    cache.clear()
    with (
        mock.patch.object(Enrollment.objects, "bulk_create", side_effect=IntegrityError("boom")),
        pytest.raises(RosterError),
    ):
        students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")], batch="form-2")
    assert students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")], batch="form-2")


def test_with_pbkdf2_one_time_passwords_use_fewer_rounds_and_still_log_in(school, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    (new,) = students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")])
    user = User.objects.get(pk=new.user.pk)
    assert identify_hasher(user.password).decode(user.password)["iterations"] == ONE_TIME_PASSWORD_ITERATIONS
    assert check_password(new.password, user.password)
    assert not check_password("wrong-password", user.password)


def test_an_archived_class_takes_no_new_students(school):
    """The service refuses by itself, whoever calls it (the view, an admin action, a command)."""
    classroom_archive(classroom=school.classroom, archived=True)
    before = User.objects.count()
    with pytest.raises(RosterError, match="History 10A is archived: unarchive it before adding students."):
        students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")], batch="form-1")
    assert User.objects.count() == before
    classroom_archive(classroom=school.classroom, archived=False)
    assert students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")], batch="form-1")
