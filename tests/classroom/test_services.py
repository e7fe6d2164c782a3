"""Writes for classes: making, archiving, join codes, joining, the roster and adding many students."""

from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.core.cache import cache
from django.db import IntegrityError

from quizzes.accounts.services import student_signup
from quizzes.classroom.names import (
    RosterError,
)
from quizzes.classroom.selectors import classroom_roster
from quizzes.classroom.services import (
    JoinRefused,
    PasswordResetRefused,
    RosterRepeated,
    classroom_archive,
    classroom_create,
    classroom_rename,
    enrollment_join,
    enrollment_remove,
    enrollment_restore,
    join_code_regenerate,
    student_password_reset,
    students_bulk_create,
)
from quizzes.classroom.sheets import (
    ONE_TIME_PASSWORD_ITERATIONS,
)
from quizzes.models import Attempt, Classroom, Enrollment, PasswordReset, User
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


def test_staff_and_superusers_never_join_a_class(school):
    """A teacher could otherwise reset the password of an admin account on their roster (issue 14)."""
    superuser = User.objects.create_superuser("head", "head@example.org", "admin-Passphrase-1917")
    staff = factories.UserFactory(username="helper", is_staff=True)
    for admin in (superuser, staff):
        with pytest.raises(JoinRefused, match="Staff and admin accounts cannot join a class"):
            enrollment_join(student=admin, code=school.classroom.join_code)
    assert not Enrollment.objects.filter(student__in=[superuser, staff]).exists()


def test_a_student_who_has_since_become_staff_is_not_put_back_in_a_class(school):
    enrollment_remove(classroom=school.classroom, student=school.student)
    User.objects.filter(pk=school.student.pk).update(is_staff=True, role=User.Role.ADMIN)
    school.student.refresh_from_db()
    with pytest.raises(RosterError, match="no longer has a student account"):
        enrollment_restore(classroom=school.classroom, student=school.student)
    assert Enrollment.objects.get(classroom=school.classroom, student=school.student).left_at is not None


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


def test_bulk_created_accounts_record_the_teacher_who_made_them(school):
    created = students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova"), ("Boris", "Orlov")])
    for new in created:
        user = User.objects.get(pk=new.user.pk)
        assert user.created_by == school.teacher and not user.is_staff and not user.is_superuser
    assert list(school.teacher.created_accounts.order_by("username")) == [c.user for c in created]


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


# -- A forgotten password ----------------------------------------------------------------------------------------


@pytest.fixture
def anna(school):
    """A student the teacher made with Add students, in their class only."""
    (new,) = students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")])
    return new.user


def test_a_teacher_resets_a_student_they_made_and_the_reset_is_recorded(school, anna):
    reset = student_password_reset(classroom=school.classroom, student=anna, reset_by=school.teacher)
    anna.refresh_from_db()
    assert reset.user == anna and anna.check_password(reset.password) and anna.must_change_password
    record = PasswordReset.objects.get()
    assert (record.account, record.reset_by, record.classroom, record.way) == (
        anna,
        school.teacher,
        school.classroom,
        PasswordReset.Way.ROSTER,
    )
    # Another class of the same teacher does not stand in the way.
    enrollment_join(student=anna, code=factories.ClassroomFactory(teacher=school.teacher).join_code)
    student_password_reset(classroom=school.classroom, student=anna, reset_by=school.teacher)
    assert PasswordReset.objects.count() == 2


def _superuser_on_the_roster(school, anna):
    superuser = User.objects.create_superuser("head", "head@example.org", "admin-Passphrase-1917")
    superuser.created_by = school.teacher
    superuser.save()
    Enrollment.objects.create(classroom=school.classroom, student=superuser)  # as before joining was refused
    return superuser


def _made_student_promoted_to_staff(school, anna):
    User.objects.filter(pk=anna.pk).update(is_staff=True, role=User.Role.ADMIN)
    return User.objects.get(pk=anna.pk)


def _student_who_signed_up(school, anna):
    return student_signup(
        username="nadia",
        first_name="Nadia",
        last_name="K",
        password="a-long-Passphrase-1917",
        join_code=school.classroom.join_code,
    ).student


def _made_by_another_teacher(school, anna):
    (new,) = students_bulk_create(classroom=school.other_classroom, names=[("Boris", "Orlov")])
    Enrollment.objects.filter(student=new.user).delete()
    enrollment_join(student=new.user, code=school.classroom.join_code)
    return new.user


def _made_here_then_joined_another_teachers_class(school, anna):
    enrollment_join(student=anna, code=school.other_classroom.join_code)
    return anna


def _made_here_then_left_another_teachers_class(school, anna):
    enrollment_join(student=anna, code=school.other_classroom.join_code)
    enrollment_remove(classroom=school.other_classroom, student=anna)
    return anna


def _made_here_and_in_another_teachers_archived_class(school, anna):
    enrollment_join(student=anna, code=school.other_classroom.join_code)
    classroom_archive(classroom=school.other_classroom, archived=True)
    return anna


@pytest.mark.parametrize(
    ("account", "reason"),
    [
        (_superuser_on_the_roster, "has an admin account"),
        (_made_student_promoted_to_staff, "has an admin account"),
        (_student_who_signed_up, "You did not make Nadia K's account"),
        (_made_by_another_teacher, "You did not make Boris Orlov's account"),
        (_made_here_then_joined_another_teachers_class, "is also in another teacher's class"),
        (_made_here_then_left_another_teachers_class, "is also in another teacher's class"),
        (_made_here_and_in_another_teachers_archived_class, "is also in another teacher's class"),
    ],
)
def test_a_teacher_may_not_reset_an_account_they_did_not_make_or_that_is_not_all_theirs(school, anna, account, reason):
    """Only an admin resets these: the service refuses whoever calls it, the password stays, nothing is recorded."""
    target = account(school, anna)
    before = User.objects.get(pk=target.pk).password
    with pytest.raises(PasswordResetRefused, match=reason):
        student_password_reset(classroom=school.classroom, student=target, reset_by=school.teacher)
    assert User.objects.get(pk=target.pk).password == before
    assert not PasswordReset.objects.exists()


def test_only_the_classs_teacher_resets_from_its_roster(school, anna):
    with pytest.raises(PasswordResetRefused, match="Only the teacher of History 10A"):
        student_password_reset(classroom=school.classroom, student=anna, reset_by=school.other_teacher)
    assert not PasswordReset.objects.exists()
