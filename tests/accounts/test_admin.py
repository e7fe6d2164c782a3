"""Django admin for people: an admin resets any password (recorded), staff are never students, the record of
password resets is shown and never edited."""

from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from quizzes.classroom.services import students_bulk_create
from quizzes.models import PasswordReset, User
from tests import factories
from tests.conftest import client_for

NEW_PASSWORD = "Fresh-Passphrase-1917"


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("head", "head@example.org", "admin-Passphrase-1917")


@pytest.fixture
def admin_client(admin_user):
    return client_for(admin_user)


def text(response) -> str:
    return unescape(response.content.decode())


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:quizzes_{name}", args=args)


def set_password(client, account: User):
    return client.post(
        reverse("admin:auth_user_password_change", args=[account.pk]),
        {"set_usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_an_admin_resets_a_students_password_in_admin_and_it_is_recorded(client, school, admin_user, admin_client):
    """Students their teacher may not reset (here: one who signed up) are reset by an admin, with Django's form."""
    student_session = client_for(school.student)
    response = set_password(admin_client, school.student)
    assert response.status_code == 302 and response.url == admin_url("user_change", school.student.pk)
    school.student.refresh_from_db()
    assert school.student.check_password(NEW_PASSWORD) and school.student.must_change_password
    record = PasswordReset.objects.get()
    assert (record.account, record.reset_by, record.way, record.classroom) == (
        school.student,
        admin_user,
        PasswordReset.Way.ADMIN,
        None,
    )
    assert (record.account_username, record.reset_by_username) == ("sasha", "head")
    assert LogEntry.objects.filter(object_id=str(school.student.pk)).exists()  # Django's own history too
    # Their sessions end; the new password logs in once, then they choose their own.
    assert student_session.get(reverse("student_dashboard")).url.startswith(reverse("login"))
    assert client.post(reverse("login"), {"username": "sasha", "password": NEW_PASSWORD}).status_code == 302
    assert client.get(reverse("student_dashboard")).url == reverse("password_change")
    # The reset shows on the account's page and in the list of resets.
    assert "Password resets" in text(admin_client.get(admin_url("user_change", school.student.pk)))
    listed = text(admin_client.get(admin_url("passwordreset_changelist")))
    assert "sasha" in listed and "Admin, in Django admin" in listed


def test_a_refused_admin_password_form_changes_and_records_nothing(school, admin_client):
    before = User.objects.get(pk=school.student.pk).password
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[school.student.pk]),
        {"set_usable_password": "true", "password1": NEW_PASSWORD, "password2": "something else"},
    )
    assert response.status_code == 200
    assert User.objects.get(pk=school.student.pk).password == before
    assert not PasswordReset.objects.exists()


def test_an_admin_changing_their_own_password_in_admin_is_recorded_without_a_forced_change(admin_user, admin_client):
    set_password(admin_client, admin_user)
    admin_user.refresh_from_db()
    assert admin_user.check_password(NEW_PASSWORD) and not admin_user.must_change_password
    assert PasswordReset.objects.get().account == admin_user


def test_the_record_of_resets_is_shown_and_never_added_changed_or_deleted(school, admin_client):
    record = factories.PasswordResetFactory(account__created_by=school.teacher)
    assert admin_client.get(admin_url("passwordreset_changelist") + "?way__exact=roster&q=teacher").status_code == 200
    page = text(admin_client.get(admin_url("passwordreset_change", record.pk)))
    assert record.account_username in page and 'name="account_username"' not in page  # read-only
    assert admin_client.get(admin_url("passwordreset_add")).status_code == 403
    assert admin_client.get(admin_url("passwordreset_delete", record.pk)).status_code == 403
    admin_client.post(admin_url("passwordreset_change", record.pk), {"account_username": "someone"})
    assert PasswordReset.objects.get(pk=record.pk).account_username == record.account_username


def test_the_list_of_resets_takes_a_fixed_number_of_queries(school, admin_client, django_assert_num_queries):
    for _ in range(6):
        factories.PasswordResetFactory(classroom=school.classroom)
    factories.PasswordResetFactory(way=PasswordReset.Way.ADMIN)
    # session, user, the count and the full count, the page of resets with their classes, the date hierarchy's
    # range and its days
    with django_assert_num_queries(7):
        response = admin_client.get(admin_url("passwordreset_changelist"))
    assert response.status_code == 200 and text(response).count('class="field-account_username"') == 7


def test_an_account_cannot_be_made_staff_while_it_has_the_student_role(school, admin_client):
    """The admin's user form says so (the check constraint on the table), rather than making a staff student."""
    page = admin_client.get(admin_url("user_change", school.student.pk))
    data = {
        "username": "sasha",
        "first_name": "Sasha",
        "last_name": "Test",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "role": "student",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2025-01-01",
        "initial-date_joined_1": "10:00:00",
        "password_resets-TOTAL_FORMS": "0",
        "password_resets-INITIAL_FORMS": "0",
    }
    assert page.status_code == 200
    response = admin_client.post(admin_url("user_change", school.student.pk), data)
    assert response.status_code == 200
    assert "Staff and superusers cannot have the student role" in text(response)
    assert not User.objects.get(pk=school.student.pk).is_staff
    response = admin_client.post(admin_url("user_change", school.student.pk), data | {"role": "admin"})
    assert response.status_code == 302
    assert User.objects.get(pk=school.student.pk).is_staff


def test_the_admin_records_which_teacher_made_an_account(school, admin_client):
    (new,) = students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")])
    page = text(admin_client.get(admin_url("user_change", new.user.pk)))
    assert "Made by" in page and "teacher" in page
    assert admin_client.get(admin_url("user_changelist") + "?role__exact=admin").status_code == 200


def test_only_students_can_be_enrolled_from_the_class_admin(school, admin_client, admin_user):
    """The class page's roster inline offers students only: not staff, superusers or teachers."""
    field = User._meta.get_field("enrollments").field
    offered = set(User.objects.complex_filter(field.get_limit_choices_to()))
    assert school.student in offered
    assert admin_user not in offered and school.teacher not in offered
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": "head", "app_label": "quizzes", "model_name": "enrollment", "field_name": "student"},
    )
    assert response.status_code == 200 and response.json()["results"] == []
