"""A student removed from the class, or whose class is archived, with an attempt under way: no more answers and no
submit (a 403 that says why), their saved answers kept for the teacher, and everything back when they return."""

from html import unescape

import pytest
from django.urls import reverse

from quizzes.attempts.services import NotInClass, attempt_submit, response_record
from quizzes.bank.types import question_type
from quizzes.classroom.services import classroom_archive, enrollment_remove, enrollment_restore
from quizzes.models import Assignment, Attempt, Response
from tests.answering import form_for
from tests.attempts.test_views import answer_url, start
from tests.conftest import HTMX, client_for


def remove(school) -> None:
    enrollment_remove(classroom=school.classroom, student=school.student)


def archive(school) -> None:
    classroom_archive(classroom=school.classroom, archived=True)


def right_answer(question):
    return question_type(question.type).right_answer(question)


def text_of(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture(params=["each", "submission"])
def under_way(request, school, student_client) -> Attempt:
    """An attempt under way with its first question answered, under either feedback setting (feedback after each
    question keeps the first answer, so a refused answer must not pass for one kept)."""
    school.assignment.feedback = request.param
    school.assignment.save()
    attempt = start(student_client, school.assignment)
    first = attempt.responses.get(position=1)
    student_client.post(answer_url(attempt, 1), form_for(attempt, first.question))
    assert Response.objects.get(pk=first.pk).is_answered
    return attempt


@pytest.mark.parametrize(("leave", "reason"), [(remove, "no longer in this class"), (archive, "archived")])
def test_answers_are_refused_with_a_403_and_the_saved_ones_kept(school, student_client, under_way, leave, reason):
    leave(school)
    first, second = under_way.responses.get(position=1), under_way.responses.get(position=2)
    for position, response in ((2, second), (1, first)):
        plain = student_client.post(answer_url(under_way, position), form_for(under_way, response.question))
        assert plain.status_code == 403
        assert reason in text_of(plain) and "The answers you saved are kept" in text_of(plain)
        swapped = student_client.post(
            answer_url(under_way, position), form_for(under_way, response.question, right=False), headers=HTMX
        )
        assert swapped.status_code == 403
        assert 'id="quiz-card"' in text_of(swapped) and "<html" not in text_of(swapped)
        assert reason in text_of(swapped)
    assert not Response.objects.get(pk=second.pk).is_answered
    kept = Response.objects.get(pk=first.pk)
    assert kept.is_answered and kept.is_correct  # the first, right, answer: not replaced by the wrong one


@pytest.mark.parametrize(("leave", "reason"), [(remove, "no longer in this class"), (archive, "archived")])
def test_submitting_is_refused_with_a_403_and_the_attempt_stays_as_it_was(
    school, student_client, under_way, leave, reason
):
    leave(school)
    refused = student_client.post(reverse("attempt_submit", args=[under_way.pk]))
    assert refused.status_code == 403 and reason in text_of(refused)
    under_way.refresh_from_db()
    assert not under_way.is_submitted and under_way.score is None
    assert under_way.responses.filter(answered_at__isnull=False).count() == 1


def test_the_teacher_still_sees_the_saved_work_and_can_close_the_quiz(school, student_client, under_way):
    from quizzes.assignments.services import assignment_close

    remove(school)
    page = text_of(client_for(school.teacher).get(reverse("teacher_attempt", args=[under_way.pk])))
    first = under_way.responses.get(position=1)
    assert first.question.prompt in page
    assert assignment_close(assignment=school.assignment) == 1  # the teacher's close still submits it
    under_way.refresh_from_db()
    assert under_way.is_submitted and under_way.score == 1


def test_a_student_taken_back_goes_on_where_they_were(school, student_client, under_way):
    remove(school)
    second = under_way.responses.get(position=2)
    assert student_client.post(answer_url(under_way, 2), form_for(under_way, second.question)).status_code == 403
    enrollment_restore(classroom=school.classroom, student=school.student)
    assert student_client.post(answer_url(under_way, 2), form_for(under_way, second.question)).status_code == 302
    assert Response.objects.get(pk=second.pk).is_answered
    assert student_client.post(reverse("attempt_submit", args=[under_way.pk])).status_code == 302
    under_way.refresh_from_db()
    assert under_way.is_submitted and under_way.score == 2


def test_starting_again_does_not_resume_the_attempt_of_a_removed_student(school, student_client, under_way):
    remove(school)
    refused = student_client.post(reverse("assignment_start", args=[school.assignment.pk]))
    assert refused.status_code == 403 and "no longer in this class" in text_of(refused)


def test_the_services_refuse_too_whatever_the_view(school, student_client, under_way):
    """The rule lives in the services (and their SQL), not in the views: a caller that skips the views is refused."""
    archive(school)
    second = under_way.responses.select_related("question").get(position=2)
    with pytest.raises(NotInClass):
        response_record(attempt=under_way, response=second, answer=right_answer(second.question))
    with pytest.raises(NotInClass):
        attempt_submit(attempt=under_way, by_student=True)
    assert not Attempt.objects.get(pk=under_way.pk).is_submitted


def test_time_running_out_still_ends_the_attempt_as_it_stands(school, student_client):
    from datetime import timedelta

    from django.utils import timezone

    school.assignment.time_limit_minutes = 10
    school.assignment.feedback = Assignment.Feedback.AFTER_SUBMISSION
    school.assignment.save()
    attempt = start(student_client, school.assignment)
    first = attempt.responses.get(position=1)
    student_client.post(answer_url(attempt, 1), form_for(attempt, first.question))
    remove(school)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    assert student_client.get(reverse("attempt", args=[attempt.pk])).status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.auto_submitted and attempt.score == 1


@pytest.mark.parametrize("leave", [remove, archive])
def test_my_results_page_no_longer_offers_to_continue(school, student_client, under_way, leave):
    continue_url = reverse("attempt", args=[under_way.pk])
    assert continue_url in text_of(student_client.get(reverse("student_history")))
    leave(school)
    assert continue_url not in text_of(student_client.get(reverse("student_history")))
