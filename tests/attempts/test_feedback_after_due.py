"""Feedback after the due date: no student sees the score or the answers while they, or anyone in the class, can
still answer (their own due date, the grace period, an attempt open, one left to start), unless the teacher lets
students who are done see theirs at once. Every page that shows them (results, dashboard, history) follows it."""

from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone

from quizzes.assignments.services import assignment_close
from quizzes.attempts import content
from quizzes.attempts.services import attempt_start, attempt_submit
from quizzes.classroom.services import classroom_archive, enrollment_remove
from quizzes.models import Assignment, Attempt
from quizzes.permissions import correct_answers_visible, review_visible
from tests import factories
from tests.answering import form_for, take
from tests.attempts.test_views import DASHBOARD_QUERIES, RESULTS_QUERIES, answer_url
from tests.conftest import HTMX, client_for
from tests.scores.test_history import HISTORY_QUERIES

GRACE_SECONDS = settings.ATTEMPT_GRACE_SECONDS


def text_of(response) -> str:
    return unescape(response.content.decode())


def sees_answers(client, attempt: Attempt) -> bool:
    """What the student sees of their submitted attempt on every page that could show it, all agreeing."""
    results = text_of(client.get(reverse("attempt_results", args=[attempt.pk])))
    dashboard = text_of(client.get(reverse("student_dashboard")))
    history = text_of(client.get(reverse("student_history")))
    explanation = attempt.responses.select_related("question").first().question.explanation
    shown = [
        "out of" in results and explanation in results and "The answer" in results,
        f"({attempt.percent}%)" in history,
    ]
    if not Assignment.objects.get(pk=attempt.assignment_id).closed_at:  # the dashboard lists open quizzes only
        shown.append(f"{floatformat(attempt.score, '-2')}/{floatformat(attempt.max_score, '-2')}" in dashboard)
    assert len(set(shown)) == 1, shown
    if not shown[0]:
        assert "Your results will be shown after" in results and explanation not in results
    return shown[0]


@pytest.fixture
def past_due(school):
    """Feedback after the due date, the class's due date a day ago, late work refused, one attempt each: Sasha and
    Misha have submitted theirs; Anya has her own due date, two days from now, and has not started."""
    now = timezone.now()
    a = school.assignment
    a.feedback = Assignment.Feedback.AFTER_DUE
    a.opens_at, a.due_at = now - timedelta(days=10), now - timedelta(days=1)
    a.allow_late = False
    a.save()
    anya = factories.UserFactory(username="anya")
    factories.EnrollmentFactory(classroom=school.classroom, student=anya)
    factories.AccommodationFactory(assignment=a, student=anya, due_at=now + timedelta(days=2))
    submitted = {}
    for who in (school.student, school.classmate):
        submitted[who] = _taken_before_due(who, a)
    return anya, submitted


def _taken_before_due(student, assignment) -> Attempt:
    """An attempt taken and submitted before the due date, some answers wrong (so review would show the right ones)."""
    return take(
        student,
        assignment,
        right={"single", "multiple", "true_false", "short_text"},
        now=assignment.due_at - timedelta(hours=1),
    )


def test_classmates_see_no_answers_while_a_student_with_a_later_personal_due_date_can_still_answer(
    school, student_client, past_due
):
    anya, submitted = past_due
    attempt = submitted[school.student]
    assert not sees_answers(student_client, attempt)
    started = attempt_start(student=anya, assignment=school.assignment)  # allowed: her due date is to come
    assert not sees_answers(student_client, attempt)  # her attempt is open
    attempt_submit(attempt=started)  # she has used her one attempt: no one can answer any more
    assert sees_answers(student_client, attempt)


def test_the_student_with_the_later_due_date_sees_nothing_before_it_passes_even_once_finished(school, past_due):
    anya, _ = past_due
    mine = take(anya, school.assignment, right={"single"})
    anya_client = client_for(anya)
    assert not sees_answers(anya_client, mine)
    later = mine.assignment.accommodations.get(student=anya).due_at + timedelta(seconds=GRACE_SECONDS + 1)
    assert not review_visible(mine, later - timedelta(seconds=2))  # still within her grace period
    assert review_visible(mine, later) and correct_answers_visible(mine, later)


def test_within_the_grace_period_after_the_due_date_no_one_sees_the_answers(school, student_client):
    now = timezone.now()
    a = school.assignment
    a.feedback, a.allow_late = Assignment.Feedback.AFTER_DUE, False
    a.opens_at, a.due_at = now - timedelta(days=1), now - timedelta(seconds=GRACE_SECONDS // 2)
    a.save()
    mine = _taken_before_due(school.student, a)
    _taken_before_due(school.classmate, a)
    assert not sees_answers(student_client, mine)  # answers sent at the due date may still be arriving
    Assignment.objects.filter(pk=a.pk).update(due_at=now - timedelta(seconds=GRACE_SECONDS + 1))
    mine.assignment.refresh_from_db()
    assert sees_answers(student_client, mine)


def test_an_attempt_still_taking_answers_in_its_grace_period_holds_the_answers_back(school, student_client):
    now = timezone.now()
    a = school.assignment
    a.feedback, a.allow_late = Assignment.Feedback.AFTER_DUE, False
    a.opens_at, a.due_at = now - timedelta(days=1), now - timedelta(minutes=5)
    a.save()
    mine = _taken_before_due(school.student, a)
    factories.AccommodationFactory(assignment=a, student=school.classmate, due_at=now - timedelta(seconds=5))
    factories.AttemptFactory(assignment=a, student=school.classmate, deadline=now - timedelta(seconds=5))
    assert not sees_answers(student_client, mine)


def test_with_late_work_accepted_answers_wait_until_no_one_can_start_or_the_teacher_closes(
    school, student_client, past_due
):
    anya, submitted = past_due
    a = school.assignment
    a.accommodations.all().delete()
    a.allow_late = True
    a.save()
    attempt = submitted[school.student]
    assert not sees_answers(student_client, attempt)  # Anya can still start one, marked late
    assignment_close(assignment=a)
    assert sees_answers(student_client, attempt)


def test_an_extra_attempt_to_start_holds_the_answers_back_from_the_student_too(school, student_client, past_due):
    anya, submitted = past_due
    mine = submitted[school.student]
    take(anya, school.assignment, right=set())
    school.assignment.allow_late = True
    school.assignment.save()
    assert sees_answers(student_client, mine)  # everyone has used their one attempt
    factories.AccommodationFactory(assignment=school.assignment, student=school.student, extra_attempts=1)
    assert not sees_answers(student_client, mine)  # Sasha may start another, late, and use them


def test_the_teacher_can_let_students_who_are_done_see_theirs_while_others_still_answer(
    school, student_client, past_due
):
    anya, submitted = past_due
    school.assignment.review_when_done = True
    school.assignment.save()
    attempt = submitted[school.student]
    assert sees_answers(student_client, attempt)
    mine = take(anya, school.assignment, right=set())
    anya_client = client_for(anya)
    assert not sees_answers(anya_client, mine)  # her own due date still rules for her
    results = text_of(anya_client.get(reverse("attempt_results", args=[mine.pk])))
    assert "after your due date, once you can no longer answer" in results


def test_the_setting_is_in_the_assignment_form_off_by_default_and_saved(school):
    from tests.assignments.test_views import settings_form

    teacher = client_for(school.teacher)
    url = reverse("assignment_detail", args=[school.assignment.pk])
    page = text_of(teacher.get(url))
    assert 'name="review_when_done"' in page and "even while classmates can still answer" in page
    assert 'name="review_when_done" aria-describedby="id_review_when_done_helptext"' in page
    assert not school.assignment.review_when_done  # off unless the teacher says so
    assert "once no one in the class can still answer" not in page  # feedback after each question here
    form = settings_form(feedback="due", allow_late="1")
    assert teacher.post(url, form).status_code == 302
    assert "once no one in the class can still answer (late work is accepted: close the quiz" in text_of(
        teacher.get(url)
    )
    assert teacher.post(url, form | {"review_when_done": "on"}).status_code == 302
    assert Assignment.objects.get(pk=school.assignment.pk).review_when_done
    assert "each student once they can no longer answer" in text_of(teacher.get(url))
    assert teacher.post(url, form).status_code == 302
    assert not Assignment.objects.get(pk=school.assignment.pk).review_when_done


def test_students_removed_or_an_archived_class_hold_nothing_back(school, student_client, past_due):
    anya, submitted = past_due
    attempt = submitted[school.student]
    enrollment_remove(classroom=school.classroom, student=anya)
    assert sees_answers(student_client, attempt)  # she can answer nothing any more (see issue 14, point 9)
    classroom_archive(classroom=school.classroom, archived=True)
    assert text_of(student_client.get(reverse("attempt_results", args=[attempt.pk]))).count("The answer") >= 1


def test_answering_after_the_class_due_date_shows_no_verdict_or_answer_on_the_card(school, past_due):
    anya, _ = past_due
    client = client_for(anya)
    started = attempt_start(student=anya, assignment=school.assignment)
    first = started.responses.select_related("question").get(position=1)
    for headers in ({}, HTMX):
        posted = client.post(answer_url(started, 1), form_for(started, first.question, right=False), headers=headers)
        page = text_of(client.get(posted.url)) if posted.status_code == 302 else text_of(posted)
        assert "Not quite" not in page and "Correct" not in page
        assert first.question.explanation not in page and first.question.correct_answer_text() not in page


# -- Query counts ---------------------------------------------------------------------------------------------------


def test_one_aggregate_query_decides_for_the_results_page_however_large_the_class(
    school, student_client, past_due, django_assert_num_queries
):
    attempt = past_due[1][school.student]
    url = reverse("attempt_results", args=[attempt.pk])
    hidden = 2 + 1 + 1  # session, user, the attempt; the aggregate (the review hidden, nothing more)
    with django_assert_num_queries(hidden):
        assert "once no one in your class can still answer" in text_of(student_client.get(url))
    grow_class(school)
    with django_assert_num_queries(hidden):
        student_client.get(url)
    shown = RESULTS_QUERIES + 1  # the review's own queries and the aggregate
    school.assignment.review_when_done = True
    school.assignment.save()
    content.clear()  # counted as RESULTS_QUERIES counts them: question content not cached yet
    with django_assert_num_queries(shown):
        assert "out of" in text_of(student_client.get(url))


def grow_class(school) -> None:
    """More students in the class, with attempts under way and accommodations: none may cost a query."""
    for _ in range(25):
        other = factories.EnrollmentFactory(classroom=school.classroom).student
        factories.AttemptFactory(assignment=school.assignment, student=other)
        factories.AccommodationFactory(assignment=school.assignment, student=other, extra_attempts=1)


def test_the_dashboard_and_history_ask_once_for_all_their_quizzes(
    school, student_client, past_due, django_assert_num_queries
):
    for n in range(3):
        more = factories.AssignmentFactory(
            classroom=school.classroom,
            quiz_set=school.assignment.quiz_set,
            feedback=Assignment.Feedback.AFTER_DUE,
            opens_at=school.assignment.opens_at,
            due_at=school.assignment.due_at + timedelta(seconds=n + 1),
            allow_late=False,
        )
        _taken_before_due(school.student, more)
    with django_assert_num_queries(DASHBOARD_QUERIES + 1):
        student_client.get(reverse("student_dashboard"))
    with django_assert_num_queries(HISTORY_QUERIES + 1):
        student_client.get(reverse("student_history"))
    grow_class(school)
    with django_assert_num_queries(DASHBOARD_QUERIES + 1):
        student_client.get(reverse("student_dashboard"))
    with django_assert_num_queries(HISTORY_QUERIES + 1):
        student_client.get(reverse("student_history"))


def test_the_dashboard_asks_nothing_more_before_the_student_is_done(school, student_client, django_assert_num_queries):
    school.assignment.feedback = Assignment.Feedback.AFTER_DUE
    school.assignment.save()
    take(school.student, school.assignment, right=set())  # submitted; the due date is days away
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert "Submitted" in text_of(student_client.get(reverse("student_dashboard")))
