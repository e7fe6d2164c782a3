"""The student's quiz loop, through the plain (no JavaScript) path and the HTMX path."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.attempts import content
from quizzes.models import Assignment, Attempt, Response
from tests import factories
from tests.answering import form_for
from tests.conftest import HTMX, client_for


def start(client, assignment) -> Attempt:
    response = client.post(reverse("assignment_start", args=[assignment.pk]))
    assert response.status_code == 302
    return Attempt.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def answer_url(attempt, position):
    return reverse("attempt_answer", args=[attempt.pk, position])


def test_dashboard_lists_the_class_assignments_with_their_status(school, student_client):
    other = factories.AssignmentFactory(classroom=school.other_classroom)
    page = student_client.get(reverse("student_dashboard")).content.decode()
    assert school.assignment.display_title in page
    assert "Not started" in page
    assert other.display_title not in page


def test_dashboard_shows_in_progress_and_submitted_with_score(school, student_client):
    attempt = start(student_client, school.assignment)
    assert "In progress" in student_client.get(reverse("student_dashboard")).content.decode()
    student_client.post(answer_url(attempt, 1), form_for(attempt, attempt.responses.get(position=1).question))
    student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    page = student_client.get(reverse("student_dashboard")).content.decode()
    assert "Submitted 1/7" in page


def test_anonymous_visitors_are_sent_to_log_in(client, school):
    response = client.get(reverse("student_dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_starting_twice_resumes_the_same_attempt(school, student_client):
    first = start(student_client, school.assignment)
    again = start(student_client, school.assignment)
    assert first.pk == again.pk
    assert Attempt.objects.count() == 1
    assert first.responses.count() == 7


def test_htmx_start_redirects_the_whole_page(school, student_client):
    response = student_client.post(reverse("assignment_start", args=[school.assignment.pk]), headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/attempts/")


def test_student_of_another_class_cannot_start(school):
    response = client_for(school.stranger).post(reverse("assignment_start", args=[school.assignment.pk]))
    assert response.status_code == 403
    assert "not in this class" in response.content.decode()
    assert not Attempt.objects.exists()


def test_question_page_never_contains_the_answer_before_answering(school, student_client):
    attempt = start(student_client, school.assignment)
    for response in attempt.responses.select_related("question"):
        page = student_client.get(reverse("attempt", args=[attempt.pk]), {"q": response.position}).content.decode()
        assert f"Question {response.position} of 7" in page
        assert response.question.explanation not in page
        assert "ignored Lenin" not in page  # the evidence quote
        assert "data-correct" not in page and "is_correct" not in page


@pytest.mark.parametrize("qtype", ["single", "multiple", "true_false", "short_text", "numeric", "ordering", "matching"])
def test_plain_post_of_a_right_answer_redirects_to_its_feedback(school, student_client, qtype):
    attempt = start(student_client, school.assignment)
    response = attempt.responses.get(question=school.questions[qtype])
    posted = student_client.post(answer_url(attempt, response.position), form_for(attempt, response.question))
    assert posted.status_code == 302
    assert posted.url.endswith(f"?q={response.position}")
    page = student_client.get(posted.url).content.decode()
    assert "Correct" in page
    assert response.question.explanation in page
    assert "ignored Lenin" in page and "Orlando Figes" in page
    response.refresh_from_db()
    assert response.is_correct and response.points == 1


@pytest.mark.parametrize("qtype", ["single", "multiple", "true_false", "short_text", "numeric", "ordering", "matching"])
def test_htmx_post_of_a_wrong_answer_swaps_in_the_feedback_card(school, student_client, qtype):
    attempt = start(student_client, school.assignment)
    response = attempt.responses.get(question=school.questions[qtype])
    posted = student_client.post(
        answer_url(attempt, response.position), form_for(attempt, response.question, right=False), headers=HTMX
    )
    html = unescape(posted.content.decode())
    assert posted.status_code == 200
    assert "<html" not in html and 'id="quiz-card"' in html
    assert "Not quite" in html
    if qtype in ("ordering", "matching"):  # one line a part, the right part beside each wrong one
        assert '<ul class="answer-lines"' in html and "<strong>Wrong</strong>" in html
        assert "Belongs in place" in html or "Right match:" in html
    else:
        assert "The answer" in html and response.question.correct_answer_text() in html
    assert "HX-Request" in posted.headers["Vary"]


def test_feedback_mode_keeps_the_first_checked_answer(school, student_client):
    attempt = start(student_client, school.assignment)
    question = school.questions["single"]
    position = attempt.responses.get(question=question).position
    student_client.post(answer_url(attempt, position), form_for(attempt, question, right=False))
    again = student_client.post(answer_url(attempt, position), form_for(attempt, question), headers=HTMX)
    assert "your first answer was kept" in again.content.decode()
    assert Response.objects.get(attempt=attempt, question=question).is_correct is False


@pytest.mark.parametrize(
    ("qtype", "form", "message"),
    [
        ("single", {}, "Choose an answer."),
        ("single", {"choice": "99"}, "not one of this question"),
        ("multiple", {}, "Choose at least one answer."),
        ("true_false", {"answer": "maybe"}, "Choose True or False."),
        ("short_text", {"answer": "   "}, "Type an answer."),
        ("short_text", {"answer": "x" * 10_001}, "at most 500 characters"),
        ("numeric", {"answer": "ten"}, "Type a number"),
        ("ordering", {"slot-0": "0", "slot-1": "0", "slot-2": "1"}, "exactly one place"),
        ("matching", {"match-0": "0"}, "Choose match."),
    ],
)
def test_bad_input_gets_a_clear_422_and_saves_nothing(school, student_client, qtype, form, message):
    attempt = start(student_client, school.assignment)
    response = attempt.responses.get(question=school.questions[qtype])
    for headers in ({}, HTMX):
        posted = student_client.post(answer_url(attempt, response.position), form, headers=headers)
        assert posted.status_code == 422
        assert message in posted.content.decode()
    response.refresh_from_db()
    assert response.answer is None and not response.is_answered


def test_reloading_mid_quiz_returns_to_the_first_unanswered_question_with_answers_saved(school):
    school.assignment.feedback = Assignment.Feedback.AFTER_SUBMISSION
    school.assignment.save()
    client = client_for(school.student)
    attempt = start(client, school.assignment)
    first = attempt.responses.get(position=1)
    client.post(answer_url(attempt, 1), form_for(attempt, first.question))
    page = client.get(reverse("attempt", args=[attempt.pk])).content.decode()
    assert "Question 2 of 7" in page
    back = client.get(reverse("attempt", args=[attempt.pk]), {"q": 1}).content.decode()
    assert "Your answer is saved" in back
    assert " checked" in back or " selected" in back or 'value="' in back


def test_after_submission_mode_moves_on_without_feedback(school):
    school.assignment.feedback = Assignment.Feedback.AFTER_SUBMISSION
    school.assignment.save()
    client = client_for(school.student)
    attempt = start(client, school.assignment)
    first = attempt.responses.get(position=1)
    plain = client.post(answer_url(attempt, 1), form_for(attempt, first.question))
    assert plain.status_code == 302 and plain.url.endswith("?q=2")
    second = attempt.responses.get(position=2)
    swapped = client.post(answer_url(attempt, 2), form_for(attempt, second.question), headers=HTMX)
    html = swapped.content.decode()
    assert "Question 3 of 7" in html and "Correct" not in html
    assert swapped.headers["HX-Push-Url"].endswith("?q=3")


def test_submitting_scores_once_and_results_show_answers_explanations_and_sources(school, student_client):
    attempt = start(student_client, school.assignment)
    for response in attempt.responses.select_related("question"):
        right = response.question.type != "numeric"
        student_client.post(answer_url(attempt, response.position), form_for(attempt, response.question, right=right))
    finish = student_client.get(reverse("attempt_finish", args=[attempt.pk])).content.decode()
    assert "answered all 7 questions" in finish
    submitted = student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    assert submitted.url == reverse("attempt_results", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.score == 6 and attempt.max_score == 7
    page = student_client.get(submitted.url).content.decode()
    assert "out of 7" in page and "86%" in page
    assert page.count("ignored Lenin") == 7
    assert "Your answer" in page and "The answer" in page
    assert "15" in page  # the wrong numeric answer given (10 + 5)


def test_answers_to_a_submitted_attempt_are_refused_and_change_nothing(school, student_client):
    attempt = start(student_client, school.assignment)
    student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    question = attempt.responses.get(position=1).question
    refused = student_client.post(answer_url(attempt, 1), form_for(attempt, question), headers=HTMX)
    assert refused.status_code == 409
    assert "already submitted" in refused.content.decode()
    assert not attempt.responses.filter(answered_at__isnull=False).exists()


def test_results_hidden_when_feedback_is_never(school, student_client):
    school.assignment.feedback = Assignment.Feedback.NEVER
    school.assignment.save()
    attempt = start(student_client, school.assignment)
    student_client.post(answer_url(attempt, 1), form_for(attempt, attempt.responses.get(position=1).question))
    page = student_client.get(reverse("attempt", args=[attempt.pk]), {"q": 1}).content.decode()
    assert "Correct" not in page and "ignored Lenin" not in page
    student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    results = student_client.get(reverse("attempt_results", args=[attempt.pk])).content.decode()
    assert "ignored Lenin" not in results and "out of" not in results
    assert "Submitted" in results


def test_results_wait_for_the_due_date_when_the_teacher_says_so(school, student_client):
    school.assignment.feedback = Assignment.Feedback.AFTER_DUE
    school.assignment.save()
    attempt = start(student_client, school.assignment)
    student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    results = student_client.get(reverse("attempt_results", args=[attempt.pk])).content.decode()
    assert "shown after the due date" in results and "out of" not in results
    # Past the due date and its grace period, with late work refused: no one in the class can still answer.
    # (tests/attempts/test_feedback_after_due.py: while anyone can, no one sees it.)
    Assignment.objects.filter(pk=school.assignment.pk).update(
        opens_at=timezone.now() - timedelta(days=3), due_at=timezone.now() - timedelta(minutes=1), allow_late=False
    )
    assert "out of 7" in student_client.get(reverse("attempt_results", args=[attempt.pk])).content.decode()


def test_timed_attempt_past_its_deadline_is_submitted_with_saved_answers(school, student_client):
    school.assignment.time_limit_minutes = 10
    school.assignment.save()
    attempt = start(student_client, school.assignment)
    first = attempt.responses.get(position=1)
    student_client.post(answer_url(attempt, 1), form_for(attempt, first.question))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    late = student_client.post(answer_url(attempt, 2), form_for(attempt, attempt.responses.get(position=2).question))
    assert late.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.auto_submitted and attempt.score == 1
    assert not attempt.responses.get(position=2).is_answered
    page = student_client.get(reverse("attempt", args=[attempt.pk]))
    assert page.status_code == 302 and page.url == reverse("attempt_results", args=[attempt.pk])


def test_answer_within_the_grace_period_is_kept(school, student_client):
    school.assignment.time_limit_minutes = 10
    school.assignment.save()
    attempt = start(student_client, school.assignment)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    first = attempt.responses.get(position=1)
    student_client.post(answer_url(attempt, 1), form_for(attempt, first.question))
    first.refresh_from_db()
    assert first.is_answered


# -- The timer and the grace period: the page counts down to the deadline; the grace period after it only takes an
# answer already on its way, so no page shows a question once the timer has reached zero.


def timed_attempt(school, client, *, deadline_in: timedelta) -> Attempt:
    school.assignment.time_limit_minutes = 10
    school.assignment.save()
    attempt = start(client, school.assignment)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + deadline_in)
    return attempt


def test_the_timer_counts_down_to_the_deadline_not_to_the_end_of_the_grace_period(school, student_client):
    attempt = timed_attempt(school, student_client, deadline_in=timedelta(seconds=90))
    page = student_client.get(reverse("attempt", args=[attempt.pk])).content.decode()
    assert 'data-seconds-left="90"' in page or 'data-seconds-left="89"' in page
    assert "1:30 left" in page or "1:29 left" in page


@pytest.mark.parametrize("page", ["attempt", "attempt_finish", "attempt_results"])
def test_once_the_deadline_has_come_a_page_says_time_is_up_even_within_the_grace_period(school, student_client, page):
    attempt = timed_attempt(school, student_client, deadline_in=-timedelta(seconds=5))
    response = student_client.get(reverse(page, args=[attempt.pk]), follow=True)
    assert response.redirect_chain[-1:] in ([], [(reverse("attempt_results", args=[attempt.pk]), 302)])
    text = unescape(response.content.decode())
    assert "Time ran out, so your quiz was submitted" in text
    assert 'name="answer"' not in text and "left</span>" not in text
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.auto_submitted


@pytest.mark.parametrize("htmx", [False, True])
def test_an_answer_on_its_way_at_the_deadline_is_kept_and_then_time_is_up(school, student_client, htmx):
    attempt = timed_attempt(school, student_client, deadline_in=-timedelta(seconds=5))
    first = attempt.responses.get(position=1)
    response = student_client.post(
        answer_url(attempt, 1), form_for(attempt, first.question), headers=HTMX if htmx else {}
    )
    if htmx:
        assert response.status_code == 200
        assert "Time is up: your last answer was saved and your quiz submitted." in response.content.decode()
        assert "Question 2 of" not in response.content.decode()
    else:
        assert response.status_code == 302 and response.url == reverse("attempt_results", args=[attempt.pk])
    first.refresh_from_db()
    attempt.refresh_from_db()
    assert first.is_answered and attempt.is_submitted and attempt.auto_submitted and attempt.score == 1


def test_timer_shows_on_a_timed_quiz(school, student_client):
    school.assignment.time_limit_minutes = 10
    school.assignment.save()
    attempt = start(student_client, school.assignment)
    page = student_client.get(reverse("attempt", args=[attempt.pk])).content.decode()
    assert "10:00 left" in page or "9:59 left" in page


def test_a_student_cannot_open_another_students_attempt(school, student_client):
    attempt = start(student_client, school.assignment)
    classmate = client_for(school.classmate)
    assert classmate.get(reverse("attempt", args=[attempt.pk])).status_code == 404
    assert classmate.get(reverse("attempt_results", args=[attempt.pk])).status_code == 404
    form = form_for(attempt, attempt.responses.get(position=1).question)
    assert classmate.post(answer_url(attempt, 1), form).status_code == 404
    assert classmate.post(reverse("attempt_submit", args=[attempt.pk])).status_code == 404
    assert not attempt.responses.filter(answered_at__isnull=False).exists()


def test_unknown_question_position_is_404(school, student_client):
    attempt = start(student_client, school.assignment)
    assert student_client.post(answer_url(attempt, 99), {"choice": "0"}).status_code == 404


def test_wrong_http_method_is_405(school, student_client):
    attempt = start(student_client, school.assignment)
    assert student_client.get(answer_url(attempt, 1)).status_code == 405
    assert student_client.get(reverse("attempt_submit", args=[attempt.pk])).status_code == 405


def test_draft_questions_never_reach_students(school, student_client):
    draft = factories.QuestionFactory(status="draft", prompt="A draft question nobody should see")
    factories.QuizSetItemFactory(quiz_set=school.assignment.quiz_set, question=draft, position=99)
    attempt = start(student_client, school.assignment)
    assert not attempt.responses.filter(question=draft).exists()
    assert attempt.max_score == 7


def test_used_up_attempts_are_refused(school, student_client):
    attempt = start(student_client, school.assignment)
    student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    refused = student_client.post(reverse("assignment_start", args=[school.assignment.pk]))
    assert refused.status_code == 403 and "used all your attempts" in refused.content.decode()


# A quiz page's queries: session, user, the attempt with its positions, the shown response with its question;
# then the shown question's parts (one query for the types that have choices, accepted answers, items or pairs;
# none for true/false and numeric) and, only with feedback after each question, its citations with their sources.
# Parts and citations load once per question and process (quizzes.attempts.content), so the tests count them with
# the cache emptied, and without them when the question is already cached.
PAGE_QUERIES = 4
PART_TABLE = {
    "single": "choices",
    "multiple": "choices",
    "true_false": None,
    "short_text": "accepted answers",
    "numeric": None,
    "ordering": "ordering items",
    "matching": "matching pairs",
}
PART_QUERIES = {qtype: int(table is not None) for qtype, table in PART_TABLE.items()}


def part_queries(*qtypes: str) -> int:
    """Parts of several questions load together: one query per table that one of them needs."""
    return len({PART_TABLE[qtype] for qtype in qtypes} - {None})


# Saving an answer: one update, which locks the attempt's row while it checks that the attempt is open.
SAVE_QUERIES = 1
TYPES = list(PART_QUERIES)


def feedback_set_to(school, feedback: str) -> None:
    school.assignment.feedback = feedback
    school.assignment.save()


@pytest.mark.parametrize("feedback", ["each", "submission"])
@pytest.mark.parametrize("qtype", TYPES)
def test_quiz_page_queries_per_type_and_not_growing_with_bank_or_class(
    school, student_client, django_assert_num_queries, qtype, feedback
):
    feedback_set_to(school, feedback)
    attempt = start(student_client, school.assignment)
    position = attempt.responses.get(question=school.questions[qtype]).position
    url = f"{reverse('attempt', args=[attempt.pk])}?q={position}"
    expected = PAGE_QUERIES + PART_QUERIES[qtype] + (feedback == "each")
    content.clear()
    with django_assert_num_queries(expected):
        page = student_client.get(url, headers=HTMX)
    assert school.questions[qtype].prompt in page.content.decode()
    for _ in range(30):
        factories.EnrollmentFactory(classroom=school.classroom)
        factories.QuestionFactory(multiple=True)
    with django_assert_num_queries(PAGE_QUERIES):  # the question's content is cached
        assert school.questions[qtype].prompt in student_client.get(url, headers=HTMX).content.decode()
    content.clear()
    with django_assert_num_queries(expected):
        student_client.get(url, headers=HTMX)


@pytest.mark.parametrize("qtype", TYPES)
def test_answer_with_feedback_takes_a_constant_number_of_queries(
    school, student_client, django_assert_num_queries, qtype
):
    attempt = start(student_client, school.assignment)
    response = attempt.responses.get(question=school.questions[qtype])
    form = form_for(attempt, response.question)
    content.clear()
    with django_assert_num_queries(PAGE_QUERIES + PART_QUERIES[qtype] + 1 + SAVE_QUERIES):
        card = student_client.post(answer_url(attempt, response.position), form, headers=HTMX)
    assert "Correct" in card.content.decode() and "Orlando Figes" in card.content.decode()
    assert 'aria-valuenow="1"' in card.content.decode()  # the progress bar counts the answer just given


@pytest.mark.parametrize("qtype", TYPES)
def test_answer_moving_on_takes_a_constant_number_of_queries(school, student_client, django_assert_num_queries, qtype):
    """Without feedback the answer's page is the next question's card: its response loads with the answered one,
    and their parts together (one query per table either question needs)."""
    feedback_set_to(school, "submission")
    attempt = start(student_client, school.assignment)
    responses = list(attempt.responses.select_related("question").order_by("position"))
    response = next(r for r in responses if r.question.type == qtype)
    following = responses[response.position % len(responses)]  # the next one, or the first after the last
    form = form_for(attempt, response.question)
    content.clear()
    with django_assert_num_queries(PAGE_QUERIES + part_queries(qtype, following.question.type) + SAVE_QUERIES):
        card = student_client.post(answer_url(attempt, response.position), form, headers=HTMX)
    assert following.question.prompt in card.content.decode()


def grow_school(school, *, assignments: int = 0, students: int = 0, questions: int = 0) -> None:
    """More of everything around the student: other classes' assignments, classmates, bank questions."""
    for _ in range(assignments):
        factories.AssignmentFactory(classroom=school.classroom, quiz_set=school.assignment.quiz_set)
        factories.AssignmentFactory(classroom=school.other_classroom)
    for _ in range(students):
        factories.EnrollmentFactory(classroom=school.classroom)
    for _ in range(questions):
        factories.QuestionFactory(multiple=True)


# The other pages of the quiz loop, each with session and user first (production counts: 2 fewer where the
# test's transaction turns a transaction into a savepoint and its release).
# the open assignments with class and set; the student's attempts; accommodations; a live session running in one of
# their classes (the "Live now" banner, quizzes.templatetags.live_tags)
DASHBOARD_QUERIES = 2 + 3 + 1
START_QUERIES = 2 + 1 + (2 + 1 + 1 + 1 + 1)
# session, user; the assignment with its class and set, the student's right to take it, accommodation and attempts
# (one query); then in a transaction (savepoint and release here): the assignment's lock, the set's questions, the
# attempt, its responses
FINISH_QUERIES = 2 + 2  # the attempt with assignment and set; its responses with their questions
SUBMIT_QUERIES = 2 + 1 + (2 + 1 + 1 + 1 + 1)  # the attempt; lock, total, accommodation, update
RESULTS_QUERIES = 2 + 1 + 1 + 4 + 1  # the attempt; responses with questions; parts (one per table); citations


def test_dashboard_queries_do_not_grow_with_assignments(school, student_client, django_assert_num_queries):
    start(student_client, school.assignment)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        student_client.get(reverse("student_dashboard"))
    grow_school(school, assignments=10, students=20)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        page = student_client.get(reverse("student_dashboard")).content.decode()
    assert page.count("Start") >= 10 and "Continue" in page


def test_starting_takes_the_same_queries_for_a_short_or_long_quiz(school, student_client, django_assert_num_queries):
    with django_assert_num_queries(START_QUERIES):
        student_client.post(reverse("assignment_start", args=[school.assignment.pk]))
    longer = factories.AssignmentFactory(
        classroom=school.classroom,
        quiz_set=factories.QuizSetFactory(questions=factories.QuestionFactory.create_batch(25)),
    )
    grow_school(school, students=20, questions=20)
    with django_assert_num_queries(START_QUERIES):
        student_client.post(reverse("assignment_start", args=[longer.pk]))
    assert Attempt.objects.get(assignment=longer).responses.count() == 25


def test_finish_submit_and_results_queries_do_not_grow(school, student_client, django_assert_num_queries):
    school.assignment.feedback = Assignment.Feedback.AFTER_SUBMISSION
    school.assignment.save()
    attempt = start(student_client, school.assignment)
    for response in attempt.responses.select_related("question"):
        student_client.post(answer_url(attempt, response.position), form_for(attempt, response.question))
    grow_school(school, students=20, questions=20)
    content.clear()
    with django_assert_num_queries(FINISH_QUERIES):
        page = student_client.get(reverse("attempt_finish", args=[attempt.pk]))
    assert "You have answered all 7 questions" in page.content.decode()
    with django_assert_num_queries(SUBMIT_QUERIES):
        student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    with django_assert_num_queries(RESULTS_QUERIES):
        page = student_client.get(reverse("attempt_results", args=[attempt.pk])).content.decode()
    assert 'score-number">7</span> out of 7' in page and "Orlando Figes" in page
