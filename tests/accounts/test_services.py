"""Signing up: the account and its place in the class are made together, or neither is."""

import pytest
from django.contrib.auth import authenticate

from quizzes.accounts.services import student_signup
from quizzes.classroom.services import JoinRefused, classroom_archive
from quizzes.models import User

SIGNUP = {"username": "nadia", "first_name": "Nadia", "last_name": "K", "password": "a-long-Passphrase-1917"}


def test_signup_makes_a_student_already_in_the_class(school, rf):
    enrollment = student_signup(**SIGNUP, join_code=school.classroom.join_code)
    nadia = enrollment.student
    assert nadia.is_student and not nadia.must_change_password
    assert (nadia.first_name, nadia.last_name) == ("Nadia", "K")
    assert enrollment.classroom == school.classroom and enrollment.left_at is None
    # With a request, as every login has one: django-axes refuses authentication without (quizzes.accounts.lockout).
    assert authenticate(rf.post("/accounts/login/"), username="nadia", password=SIGNUP["password"]) == nadia


def test_a_code_refused_at_the_last_moment_makes_no_account(school):
    classroom_archive(classroom=school.classroom, archived=True)
    with pytest.raises(JoinRefused):
        student_signup(**SIGNUP, join_code=school.classroom.join_code)
    assert not User.objects.filter(username="nadia").exists()
