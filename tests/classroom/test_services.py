"""Rosters: reading lists of names, usernames and one-time passwords, and the services for classes and students."""

import contextlib
import re
from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError
from hypothesis import given
from hypothesis import strategies as st

from quizzes.classroom.services import (
    MAX_NAME_LENGTH,
    MAX_STUDENTS_AT_ONCE,
    ONE_TIME_PASSWORD_ITERATIONS,
    PASSWORD_ALPHABET,
    JoinRefused,
    RosterError,
    RosterRepeated,
    SheetRow,
    classroom_archive,
    classroom_create,
    classroom_rename,
    classroom_roster,
    enrollment_join,
    enrollment_remove,
    enrollment_restore,
    join_code_regenerate,
    one_time_password,
    parse_roster,
    roster_text_from_upload,
    sheet_csv,
    sheet_read,
    sheet_rows,
    sheet_sign,
    students_bulk_create,
    teacher_assignments,
    teacher_classes,
    username_base,
    usernames_for,
)
from quizzes.models import Attempt, Classroom, Enrollment, User
from tests import factories

# -- Reading lists of names ----------------------------------------------------------------------------------


def test_one_name_per_line_takes_the_last_word_as_the_last_name():
    assert parse_roster("Anna Petrova\nAnna Maria  Ivanova\nMadonna\n") == [
        ("Anna", "Petrova"),
        ("Anna Maria", "Ivanova"),
        ("Madonna", ""),
    ]


def test_blank_lines_and_surrounding_spaces_are_ignored():
    assert parse_roster("\n\n  Anna Petrova  \r\n\r\n   Boris Ivanov\n \t \n") == [
        ("Anna", "Petrova"),
        ("Boris", "Ivanov"),
    ]


def test_csv_columns_are_first_then_last_name_and_further_columns_are_ignored():
    text = 'Anna,Petrova\nBoris,"Ivanov, Jr",boris@example.org\n,,\n'
    assert parse_roster(text) == [("Anna", "Petrova"), ("Boris", "Ivanov, Jr")]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_a_header_row_is_optional_and_sets_the_column_order(separator):
    text = separator.join(["Last name", "First name", "Email"]) + "\n" + separator.join(["Petrova", "Anna", "a@b"])
    assert parse_roster(text) == [("Anna", "Petrova")]
    assert parse_roster(separator.join(["Anna", "Petrova"])) == [("Anna", "Petrova")]


def test_a_single_name_column_under_a_header_is_split_like_a_pasted_line():
    assert parse_roster("Name\nAnna Maria Petrova\nBoris Ivanov") == [("Anna Maria", "Petrova"), ("Boris", "Ivanov")]
    assert parse_roster("Student,Email\nAnna Petrova,a@b") == [("Anna", "Petrova")]


def test_a_byte_order_mark_and_a_trailing_comma_do_not_get_in_the_way():
    # A row with only its first cell filled holds a whole name.
    assert parse_roster("\ufeffFirst,Last\nAnna,Petrova\nBoris Ivanov,\n") == [("Anna", "Petrova"), ("Boris", "Ivanov")]
    assert parse_roster("Anna Petrova,\n") == [("Anna", "Petrova")]


def test_an_error_names_its_line():
    text = "Anna Petrova\n\nBoris Ivanov\nOlga Ivanova\nIvan Petrov\nMaria Lenina\n,Nofirstname\nLast One"
    with pytest.raises(RosterError) as error:
        parse_roster(text)
    assert error.value.line == 7
    assert str(error.value) == "Line 7: there is no first name."


def test_names_longer_than_the_limit_are_refused_with_their_line():
    with pytest.raises(RosterError, match="Line 2: a name can be at most 100 characters"):
        parse_roster("Anna Petrova\n" + "A" * (MAX_NAME_LENGTH + 1) + " Petrova")
    assert parse_roster("A" * MAX_NAME_LENGTH + " Petrova") == [("A" * MAX_NAME_LENGTH, "Petrova")]


def test_at_most_200_names_at_once():
    names = [f"Student{n} Test" for n in range(MAX_STUDENTS_AT_ONCE)]
    assert len(parse_roster("\n".join(names))) == MAX_STUDENTS_AT_ONCE
    with pytest.raises(RosterError, match="Line 201: at most 200 students"):
        parse_roster("\n".join([*names, "One More"]))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "There are no names"),
        ("\n \n,,\n", "There are no names"),
        ("First name,Last name\n", "There are no names"),
        ("Anna\x00 Petrova", "Line 1: the name holds control characters"),
        ("Anna P\ufffdtrova", "Line 1: the name holds characters we could not read"),
        ("x" * 2000, "Line 1: the line is longer than"),
    ],
)
def test_unusable_lists_get_a_clear_message(text, message):
    with pytest.raises(RosterError, match=re.escape(message)):
        parse_roster(text)


@given(st.text(max_size=400))
def test_any_text_gives_names_or_a_roster_error_never_anything_else(text):
    try:
        names = parse_roster(text)
    except RosterError as error:
        assert str(error)
        assert error.line is None or error.line >= 1
    else:
        assert 1 <= len(names) <= MAX_STUDENTS_AT_ONCE
        for first, last in names:
            assert first and first == first.strip() and last == last.strip()
            assert len(first) <= MAX_NAME_LENGTH and len(last) <= MAX_NAME_LENGTH


@given(st.lists(st.sampled_from([",", ";", "\t", '"', "\n", "\r", " ", "a", "B", "é", "\ufeff", "Name"]), max_size=60))
def test_separator_heavy_text_never_crashes_the_parser(pieces):
    with contextlib.suppress(RosterError):
        parse_roster("".join(pieces))


def test_uploads_must_be_utf8_with_or_without_a_byte_order_mark():
    assert roster_text_from_upload("Anna Pétrova".encode()) == "Anna Pétrova"
    assert roster_text_from_upload("\ufeffAnna Pétrova".encode()) == "Anna Pétrova"
    with pytest.raises(RosterError, match="not UTF-8"):
        roster_text_from_upload("Anna Pétrova".encode("latin-1"))
    with pytest.raises(RosterError, match="UTF-16"):
        roster_text_from_upload("Anna Pétrova".encode("utf-16"))
    with pytest.raises(RosterError, match="larger than"):
        roster_text_from_upload(b"a" * 200_000)


# -- Usernames and passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "username"),
    [
        ("Anna", "Petrova", "anna.petrova"),
        ("Zoë", "Müller-Lüdenscheidt", "zoe.muller-ludenscheidt"),
        ("Пётр", "Щукин", "petr.shchukin"),
        ("Siobhán", "O'Brien", "siobhan.obrien"),
        ("Anna Maria", "de la Cruz", "anna-maria.de-la-cruz"),
        ("Madonna", "", "madonna"),
        ("李", "小龙", "student"),
        ("Łukasz", "Straße", "lukasz.strasse"),
    ],
)
def test_usernames_are_readable_lowercase_ascii(first, last, username):
    assert username_base(first, last) == username


def test_very_long_names_still_make_a_valid_username():
    base = username_base("A" * 100, "B" * 100)
    assert len(base) <= 61 and re.fullmatch(r"[a-z0-9.-]+", base)


def test_a_taken_username_gets_a_number(db):
    factories.UserFactory(username="anna.petrova")
    factories.UserFactory(username="anna.petrova2")
    factories.UserFactory(username="boris.ivanov")
    names = [("Anna", "Petrova"), ("Anna", "Petrova"), ("Boris", "Ivanov"), ("Olga", "Ivanova")]
    assert usernames_for(names) == ["anna.petrova3", "anna.petrova4", "boris.ivanov2", "olga.ivanova"]


def test_one_time_passwords_are_readable_and_different():
    passwords = {one_time_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert re.fullmatch(
            rf"[{PASSWORD_ALPHABET}]{{4}}-[{PASSWORD_ALPHABET}]{{4}}-[{PASSWORD_ALPHABET}]{{4}}", password
        )
        assert not set(password) & set("0o1li")


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


def test_roster_shows_the_latest_activity(school):
    assert classroom_roster(school.classroom).current[0].latest_activity is None
    started = factories.AttemptFactory(student=school.student, assignment=school.assignment)
    entry = next(e for e in classroom_roster(school.classroom).current if e.student == school.student)
    assert entry.latest_activity == ("started", started.started_at)
    Attempt.objects.filter(pk=started.pk).update(submitted_at=started.started_at, score=1)
    entry = next(e for e in classroom_roster(school.classroom).current if e.student == school.student)
    assert entry.latest_activity == ("submitted", started.started_at)


def test_activity_in_other_classes_does_not_count(school):
    elsewhere = factories.AssignmentFactory(classroom=school.other_classroom)
    factories.EnrollmentFactory(classroom=school.other_classroom, student=school.student)
    factories.AttemptFactory(student=school.student, assignment=elsewhere)
    entry = next(e for e in classroom_roster(school.classroom).current if e.student == school.student)
    assert entry.latest_activity is None


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


# -- The sheet ---------------------------------------------------------------------------------------------------


def test_the_signed_sheet_round_trips_only_for_its_class(school):
    created = students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")])
    rows = sheet_rows(created)
    token = sheet_sign(classroom=school.classroom, rows=rows)
    assert sheet_read(classroom=school.classroom, token=token) == rows
    with pytest.raises(RosterError, match="could not be read"):
        sheet_read(classroom=school.other_classroom, token=token)
    with pytest.raises(RosterError, match="could not be read"):
        sheet_read(classroom=school.classroom, token=token[:-2] + "xx")


def test_an_old_sheet_has_expired(school):
    token = sheet_sign(classroom=school.classroom, rows=[SheetRow("Anna", "Petrova", "anna.petrova", "abcd")])
    with (
        mock.patch("quizzes.classroom.services.signing.loads", side_effect=signing.SignatureExpired),
        pytest.raises(RosterError, match="more than a day old"),
    ):
        sheet_read(classroom=school.classroom, token=token)


def test_the_csv_has_a_byte_order_mark_and_no_formulas(school):
    rows = [SheetRow("Зоя", "Петрова", "zoya.petrova", "abcd-efgh-jkmn"), SheetRow("=cmd()", "+x", "cmd", "p")]
    text = sheet_csv(classroom=school.classroom, rows=rows, login_url="https://quiz.example/accounts/login/")
    assert text.startswith("\ufeffFirst name,Last name,Username,One-time password,Class,Log in at\r\n")
    assert "Зоя,Петрова,zoya.petrova,abcd-efgh-jkmn,History 10A,https://quiz.example/accounts/login/" in text
    assert "'=cmd(),'+x,cmd" in text


# -- Reads for the teacher's home ------------------------------------------------------------------------------------


def test_teacher_classes_count_current_students_only(school):
    enrollment_remove(classroom=school.classroom, student=school.classmate)
    (classroom,) = teacher_classes(school.teacher)
    assert classroom.student_count == 1


def test_teacher_assignments_count_submissions_of_current_students(school):
    factories.AttemptFactory(
        student=school.student, assignment=school.assignment, submitted_at="2025-01-01T10:00Z", score=1
    )
    factories.AttemptFactory(
        student=school.student, assignment=school.assignment, number=2, submitted_at="2025-01-02T10:00Z", score=2
    )
    factories.AttemptFactory(
        student=school.classmate, assignment=school.assignment, submitted_at="2025-01-01T10:00Z", score=1
    )
    enrollment_remove(classroom=school.classroom, student=school.classmate)
    (assignment,) = teacher_assignments(school.teacher)
    assert (assignment.submitted_count, assignment.student_count, assignment.item_count) == (1, 1, 7)
    classroom_archive(classroom=school.classroom, archived=True)
    assert teacher_assignments(school.teacher) == []
