"""Bad input never causes a 500 and never changes saved answers: generated payloads, bytes, CSRF, methods."""

import io
import re
import wsgiref.util
from datetime import timedelta

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.attempts.services import attempt_start
from quizzes.models import Assignment, Attempt, Response
from tests import factories
from tests.answering import form_for
from tests.conftest import HTMX, client_for
from tests.system.test_permission_matrix import MATRIX

FIELD_NAMES = ["choice", "choices", "answer", "slot-0", "slot-1", "slot-2", "match-0", "match-1", "match-2", "extra"]
values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-5, max_value=10).map(str),
    st.sampled_from(["", "true", "false", "0", "1", "2", "-1", "1e9", "NaN", "10", "Novaya Zhizn", "x" * 10_001]),
    # Crafted: numbers past any limit, a NUL character (PostgreSQL refuses it), ids past 64 bits.
    st.sampled_from(["1e999999999", "-1e999999999", "1e-999999999", str(2**63), "9" * 400, "Lenin\x00", "\x00"]),
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
    after = Response.objects.get(pk=before.pk)
    if _holds_nul(payload):
        assert response.status_code == 400 and "NUL character" in response.content.decode()
        assert (after.answer, after.answered_at) == (before.answer, before.answered_at)
        return
    assert response.status_code in (200, 302, 422), response.status_code
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


# -- Crafted input anywhere: huge numbers, NUL characters, ids past 64 bits, charsets other than UTF-8 --------------
# Each of these once gave a 500 on one database or the other (SQLite cannot bind an id of 2**63; PostgreSQL refuses
# text with a NUL); the whole suite runs on both.

CRAFTED = [
    "1e999999999",
    "-1e999999999",
    "1e-999999999",
    "0e-999999999",
    "NaN",
    "-Infinity",
    str(2**63),
    str(-(2**63) - 1),
    str(2**64),
    "9" * 400,
    "\x00",
    "Lenin\x00",
    "\ufffd",
    "x" * 10_001,
    "2025-13-45T25:61",
    "99999-01-01T00:00",
    "=HYPERLINK(1)",
]
# The names our forms and pages read (templates, forms, request.GET/POST), so generated payloads reach real code.
FORM_NAMES = [
    *["q", "sort", "order", "archived", "student", "set", "type", "back", "sheet", "code", "next"],
    *["username", "password", "password1", "password2", "old_password", "new_password1", "new_password2"],
    *["name", "title", "description", "prompt", "explanation", "difficulty", "points", "number", "tolerance"],
    *["choices", "accepted", "items", "pairs", "topics", "source", "sources", "topic", "kind", "whose", "types"],
    *["count", "seed", "view", "answers", "opens_at", "due_at", "time_limit_minutes", "attempts_allowed"],
    *["extra_attempts", "extra_time_minutes", "extra_time_percent", "feedback", "classrooms", "names", "join_code"],
    *["question", "direction", "difficulty_min", "difficulty_max", "answer", "choice", "citation_quote"],
    *["citation_source", "show_correct_answers", "shuffle_choices", "allow_late", "batch", "clear"],
    *["text", "upload", "author", "category", "year", "date", "calendar", "published_in", "standpoint"],
    *["visibility", "allow_context", "rights_confirmed", "paragraph", "quote", "p"],
]
crafted_values = st.one_of(st.sampled_from(CRAFTED), st.text(max_size=20), st.integers().map(str))
crafted_payloads = st.dictionaries(
    st.sampled_from(FORM_NAMES), st.one_of(crafted_values, st.lists(crafted_values, max_size=3)), max_size=8
)
ADMIN_MODELS = ["question", "source", "topic", "classroom", "quizset", "assignment", "attempt", "user"]
BIG_IDS = [str(2**63), str(2**64), "9" * 19, "1" + "0" * 30]


def _holds_nul(payload: dict) -> bool:
    return any(
        "\x00" in value for values in payload.values() for value in ([values] if isinstance(values, str) else values)
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(name=st.sampled_from(sorted(MATRIX)), method=st.sampled_from(["get", "post"]), payload=crafted_payloads)
def test_any_crafted_payload_to_any_page_gets_a_4xx_never_a_500(matrix_pages, name, method, payload):
    _, url, visitor = matrix_pages(name)
    response = getattr(client_for(visitor), method)(url, payload)
    assert response.status_code < 500, (response.status_code, name, method, payload)
    if _holds_nul(payload):
        assert response.status_code == 400 and "NUL character" in response.content.decode()


@pytest.mark.parametrize("name", sorted(name for name, (_, arguments, _) in MATRIX.items() if arguments))
def test_ids_too_large_for_the_database_are_404_for_every_url(matrix_pages, name):
    method, _, visitor = matrix_pages(name)
    client = client_for(visitor)
    route = next(p for p in _app_patterns() if p.name == name).pattern
    for big in BIG_IDS:
        url = "/" + re.sub(r"<id:\w+>", big, str(route))
        response = getattr(client, method)(url)
        assert response.status_code == 404 and "Not found" in response.content.decode(), url


def test_ids_too_large_for_the_database_are_handled_in_the_admin(school):
    client = client_for(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    for big in BIG_IDS:
        for path in ("question/{}/preview/", *(f"{model}/{{}}/change/" for model in ADMIN_MODELS)):
            response = client.get("/admin/quizzes/" + path.format(big), follow=True)
            assert response.status_code in (200, 404), path
            assert "exist. Perhaps it was deleted?" in response.content.decode() or response.status_code == 404


def test_every_int_in_our_urls_is_bounded():
    """Django's <int:...> takes any number of digits: a new pattern must use <id:...> (quizzes/converters.py)."""
    assert [str(p.pattern) for p in _app_patterns() if "<int:" in str(p.pattern)] == []


def _app_patterns() -> list[URLPattern]:
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern

    return list(walk(get_resolver().url_patterns))


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("answer", ["Novaya\x00Zhizn", "\x00"])
def test_a_nul_character_in_an_answer_is_refused_with_a_page_and_saves_nothing(school, started, answer, htmx):
    position = started.responses.get(question=school.questions["short_text"]).position
    response = client_for(school.student).post(
        reverse("attempt_answer", args=[started.pk, position]), {"answer": answer}, headers=HTMX if htmx else {}
    )
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()
    assert not Response.objects.get(attempt=started, position=position).is_answered


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/teach/sets/new/", {"title": "Set\x00"}),
        ("/teach/classes/new/", {"name": "10A\x00"}),
        ("/accounts/login/", {"username": "sasha\x00", "password": "x"}),
        ("/signup/", {"username": "new\x00", "password1": "x", "password2": "x"}),
        ("/join/", {"join_code": "AB\x00CD"}),
    ],
)
def test_a_nul_character_in_any_form_gets_our_400_page(school, url, data):
    response = client_for(school.teacher).post(url, data)
    assert response.status_code == 400 and "NUL character" in response.content.decode()


@pytest.mark.parametrize("url", ["/teach/sets/?q=Lenin%00", "/admin/quizzes/question/?q=%00", "/student/%00/"])
def test_a_nul_character_in_an_address_gets_our_400_page(school, url):
    client = client_for(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.get(url)
    assert response.status_code == 400 and "NUL character" in response.content.decode()


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "cp500", "rot13", "base64", "no-such-charset", "utf8"])
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=B"])
def test_a_form_in_a_charset_other_than_utf8_gets_our_400_page(school, started, charset, content_type):
    position = started.responses.get(question=school.questions["short_text"]).position
    body = b"answer=Novaya+Zhizn" if "urlencoded" in content_type else MULTIPART_ANSWER
    response = client_for(school.student).generic(
        "POST",
        reverse("attempt_answer", args=[started.pk, position]),
        body,
        content_type=f"{content_type}; charset={charset}",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "character set other than UTF-8" in page and "Back to the start page" in page
    assert response["Content-Security-Policy"]
    assert not Response.objects.get(attempt=started, position=position).is_answered


MULTIPART_ANSWER = b'--B\r\nContent-Disposition: form-data; name="answer"\r\n\r\nNovaya Zhizn\r\n--B--\r\n'


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8"])
def test_a_form_that_declares_utf8_is_read(school, started, charset):
    position = started.responses.get(question=school.questions["short_text"]).position
    response = client_for(school.student).generic(
        "POST",
        reverse("attempt_answer", args=[started.pk, position]),
        b"answer=Novaya+Zhizn",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 302
    assert Response.objects.get(attempt=started, position=position).is_answered


def test_a_charset_that_is_no_text_encoding_gets_our_400_page_from_the_wsgi_application():
    """Django's own request fails while it is built (LookupError, before any middleware): the WSGI application the
    servers run builds ours. No database: the page is refused before anything looks anything up."""
    from october_quiz.handlers import CharsetSafeWSGIHandler
    from october_quiz.wsgi import application

    assert isinstance(application, CharsetSafeWSGIHandler)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/accounts/login/",
        "QUERY_STRING": "next=/student/",
        "CONTENT_TYPE": "text/plain; charset=rot13",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(b""),
    }
    wsgiref.util.setup_testing_defaults(environ)
    started_with = []
    # As Django's test client does: the request signals would otherwise close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, lambda status, headers: started_with.append(status)))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert started_with == ["400 Bad Request"]
    assert "character set other than UTF-8" in body.decode()
