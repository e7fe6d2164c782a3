"""Shared classroom computers: no page of a signed-in user is kept by the browser, a student's sign-in ends with the
browser and after an hour without a request, and HEAD works wherever GET does."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.accounts.sessions import REFRESH_SECONDS
from quizzes.classroom.services import students_bulk_create
from tests import factories
from tests.conftest import HTMX, client_for
from tests.system.test_permission_matrix import MATRIX

PASSWORD = "a-long-classroom-password"
GET_PAGES = sorted(name for name, (method, _, _) in MATRIX.items() if method == "get")


# -- Cache-Control: no-store ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GET_PAGES)
def test_no_page_of_a_signed_in_user_may_be_stored(matrix_pages, name):
    _, url, visitor = matrix_pages(name)
    client = client_for(visitor)
    for headers in ({}, HTMX):
        response = client.get(url, headers=headers)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_downloads_and_redirects_of_a_signed_in_user_are_not_stored_either(school):
    client = Client()
    client.force_login(school.teacher)
    csv = client.get(reverse("gradebook_csv", args=[school.classroom.pk]))
    assert csv["Content-Type"].startswith("text/csv") and "no-store" in csv["Cache-Control"]
    redirect = client.post(reverse("class_archive", args=[school.classroom.pk]), {"archived": "1"})
    assert redirect.status_code == 302 and "no-store" in redirect["Cache-Control"]


def test_static_files_stay_cacheable_for_a_signed_in_user(school, settings):
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()
    client.force_login(school.student)
    response = client.get("/static/quizzes/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# -- How long a sign-in lasts ------------------------------------------------------------------------------------


def log_in(user) -> tuple[Client, object]:
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and not response.url.startswith(reverse("login"))
    return client, response.cookies["sessionid"]


def server_expiry(client: Client) -> timedelta:
    session = Session.objects.get(session_key=client.cookies["sessionid"].value)
    return session.expire_date - timezone.now()


def test_a_students_sign_in_ends_with_the_browser_and_after_an_hour_without_a_request(school, settings):
    client, cookie = log_in(school.student)
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert timedelta(minutes=59) < server_expiry(client) <= timedelta(hours=1)
    assert settings.STUDENT_SESSION_IDLE_SECONDS == settings.SESSION_COOKIE_AGE == 3600


def test_a_teachers_sign_in_lasts_twelve_hours_without_a_request(school):
    client, cookie = log_in(school.teacher)
    assert cookie["max-age"] == 12 * 3600
    assert timedelta(hours=11, minutes=59) < server_expiry(client) <= timedelta(hours=12)


def test_an_admins_sign_in_lasts_as_a_teachers(school):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    assert server_expiry(client) > timedelta(hours=11)


def test_a_student_who_keeps_working_stays_signed_in(school):
    """The server's expiry moves forward with use, at most one session write per REFRESH_SECONDS."""
    client, _ = log_in(school.student)
    session = client.session
    session["quizzes_seen_at"] = int(time.time()) - REFRESH_SECONDS - 1
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() + timedelta(minutes=2))
    assert client.get(reverse("student_dashboard")).status_code == 200
    assert server_expiry(client) > timedelta(minutes=59)
    assert client.cookies["sessionid"]["max-age"] == ""


def test_a_student_who_left_the_computer_is_signed_out_after_the_idle_time(school):
    client, _ = log_in(school.student)
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("student_dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# -- HEAD ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GET_PAGES)
def test_head_answers_wherever_get_does(matrix_pages, name):
    _, url, visitor = matrix_pages(name)
    client = client_for(visitor)
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == get.status_code != 405
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]


def test_head_answers_on_the_login_page_and_the_admin(school):
    assert Client().head(reverse("login")).status_code == 200
    client = Client()
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.head(reverse("admin:index")).status_code == 200
    question = school.questions["single"]
    assert client.head(reverse("admin:quizzes_question_preview", args=[question.pk])).status_code == 200


def test_head_on_a_confirmation_page_only_shows_it(school):
    """Pages whose GET asks for confirmation and whose POST acts: HEAD must act like GET, never like POST."""
    client = Client()
    client.force_login(school.teacher)
    # An account the teacher made, whose password the teacher may reset.
    (made,) = students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")])
    student = made.user
    password = student.password
    for name in ("roster_remove", "roster_password"):
        assert client.head(reverse(name, args=[school.classroom.pk, student.pk])).status_code == 200
    student.refresh_from_db()
    assert student.password == password
    assert school.classroom.enrollments.get(student=student).left_at is None
    accommodations = reverse("accommodation_edit", args=[school.assignment.pk])
    assert client.head(accommodations, {"student": student.pk}).status_code == 200
    assert not school.assignment.accommodations.exists()
