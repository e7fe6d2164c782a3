"""Signing up with a class code, joining classes, one-time passwords and the teacher's overview."""

from django.test import Client
from django.urls import reverse

from quizzes.models import Enrollment, User
from tests import factories
from tests.conftest import client_for


def test_student_signs_up_with_a_class_code_and_lands_on_their_quizzes(client, school):
    response = client.post(
        reverse("signup"),
        {
            "first_name": "Nadia",
            "last_name": "K",
            "username": "nadia",
            "password1": "a-long-Passphrase-1917",
            "password2": "a-long-Passphrase-1917",
            "join_code": school.classroom.join_code.lower(),
        },
    )
    assert response.status_code == 302 and response.url == reverse("student_dashboard")
    nadia = User.objects.get(username="nadia")
    assert nadia.is_student
    assert Enrollment.objects.filter(student=nadia, classroom=school.classroom).exists()
    page = client.get(response.url).content.decode()
    assert school.assignment.display_title in page


def test_signup_with_an_unknown_code_says_so_and_creates_nobody(client, school):
    response = client.post(
        reverse("signup"),
        {
            "first_name": "Nadia",
            "username": "nadia",
            "password1": "a-long-Passphrase-1917",
            "password2": "a-long-Passphrase-1917",
            "join_code": "ZZZZZZ",
        },
    )
    assert response.status_code == 422
    assert "No open class has that code" in response.content.decode()
    assert not User.objects.filter(username="nadia").exists()


def test_joining_a_second_class_by_code(school):
    client = client_for(school.stranger)
    response = client.post(reverse("join"), {"join_code": f" {school.classroom.join_code} "})
    assert response.status_code == 302
    assert Enrollment.objects.filter(student=school.stranger, classroom=school.classroom).exists()
    again = client.post(reverse("join"), {"join_code": school.classroom.join_code})
    assert again.status_code == 302
    assert Enrollment.objects.filter(student=school.stranger).count() == 2


def test_join_with_a_bad_code_is_a_422(school):
    response = client_for(school.stranger).post(reverse("join"), {"join_code": "NOPE"})
    assert response.status_code == 422 and "No open class has that code" in response.content.decode()


def test_archived_class_code_no_longer_works(school):
    from django.utils import timezone

    school.classroom.archived_at = timezone.now()
    school.classroom.save()
    response = client_for(school.stranger).post(reverse("join"), {"join_code": school.classroom.join_code})
    assert response.status_code == 422


def test_a_one_time_password_must_be_changed_before_anything_else(school):
    school.student.must_change_password = True
    school.student.save()
    client = client_for(school.student)
    response = client.get(reverse("student_dashboard"))
    assert response.status_code == 302 and response.url == reverse("password_change")
    changed = client.post(
        reverse("password_change"),
        {"old_password": "october1917", "new_password1": "Winter-Palace-1917", "new_password2": "Winter-Palace-1917"},
    )
    assert changed.status_code == 302
    school.student.refresh_from_db()
    assert not school.student.must_change_password
    assert client.get(reverse("student_dashboard")).status_code == 200


def test_home_sends_each_role_to_its_own_page(school):
    assert client_for(school.student).get(reverse("home")).url == reverse("student_dashboard")
    assert client_for(school.teacher).get(reverse("home")).url == reverse("teacher_dashboard")


def test_teacher_sees_only_their_own_classes(school):
    page = client_for(school.teacher).get(reverse("teacher_dashboard")).content.decode()
    assert "History 10A" in page and school.classroom.join_code in page
    assert "History 10B" not in page and school.other_classroom.join_code not in page


def test_students_cannot_open_the_teacher_pages(school):
    assert client_for(school.student).get(reverse("teacher_dashboard")).status_code == 403


def test_login_page_and_logging_in(client, school):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "sasha", "password": "october1917"})
    assert response.status_code == 302
    assert client.get(reverse("student_dashboard")).status_code == 200


def test_every_teacher_factory_makes_a_teacher(db):
    assert factories.TeacherFactory().is_teacher


def signup_as(client, username: str, code: str):
    password = "a-long-Passphrase-1917"
    data = {"first_name": "Nadia", "username": username, "password1": password, "password2": password}
    return client.post(reverse("signup"), data | {"join_code": code})


def test_signup_without_a_working_code_says_nothing_about_taken_usernames(client, school):
    taken = signup_as(client, "sasha", "ZZZZZZ").content.decode()
    free = signup_as(client, "nobody-yet", "ZZZZZZ").content.decode()
    assert "already exists" not in taken
    assert "No open class has that code" in taken and "No open class has that code" in free
    case_variant = signup_as(client, "SASHA", "ZZZZZZ").content.decode()
    assert "already exists" not in case_variant


def test_signup_with_a_working_code_says_a_username_is_taken_so_the_student_can_pick_another(client, school):
    for name in ("sasha", "SASHA"):
        response = signup_as(client, name, school.classroom.join_code)
        assert response.status_code == 422
        assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username__iexact="sasha").count() == 1


def test_taken_usernames_at_signup_count_towards_the_address_limit(school, settings):
    settings.JOIN_CODE_THROTTLE = {**settings.JOIN_CODE_THROTTLE, "per_address": 3}
    client = Client(REMOTE_ADDR="203.0.113.66")
    assert [signup_as(client, name, school.classroom.join_code).status_code for name in ("sasha", "misha")] == [422] * 2
    assert signup_as(client, "nadia", "a-bad-code").status_code == 422
    assert signup_as(client, "nadia", school.classroom.join_code).status_code == 429
    assert not User.objects.filter(username="nadia").exists()


def test_signup_refused_only_for_a_weak_password_does_not_count(school, settings):
    settings.JOIN_CODE_THROTTLE = {**settings.JOIN_CODE_THROTTLE, "per_address": 1}
    client = Client(REMOTE_ADDR="192.0.2.10")
    weak = {"first_name": "Nadia", "username": "nadia", "password1": "1917", "password2": "1917"}
    for _ in range(3):
        assert client.post(reverse("signup"), weak | {"join_code": school.classroom.join_code}).status_code == 422
    assert signup_as(client, "nadia", school.classroom.join_code).status_code == 302
