"""The teacher's classes and rosters, through the plain (no JavaScript) path and the HTMX path."""

import csv
import io
from html import unescape

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.classroom.services import enrollment_join, enrollment_remove, students_bulk_create
from quizzes.classroom.sheets import sheet_read
from quizzes.models import Attempt, Classroom, Enrollment, PasswordReset, User
from tests import factories
from tests.conftest import HTMX, client_for


@pytest.fixture
def teacher_client(school):
    return client_for(school.teacher)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def page_of(response) -> str:
    return unescape(response.content.decode())


# -- Who may enter -----------------------------------------------------------------------------------------------

PAGES = [
    ("get", "class_create", False),
    ("get", "class_detail", False),
    ("get", "class_edit", False),
    ("post", "class_edit", False),
    ("post", "class_archive", False),
    ("post", "class_regenerate_code", False),
    ("get", "roster_add", False),
    ("post", "roster_add", False),
    ("post", "roster_sheet_csv", False),
    ("get", "roster_remove", True),
    ("post", "roster_remove", True),
    ("post", "roster_restore", True),
    ("get", "roster_password", True),
    ("post", "roster_password", True),
]


def url_for(name, school, with_student):
    if name == "class_create":
        return reverse(name)
    if with_student:
        return reverse(name, args=[school.classroom.pk, school.student.pk])
    return reverse(name, args=[school.classroom.pk])


@pytest.mark.parametrize(("method", "name", "with_student"), [page for page in PAGES if page[1] != "class_create"])
def test_another_teacher_gets_404_for_every_class_page(school, method, name, with_student):
    response = getattr(client_for(school.other_teacher), method)(url_for(name, school, with_student))
    assert response.status_code == 404
    assert Enrollment.objects.current().filter(student=school.student).exists()


@pytest.mark.parametrize(("method", "name", "with_student"), PAGES)
def test_students_get_403_on_every_class_page(school, method, name, with_student):
    response = getattr(client_for(school.student), method)(url_for(name, school, with_student))
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "name", "with_student"), PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, school, method, name, with_student):
    response = getattr(client, method)(url_for(name, school, with_student))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_teacher_home_is_for_teachers_only(client, school):
    assert client_for(school.student).get(reverse("teacher_dashboard")).status_code == 403
    assert client.get(reverse("teacher_dashboard")).url.startswith(reverse("login"))


def test_a_student_who_was_never_in_the_class_is_404(school, teacher_client):
    url = reverse("roster_remove", args=[school.classroom.pk, school.stranger.pk])
    assert teacher_client.get(url).status_code == 404
    assert teacher_client.post(url).status_code == 404


# -- The teacher's home -----------------------------------------------------------------------------------------


def test_home_shows_class_cards_with_links_and_the_assignments(school, teacher_client):
    page = page_of(teacher_client.get(reverse("teacher_dashboard")))
    assert "History 10A" in page and school.classroom.join_code in page
    assert "2 students" in page
    assert reverse("class_detail", args=[school.classroom.pk]) in page
    assert reverse("gradebook", args=[school.classroom.pk]) in page
    assert reverse("assignment_detail", args=[school.assignment.pk]) in page
    assert reverse("assignment_results", args=[school.assignment.pk]) in page
    assert reverse("class_create") in page and reverse("set_create") in page
    assert "0 of 2" in page  # submitted
    assert "History 10B" not in page and school.other_classroom.join_code not in page


def test_archived_classes_have_their_own_list(school, teacher_client):
    archived = factories.ClassroomFactory(name="History 9C", teacher=school.teacher, archived_at=timezone.now())
    page = page_of(teacher_client.get(reverse("teacher_dashboard")))
    assert "History 9C" not in page and "Archived classes (1)" in page
    page = page_of(teacher_client.get(reverse("teacher_dashboard"), {"archived": "1"}))
    assert "History 9C" in page and "Unarchive" in page and "History 10A" not in page
    assert reverse("class_archive", args=[archived.pk]) in page


def test_a_new_teacher_is_invited_to_make_a_class(db):
    page = page_of(client_for(factories.TeacherFactory()).get(reverse("teacher_dashboard")))
    assert "You have no classes yet" in page and reverse("class_create") in page


def make_classes(teacher, classes: int, students: int):
    for n in range(classes):
        classroom = factories.ClassroomFactory(teacher=teacher, name=f"Class {n}")
        assignment = factories.AssignmentFactory(classroom=classroom)
        for _ in range(students):
            student = factories.EnrollmentFactory(classroom=classroom).student
            factories.AttemptFactory(student=student, assignment=assignment, submitted_at=timezone.now(), score=1)


def test_home_takes_the_same_queries_for_few_or_many_classes(db, django_assert_num_queries):
    small, large = factories.TeacherFactory(), factories.TeacherFactory()
    make_classes(small, classes=1, students=2)
    make_classes(large, classes=6, students=8)
    factories.ClassroomFactory(teacher=large, archived_at=timezone.now())
    for teacher in (small, large):
        client = client_for(teacher)
        # session, user, classes, assignments
        with django_assert_num_queries(4):
            assert client.get(reverse("teacher_dashboard")).status_code == 200
    page = page_of(client_for(large).get(reverse("teacher_dashboard")))
    assert page.count("8 of 8") == 6


# -- Making, renaming and archiving a class ------------------------------------------------------------------------


def test_making_a_class_leads_to_its_roster(school, teacher_client):
    assert "Class name" in page_of(teacher_client.get(reverse("class_create")))
    response = teacher_client.post(reverse("class_create"), {"name": " History 11C "})
    classroom = Classroom.objects.get(name="History 11C")
    assert classroom.teacher == school.teacher
    assert response.status_code == 302 and response.url == reverse("class_detail", args=[classroom.pk])
    page = page_of(teacher_client.get(response.url))
    assert "History 11C is ready" in page and classroom.join_code in page


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_class_needs_a_name_of_reasonable_length(school, teacher_client, name):
    response = teacher_client.post(reverse("class_create"), {"name": name})
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()
    assert not Classroom.objects.filter(teacher=school.teacher).exclude(pk=school.classroom.pk).exists()


def test_renaming_a_class(school, teacher_client):
    url = reverse("class_edit", args=[school.classroom.pk])
    assert 'value="History 10A"' in teacher_client.get(url).content.decode()
    response = teacher_client.post(url, {"name": "History 10A (Tuesdays)"})
    assert response.url == reverse("class_detail", args=[school.classroom.pk])
    school.classroom.refresh_from_db()
    assert school.classroom.name == "History 10A (Tuesdays)"
    assert teacher_client.post(url, {"name": ""}).status_code == 422


def test_archiving_hides_the_class_from_students_and_stops_its_code(school, teacher_client):
    assert school.assignment.display_title in page_of(client_for(school.student).get(reverse("student_dashboard")))
    response = teacher_client.post(reverse("class_archive", args=[school.classroom.pk]), {"archived": "1"})
    assert response.url == reverse("teacher_dashboard")
    assert "is archived" in page_of(teacher_client.get(response.url))
    assert school.assignment.display_title not in page_of(client_for(school.student).get(reverse("student_dashboard")))
    joined = client_for(school.stranger).post(reverse("join"), {"join_code": school.classroom.join_code})
    assert joined.status_code == 422 and "No open class has that code" in page_of(joined)
    page = page_of(teacher_client.get(reverse("class_detail", args=[school.classroom.pk])))
    assert "Archived" in page and "Unarchive" in page


def test_unarchiving_brings_the_class_back(school, teacher_client):
    url = reverse("class_archive", args=[school.classroom.pk])
    teacher_client.post(url, {"archived": "1"})
    response = teacher_client.post(url, {"archived": "0"})
    assert response.url == reverse("class_detail", args=[school.classroom.pk])
    school.classroom.refresh_from_db()
    assert school.classroom.archived_at is None
    assert school.assignment.display_title in page_of(client_for(school.student).get(reverse("student_dashboard")))


def test_archiving_under_htmx_redirects_the_whole_page(school, teacher_client):
    response = teacher_client.post(
        reverse("class_archive", args=[school.classroom.pk]), {"archived": "1"}, headers=HTMX
    )
    assert response.status_code == 200 and response.headers["HX-Redirect"] == reverse("teacher_dashboard")


@pytest.mark.parametrize("payload", [{}, {"archived": "maybe"}])
def test_archiving_without_a_clear_choice_is_refused(school, teacher_client, payload):
    response = teacher_client.post(reverse("class_archive", args=[school.classroom.pk]), payload)
    assert response.status_code == 400 and "Say whether to archive" in page_of(response)
    school.classroom.refresh_from_db()
    assert school.classroom.archived_at is None


def test_archive_only_by_post(school, teacher_client):
    assert teacher_client.get(reverse("class_archive", args=[school.classroom.pk])).status_code == 405


# -- Join codes ------------------------------------------------------------------------------------------------------


def test_the_roster_page_shows_the_join_code_and_signup_link(school, teacher_client):
    page = page_of(teacher_client.get(reverse("class_detail", args=[school.classroom.pk])))
    assert f'<p class="join-code-big">{school.classroom.join_code}</p>' in page
    assert f"http://testserver/signup/?code={school.classroom.join_code}" in page


def test_a_new_code_stops_the_old_one_at_once(school, teacher_client):
    old = school.classroom.join_code
    response = teacher_client.post(reverse("class_regenerate_code", args=[school.classroom.pk]))
    assert response.url == reverse("class_detail", args=[school.classroom.pk])
    school.classroom.refresh_from_db()
    assert school.classroom.join_code != old
    assert f"The new join code is {school.classroom.join_code}" in page_of(teacher_client.get(response.url))
    refused = client_for(school.stranger).post(reverse("join"), {"join_code": old})
    assert refused.status_code == 422
    assert "No open class has that code. Check it with your teacher." in page_of(refused)
    signup = client_for(school.stranger).post(reverse("join"), {"join_code": school.classroom.join_code})
    assert signup.status_code == 302


def test_a_new_code_under_htmx_swaps_only_the_code_panel(school, teacher_client):
    response = teacher_client.post(reverse("class_regenerate_code", args=[school.classroom.pk]), headers=HTMX)
    school.classroom.refresh_from_db()
    page = page_of(response)
    assert response.status_code == 200 and "<html" not in page
    assert 'id="join-code"' in page and school.classroom.join_code in page
    assert 'id="class-status" hx-swap-oob="innerHTML"' in page and "The old code no longer works" in page
    assert 'id="roster"' not in page


# -- The roster ------------------------------------------------------------------------------------------------------


def test_the_roster_lists_students_with_their_latest_activity(school, teacher_client):
    attempt = factories.AttemptFactory(student=school.student, assignment=school.assignment)
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now(), score=1)
    page = page_of(teacher_client.get(reverse("class_detail", args=[school.classroom.pk])))
    assert "Students (2)" in page
    assert school.student.display_name in page and school.classmate.display_name in page
    assert "Submitted a quiz today" in page and "No activity yet" in page
    assert reverse("roster_remove", args=[school.classroom.pk, school.student.pk]) in page
    assert reverse("student_record", args=[school.classroom.pk, school.student.pk]) in page
    assert "Left the class" not in page
    assert school.stranger.display_name not in page


@pytest.mark.parametrize("size", [5, 30])
def test_the_roster_takes_the_same_queries_for_5_or_30_students(db, django_assert_num_queries, size):
    teacher = factories.TeacherFactory()
    classroom = factories.ClassroomFactory(teacher=teacher)
    assignment = factories.AssignmentFactory(classroom=classroom)
    for n in range(size):
        made_by_teacher = factories.BulkAddedStudentFactory(created_by=teacher) if n % 3 else factories.UserFactory()
        student = factories.EnrollmentFactory(classroom=classroom, student=made_by_teacher).student
        if n % 2:
            factories.AttemptFactory(student=student, assignment=assignment)
        if n % 5 == 0:
            Enrollment.objects.filter(student=student).update(left_at=timezone.now())
    client = client_for(teacher)
    # session, user, the class, the roster (with whose passwords the teacher may reset)
    with django_assert_num_queries(4):
        response = client.get(reverse("class_detail", args=[classroom.pk]))
    page = page_of(response)
    current = [n for n in range(size) if n % 5]
    assert page.count('<tr id="student-') == len(current)
    assert page.count(">New password<") == len([n for n in current if n % 3])
    assert page.count("Password: ask an admin") == len([n for n in current if not n % 3])


def test_removing_asks_first_then_keeps_the_attempts(school, teacher_client):
    attempt = factories.AttemptFactory(student=school.student, assignment=school.assignment)
    url = reverse("roster_remove", args=[school.classroom.pk, school.student.pk])
    confirm = page_of(teacher_client.get(url))
    assert f"Remove {school.student.display_name} from History 10A?" in confirm
    assert "Their attempts and scores are kept" in confirm
    assert Enrollment.objects.current().filter(student=school.student, classroom=school.classroom).exists()

    response = teacher_client.post(url)
    assert response.url == reverse("class_detail", args=[school.classroom.pk])
    enrollment = Enrollment.objects.get(student=school.student, classroom=school.classroom)
    assert enrollment.left_at is not None
    assert Attempt.objects.filter(pk=attempt.pk).exists()
    page = page_of(teacher_client.get(response.url))
    assert "was removed from History 10A" in page
    assert "Students (1)" in page and "Left the class (1)" in page
    assert reverse("roster_restore", args=[school.classroom.pk, school.student.pk]) in page
    assert school.assignment.display_title not in page_of(client_for(school.student).get(reverse("student_dashboard")))


def test_removing_under_htmx_shows_the_question_in_place_then_swaps_the_roster(school, teacher_client):
    url = reverse("roster_remove", args=[school.classroom.pk, school.student.pk])
    confirm = teacher_client.get(url, headers=HTMX)
    assert "<html" not in page_of(confirm) and f'hx-post="{url}"' in page_of(confirm)
    assert "HX-Request" in confirm.headers["Vary"]
    response = teacher_client.post(url, headers=HTMX)
    page = page_of(response)
    assert "<html" not in page and 'id="roster"' in page
    assert "Left the class (1)" in page and 'id="left-student-' in page
    assert "was removed from History 10A" in page and 'hx-swap-oob="innerHTML"' in page
    assert Enrollment.objects.get(student=school.student, classroom=school.classroom).left_at is not None


def test_removing_twice_changes_nothing(school, teacher_client):
    url = reverse("roster_remove", args=[school.classroom.pk, school.student.pk])
    teacher_client.post(url)
    left_at = Enrollment.objects.get(student=school.student, classroom=school.classroom).left_at
    assert teacher_client.post(url).status_code == 302
    assert Enrollment.objects.get(student=school.student, classroom=school.classroom).left_at == left_at


def test_a_removed_student_can_be_added_back(school, teacher_client):
    teacher_client.post(reverse("roster_remove", args=[school.classroom.pk, school.student.pk]))
    url = reverse("roster_restore", args=[school.classroom.pk, school.student.pk])
    assert teacher_client.post(url).url == reverse("class_detail", args=[school.classroom.pk])
    assert Enrollment.objects.get(student=school.student, classroom=school.classroom).left_at is None
    teacher_client.post(reverse("roster_remove", args=[school.classroom.pk, school.student.pk]))
    page = page_of(teacher_client.post(url, headers=HTMX))
    assert "Students (2)" in page and "Left the class" not in page and "is back in History 10A" in page


def test_a_student_who_has_since_become_staff_is_not_added_back(school, teacher_client):
    teacher_client.post(reverse("roster_remove", args=[school.classroom.pk, school.student.pk]))
    User.objects.filter(pk=school.student.pk).update(is_staff=True, role=User.Role.ADMIN)
    url = reverse("roster_restore", args=[school.classroom.pk, school.student.pk])
    for headers in ({}, HTMX):
        response = teacher_client.post(url, headers=headers)
        assert response.status_code == 409 and "no longer has a student account" in page_of(response)
    assert Enrollment.objects.get(student=school.student, classroom=school.classroom).left_at is not None


# -- A forgotten password ---------------------------------------------------------------------------------------


@pytest.fixture
def anna(school):
    """A student the teacher made with Add students, in their class only: the teacher may reset her password."""
    (new,) = students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")])
    return new.user


def password_url(school, student=None):
    return reverse("roster_password", args=[school.classroom.pk, (student or school.student).pk])


def slip_password(page: str) -> str:
    return page.split('<dt>One-time password</dt><dd class="slip-secret">')[1].split("<")[0]


def test_a_forgotten_password_is_replaced_by_a_one_time_password_shown_once(client, school, teacher_client, anna):
    anna.set_password("old-secret-1917")
    anna.must_change_password = False
    anna.save()
    student_session = client_for(anna)
    roster = page_of(teacher_client.get(reverse("class_detail", args=[school.classroom.pk])))
    assert password_url(school, anna) in roster
    asked = teacher_client.get(password_url(school, anna))
    assert "a new one-time password?" in page_of(asked)
    anna.refresh_from_db()
    assert anna.check_password("old-secret-1917")  # asking changes nothing
    assert not PasswordReset.objects.exists()
    response = teacher_client.post(password_url(school, anna))
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    page = page_of(response)
    assert "shown only this once" in page and page.count('<li class="slip">') == 1
    password = slip_password(page)
    anna.refresh_from_db()
    assert not anna.check_password("old-secret-1917") and anna.check_password(password)
    assert password not in anna.password
    # The student's open session ends; the old password no longer logs in; the new one does, once, then must change.
    assert student_session.get(reverse("student_dashboard")).url.startswith(reverse("login"))
    assert client.post(reverse("login"), {"username": "anna.petrova", "password": "old-secret-1917"}).status_code == 422
    assert client.post(reverse("login"), {"username": "anna.petrova", "password": password}).status_code == 302
    assert client.get(reverse("student_dashboard")).url == reverse("password_change")
    # Recorded: who reset whose password, when, from which roster.
    (record,) = PasswordReset.objects.all()
    assert (record.account, record.reset_by, record.classroom) == (anna, school.teacher, school.classroom)
    assert (record.account_username, record.reset_by_username) == ("anna.petrova", "teacher")
    assert record.way == PasswordReset.Way.ROSTER and record.reset_at is not None


def test_asking_for_a_new_password_under_htmx_shows_the_question_in_place(school, teacher_client, anna):
    page = page_of(teacher_client.get(password_url(school, anna), headers=HTMX))
    assert "<html" not in page and 'class="confirm-box"' in page and "Make a new password" in page


def test_no_new_password_for_a_student_who_left_or_was_never_in_the_class(school, teacher_client, anna):
    teacher_client.post(reverse("roster_remove", args=[school.classroom.pk, anna.pk]))
    before = User.objects.get(pk=anna.pk).password
    refused = teacher_client.post(password_url(school, anna))
    assert refused.status_code == 409 and "is not in History 10A" in page_of(refused)
    assert User.objects.get(pk=anna.pk).password == before
    assert teacher_client.post(password_url(school, school.stranger)).status_code == 404
    assert not PasswordReset.objects.exists()


def test_another_teacher_cannot_reset_a_password(school, anna):
    before = User.objects.get(pk=anna.pk).password
    assert client_for(school.other_teacher).post(password_url(school, anna)).status_code == 404
    assert client_for(school.student).post(password_url(school, anna)).status_code == 403
    assert User.objects.get(pk=anna.pk).password == before


def assert_admin_must_reset(school, teacher_client, student, reason: str) -> None:
    """The roster offers no reset for `student`; asking (GET, with or without htmx) and a forged POST are refused
    with a 403 that says why, and the password and the record of resets stay as they were."""
    before = User.objects.get(pk=student.pk).password
    roster = page_of(teacher_client.get(reverse("class_detail", args=[school.classroom.pk])))
    row = roster.split(f'<tr id="student-{student.pk}">')[1].split("</tr>")[0]
    assert password_url(school, student) not in row and "Password: ask an admin" in row
    assert "ask your school's admin" in roster
    for response in (
        teacher_client.get(password_url(school, student)),
        teacher_client.get(password_url(school, student), headers=HTMX),
        teacher_client.post(password_url(school, student)),
        teacher_client.post(password_url(school, student), headers=HTMX),
    ):
        assert response.status_code == 403
        page = page_of(response)
        assert reason in page and "slip-secret" not in page
    assert User.objects.get(pk=student.pk).password == before
    assert not PasswordReset.objects.exists()


def test_a_teacher_cannot_take_over_a_superuser_who_joined_their_class(school, teacher_client):
    """The attack of issue 14: an admin account on the roster (enrolled before joining was refused to admins)."""
    admin = User.objects.create_superuser("head", "head@example.org", "admin-Passphrase-1917")
    Enrollment.objects.create(classroom=school.classroom, student=admin)
    admin.created_by = school.teacher  # even an account the teacher made, once it is an admin's
    admin.save()
    assert_admin_must_reset(school, teacher_client, admin, "has an admin account")
    assert authenticate_ok("head", "admin-Passphrase-1917")


def test_a_teacher_cannot_reset_a_student_who_signed_up_themselves(client, school, teacher_client):
    client.post(
        reverse("signup"),
        {
            "first_name": "Nadia",
            "last_name": "K",
            "username": "nadia",
            "password1": "a-long-Passphrase-1917",
            "password2": "a-long-Passphrase-1917",
            "join_code": school.classroom.join_code,
        },
    )
    nadia = User.objects.get(username="nadia")
    assert_admin_must_reset(school, teacher_client, nadia, "You did not make Nadia K's account")
    assert authenticate_ok("nadia", "a-long-Passphrase-1917")


def test_a_teacher_cannot_reset_a_student_they_made_who_then_joined_another_teachers_class(
    school, teacher_client, anna
):
    enrollment_join(student=anna, code=school.other_classroom.join_code)
    enrollment_remove(classroom=school.other_classroom, student=anna)  # their work there stays theirs after leaving
    assert_admin_must_reset(school, teacher_client, anna, "is also in another teacher's class")


def test_a_teacher_cannot_reset_a_student_another_teacher_made(school, teacher_client):
    (new,) = students_bulk_create(classroom=school.other_classroom, names=[("Boris", "Orlov")])
    Enrollment.objects.filter(student=new.user).delete()  # not in the other teacher's class any more
    Enrollment.objects.create(classroom=school.classroom, student=new.user)
    assert_admin_must_reset(school, teacher_client, new.user, "You did not make Boris Orlov's account")


def authenticate_ok(username: str, password: str) -> bool:
    """The account still has its own password (the teacher's refused reset changed nothing)."""
    return User.objects.get(username=username).check_password(password)


# -- Adding many students ------------------------------------------------------------------------------------------


def add_url(school):
    return reverse("roster_add", args=[school.classroom.pk])


def test_the_add_form_explains_itself(school, teacher_client):
    response = teacher_client.get(add_url(school))
    page = page_of(response)
    assert "Paste names" in page and "Or upload a file" in page and 'name="batch"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "no-store" in response.headers["Cache-Control"]


def test_pasted_names_become_accounts_shown_once_on_a_printable_sheet(school, teacher_client):
    response = teacher_client.post(add_url(school), {"names": "Anna Petrova\n\nПётр Щукин\n", "batch": "b1"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    page = page_of(response)
    assert "2 new accounts in History 10A" in page
    assert "shown only this once" in page
    anna = User.objects.get(username="anna.petrova")
    assert anna.is_student and anna.must_change_password
    assert Enrollment.objects.current().filter(classroom=school.classroom, student=anna).exists()
    assert User.objects.get(username="petr.shchukin").get_full_name() == "Пётр Щукин"
    assert page.count('<li class="slip">') == 2
    assert "http://testserver/accounts/login/" in page
    passwords = [
        line.split('<dd class="slip-secret">')[1].split("<")[0] for line in page.splitlines() if "slip-secret" in line
    ]
    assert passwords[0] == "anna.petrova"
    assert anna.check_password(passwords[1])
    assert passwords[1] not in anna.password
    roster = page_of(teacher_client.get(reverse("class_detail", args=[school.classroom.pk])))
    assert "anna.petrova" in roster and passwords[1] not in roster


def test_a_new_student_logs_in_with_the_one_time_password_and_must_change_it(client, school, teacher_client):
    page = page_of(teacher_client.post(add_url(school), {"names": "Anna Petrova"}))
    password = page.split('<dt>One-time password</dt><dd class="slip-secret">')[1].split("<")[0]
    assert client.post(reverse("login"), {"username": "anna.petrova", "password": password}).status_code == 302
    assert client.get(reverse("student_dashboard")).url == reverse("password_change")


def test_an_uploaded_csv_with_a_byte_order_mark_and_header(school, teacher_client):
    upload = SimpleUploadedFile(
        "class.csv", "\ufeffLast name;First name\r\nPetrova;Anna\r\nMüller;Zoë\r\n".encode(), "text/csv"
    )
    response = teacher_client.post(add_url(school), {"names_file": upload})
    assert response.status_code == 200
    assert set(User.objects.filter(last_name__in=["Petrova", "Müller"]).values_list("username", flat=True)) == {
        "anna.petrova",
        "zoe.muller",
    }


def test_a_file_that_is_not_utf8_is_refused_with_422(school, teacher_client):
    before = User.objects.count()
    upload = SimpleUploadedFile("class.csv", "Zoë,Müller\n".encode("cp1252"), "text/csv")
    response = teacher_client.post(add_url(school), {"names_file": upload})
    assert response.status_code == 422
    assert "The file is not UTF-8 text" in page_of(response) and "CSV UTF-8" in page_of(response)
    assert User.objects.count() == before


def test_a_spreadsheet_file_is_refused_with_422(school, teacher_client):
    upload = SimpleUploadedFile("class.xlsx", b"PK\x03\x04...", "application/octet-stream")
    response = teacher_client.post(add_url(school), {"names_file": upload})
    assert response.status_code == 422 and "Upload a .csv or .txt file" in page_of(response)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ("", "Paste the names of your students"),
        ("\n \n", "Paste the names of your students"),
        ("\n".join(f"Student{n} Test" for n in range(201)), "Line 201: at most 200 students"),
        ("Anna Petrova\n" + "A" * 101 + " Petrova", "Line 2: a name can be at most 100 characters"),
        ("Anna Petrova\nBoris Ivanov\nA B\nC D\nE F\nG H\n,Petrova\n", "Line 7: there is no first name."),
    ],
)
def test_unusable_lists_are_refused_with_422_and_nothing_is_made(school, teacher_client, names, message):
    before = User.objects.count()
    response = teacher_client.post(add_url(school), {"names": names})
    assert response.status_code == 422
    assert message in page_of(response)
    assert User.objects.count() == before


def test_pasting_and_uploading_together_is_refused(school, teacher_client):
    upload = SimpleUploadedFile("class.csv", b"Anna,Petrova\n", "text/csv")
    response = teacher_client.post(add_url(school), {"names": "Boris Ivanov", "names_file": upload})
    assert response.status_code == 422 and "not both" in page_of(response)


def test_an_archived_class_takes_no_new_students(school, teacher_client):
    teacher_client.post(reverse("class_archive", args=[school.classroom.pk]), {"archived": "1"})
    for response in (teacher_client.get(add_url(school)), teacher_client.post(add_url(school), {"names": "Anna P"})):
        assert response.status_code == 409 and "is archived" in page_of(response)
    assert not User.objects.filter(first_name="Anna").exists()


def test_two_hundred_students_at_once(school, teacher_client):
    names = "\n".join(f"Student{n} Test" for n in range(200))
    response = teacher_client.post(add_url(school), {"names": names})
    assert response.status_code == 200
    assert Enrollment.objects.current().filter(classroom=school.classroom).count() == 202


def test_sending_the_same_form_again_makes_no_second_set(school, teacher_client):
    teacher_client.post(add_url(school), {"names": "Anna Petrova", "batch": "same-form"})
    again = teacher_client.post(add_url(school), {"names": "Anna Petrova", "batch": "same-form"})
    assert again.status_code == 409 and "already added" in page_of(again)
    assert User.objects.filter(first_name="Anna", last_name="Petrova").count() == 1


def test_the_sheet_downloads_as_csv_with_a_byte_order_mark(school, teacher_client):
    page = page_of(teacher_client.post(add_url(school), {"names": "Anna Petrova\nBoris Ivanov"}))
    token = page.split('name="sheet" value="')[1].split('"')[0]
    rows = sheet_read(classroom=school.classroom, token=token)
    response = teacher_client.post(reverse("roster_sheet_csv", args=[school.classroom.pk]), {"sheet": token})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="history-10a-new-accounts.csv"'
    assert "no-store" in response.headers["Cache-Control"]
    assert response.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["First name", "Last name", "Username", "One-time password", "Class", "Log in at"]
    assert table[1][:4] == ["Anna", "Petrova", "anna.petrova", rows[0].password]
    assert table[2][2] == "boris.ivanov" and table[2][4] == "History 10A"
    assert User.objects.get(username="boris.ivanov").check_password(table[2][3])


def test_a_tampered_or_foreign_sheet_is_refused(school, teacher_client):
    token = page_of(teacher_client.post(add_url(school), {"names": "Anna Petrova"})).split('name="sheet" value="')[1]
    token = token.split('"')[0]
    url = reverse("roster_sheet_csv", args=[school.classroom.pk])
    assert teacher_client.post(url, {"sheet": token[:-3] + "abc"}).status_code == 400
    assert teacher_client.post(url, {}).status_code == 400
    other = factories.ClassroomFactory(teacher=school.teacher)
    response = teacher_client.post(reverse("roster_sheet_csv", args=[other.pk]), {"sheet": token})
    assert response.status_code == 400 and "could not be read" in page_of(response)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    batch=st.text(max_size=100),
    filename=st.sampled_from(["", "class.csv", "class.txt", "class.xlsx"]),
    data=st.binary(max_size=200),
)
def test_any_list_or_file_gets_accounts_or_a_clear_message_never_a_500(school, names, batch, filename, data):
    client = client_for(school.teacher)
    payload = {"names": names, "batch": batch}
    if filename:
        payload["names_file"] = SimpleUploadedFile(filename, data)
    before = User.objects.count()
    response = client.post(reverse("roster_add", args=[school.classroom.pk]), payload)
    if "\x00" in names + batch:  # no form takes a NUL character (quizzes.middleware.UnreadableRequestMiddleware)
        assert response.status_code == 400 and "NUL character" in response.content.decode()
        assert User.objects.count() == before
        return
    assert response.status_code in (200, 409, 422), response.status_code
    if response.status_code == 422:
        assert 'class="field-error"' in response.content.decode() or 'class="form-error"' in response.content.decode()
        assert User.objects.count() == before
