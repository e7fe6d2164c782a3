"""Races: double clicks, two tabs and simultaneous starts, with real threads on PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from quizzes.attempts.services import attempt_start, attempt_submit, response_record
from quizzes.models import Assignment, Attempt, Response
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL (CI runs it)"),
]

THREADS = 6


def at_once(function, count: int = THREADS):
    """Run function in count threads released together; returns results (or exceptions)."""
    barrier = threading.Barrier(count)

    def run(_):
        try:
            barrier.wait()
            return function()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread met
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def classroom_setup(db):
    student = factories.UserFactory(username="racer")
    classroom = factories.ClassroomFactory()
    factories.EnrollmentFactory(classroom=classroom, student=student)
    questions = [factories.QuestionFactory() for _ in range(3)]
    quiz_set = factories.QuizSetFactory(questions=questions)
    assignment = factories.AssignmentFactory(quiz_set=quiz_set, classroom=classroom)
    return student, assignment


def test_simultaneous_starts_make_exactly_one_attempt(classroom_setup):
    student, assignment = classroom_setup
    results = at_once(lambda: attempt_start(student=student, assignment=assignment))
    assert all(isinstance(r, Attempt) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Attempt.objects.count() == 1
    assert Response.objects.count() == 3


def test_simultaneous_starts_with_attempts_left_still_make_one_in_progress(classroom_setup):
    student, assignment = classroom_setup
    Assignment.objects.filter(pk=assignment.pk).update(attempts_allowed=3)
    at_once(lambda: attempt_start(student=student, assignment=Assignment.objects.get(pk=assignment.pk)))
    assert Attempt.objects.filter(submitted_at__isnull=True).count() == 1


def test_a_double_clicked_answer_is_recorded_once(classroom_setup):
    student, assignment = classroom_setup
    attempt = attempt_start(student=student, assignment=assignment)
    first = attempt.responses.select_related("question").get(position=1)
    wrong, right = (
        [c.id for c in first.question.choices.all() if not c.is_correct][0],
        next(c.id for c in first.question.choices.all() if c.is_correct),
    )
    answers = iter([wrong, right] * THREADS)
    lock = threading.Lock()

    def click():
        with lock:
            given = next(answers)
        response = Response.objects.select_related("question", "attempt__assignment").get(pk=first.pk)
        return response_record(attempt=response.attempt, response=response, answer=given)

    results = at_once(click)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if not r.kept_earlier) == 1
    first.refresh_from_db()
    assert first.is_answered and first.points in (0, 1)


def test_two_tabs_submitting_together_score_once(classroom_setup):
    student, assignment = classroom_setup
    attempt = attempt_start(student=student, assignment=assignment)
    response = attempt.responses.select_related("question").get(position=1)
    right = next(c.id for c in response.question.choices.all() if c.is_correct)
    response_record(attempt=attempt, response=response, answer=right)
    results = at_once(lambda: attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk)))
    assert len({r.submitted_at for r in results}) == 1
    attempt.refresh_from_db()
    assert attempt.score == 1 and attempt.is_submitted


def test_answers_racing_a_submit_are_either_saved_before_it_or_refused(classroom_setup):
    from quizzes.attempts.services import AttemptClosed

    student, assignment = classroom_setup
    attempt = attempt_start(student=student, assignment=assignment)
    responses = list(attempt.responses.select_related("question"))

    numbers = iter(range(THREADS))
    lock = threading.Lock()

    def answer_or_submit():
        with lock:
            n = next(numbers)
        if n == 0:
            return attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk))
        response = responses[n % 3]
        right = next(c.id for c in response.question.choices.all() if c.is_correct)
        return response_record(
            attempt=attempt, response=Response.objects.select_related("question").get(pk=response.pk), answer=right
        )

    results = at_once(answer_or_submit)
    assert all(not isinstance(r, Exception) or isinstance(r, AttemptClosed) for r in results), results
    attempt.refresh_from_db()
    saved = Response.objects.filter(attempt=attempt, answered_at__isnull=False)
    assert attempt.score == sum(r.points for r in saved)  # nothing was saved after the submit
