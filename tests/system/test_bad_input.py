"""Bad input never causes a 500 and never changes saved answers: generated payloads, bytes, CSRF, methods."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.attempts.services import attempt_start
from quizzes.models import Assignment, Attempt, Response
from tests.answering import form_for
from tests.conftest import HTMX, client_for

FIELD_NAMES = ["choice", "choices", "answer", "slot-0", "slot-1", "slot-2", "match-0", "match-1", "match-2", "extra"]
values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-5, max_value=10).map(str),
    st.sampled_from(["", "true", "false", "0", "1", "2", "-1", "1e9", "NaN", "10", "Novaya Zhizn", "x" * 10_001]),
)
payloads = st.dictionaries(st.sampled_from(FIELD_NAMES), st.one_of(values, st.lists(values, max_size=4)), max_size=6)


@pytest.fixture
def started(school):
    school.assignment.feedback = Assignment.Feedback.AFTER_SUBMISSION
    school.assignment.save()
    return attempt_start(student=school.student, assignment=school.assignment)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=1, max_value=7), payload=payloads, htmx=st.booleans())
def test_any_payload_to_any_question_gets_a_clear_answer_never_a_500(school, started, position, payload, htmx):
    client = client_for(school.student)
    before = Response.objects.get(attempt=started, position=position)
    response = client.post(
        reverse("attempt_answer", args=[started.pk, position]), payload, headers=HTMX if htmx else {}
    )
    assert response.status_code in (200, 302, 422), response.status_code
    after = Response.objects.get(pk=before.pk)
    if response.status_code == 422:
        assert 'class="form-error"' in response.content.decode()
        assert (after.answer, after.answered_at) == (before.answer, before.answered_at)
    else:
        assert after.is_answered


def test_bytes_that_are_not_utf8_are_refused_and_change_nothing(school, started):
    client = client_for(school.student)
    response = client.post(
        reverse("attempt_answer", args=[started.pk, 4]),
        b"answer=Novaya%FF%FEZhizn",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422
    assert "could not read" in response.content.decode()
    assert not Response.objects.get(attempt=started, position=4).is_answered


def test_a_saved_answer_survives_a_bad_second_post(school, started):
    client = client_for(school.student)
    first = started.responses.get(position=1)
    client.post(reverse("attempt_answer", args=[started.pk, 1]), form_for(started, first.question))
    client.post(reverse("attempt_answer", args=[started.pk, 1]), {"choice": "banana"})
    first.refresh_from_db()
    assert first.is_correct and first.answer is not None


def test_a_post_without_a_valid_csrf_token_is_refused_with_a_clear_page(school, started):
    client = Client(enforce_csrf_checks=True)
    client.force_login(school.student)
    response = client.post(reverse("attempt_answer", args=[started.pk, 1]), {"choice": "0"})
    assert response.status_code == 403
    assert "Please reload the page" in response.content.decode()
    assert not started.responses.filter(answered_at__isnull=False).exists()


def test_wrong_methods_get_a_405_page_that_says_so(school, started):
    client = client_for(school.student)
    response = client.get(reverse("attempt_submit", args=[started.pk]))
    assert response.status_code == 405
    assert "does not accept a GET request" in response.content.decode()
    assert client.put(reverse("attempt", args=[started.pk])).status_code == 405
    assert not Attempt.objects.get(pk=started.pk).is_submitted


def test_unknown_ids_are_404_with_a_page(school):
    client = client_for(school.student)
    for url in (
        reverse("attempt", args=[999999]),
        reverse("attempt_results", args=[999999]),
        reverse("attempt_answer", args=[999999, 1]),
    ):
        method = client.post if "questions" in url else client.get
        response = method(url)
        assert response.status_code == 404
        assert "Not found" in response.content.decode()
    assert client.post(reverse("assignment_start", args=[999999])).status_code == 404


def test_an_answer_after_time_is_up_is_refused_and_the_attempt_submitted(school):
    school.assignment.time_limit_minutes = 5
    school.assignment.save()
    attempt = attempt_start(student=school.student, assignment=school.assignment)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=2))
    client = client_for(school.student)
    response = client.post(
        reverse("attempt_answer", args=[attempt.pk, 1]),
        form_for(attempt, attempt.responses.get(position=1).question),
        headers=HTMX,
    )
    assert response.status_code == 409
    assert "Time is up" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.is_submitted and not attempt.responses.filter(answered_at__isnull=False).exists()
