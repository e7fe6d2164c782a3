"""The student's side: dashboard, taking a quiz one question at a time, results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import push_url

from quizzes.attempts.cards import QuizCard, reviewed_responses
from quizzes.attempts.selectors import (
    attempt_questions,
    student_assignment_cards,
    student_attempt,
    student_attempt_and_positions,
)
from quizzes.attempts.services import (
    ALREADY_SUBMITTED,
    AttemptClosed,
    AttemptRefused,
    NotInClass,
    attempt_start,
    attempt_submit,
    response_record,
    submit_if_expired,
    submit_if_time_is_up,
)
from quizzes.attempts.skills import attempt_skills
from quizzes.bank.answers import AnswerError, parse_answer
from quizzes.htmx import HtmxHttpRequest, redirect_page, refused, render_page_or_partial
from quizzes.permissions import correct_answers_visible, review_visible

TAKE = "quizzes/attempts/take.html"
TIME_UP_ANSWER_SAVED = "Time is up: your last answer was saved and your quiz submitted."


@login_required
@require_safe
def home(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.is_teacher:
        return redirect("teacher_dashboard")
    if request.user.is_staff:  # an administrator (staff are never students): their pages are in Django admin
        return redirect("admin:index")
    return redirect("student_dashboard")


@login_required
@require_safe
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    cards = student_assignment_cards(request.user)
    return render(request, "quizzes/attempts/dashboard.html", {"cards": cards, "now": timezone.now()})


@login_required
@require_POST
def start(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    try:
        attempt = attempt_start(student=request.user, assignment=pk)
    except AttemptRefused as refusal:
        return refused(request, str(refusal), status=refusal.status)
    return redirect_page(request, reverse("attempt", args=[attempt.pk]))


def _closed(request: HtmxHttpRequest, attempt, message: str, status: int = 409) -> HttpResponse:
    """The attempt can take no more answers: say so, and lead to the results."""
    if request.htmx:
        return render(
            request, "quizzes/attempts/closed.html#closed", {"attempt": attempt, "message": message}, status=status
        )
    messages.info(request, message)
    return redirect("attempt_results", attempt.pk)


def _not_in_class(request: HtmxHttpRequest, attempt, refusal: NotInClass) -> HttpResponse:
    """The student may not go on with the attempt (removed from the class, or the class archived): say why, in the
    quiz card's place under HTMX, and lead back to their quizzes."""
    if request.htmx:
        context = {"attempt": attempt, "message": str(refusal), "refused": True}
        return render(request, "quizzes/attempts/closed.html#closed", context, status=refusal.status)
    return refused(request, str(refusal), status=refusal.status)


@login_required
@require_safe
def attempt(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    attempt, positions = student_attempt_and_positions(request.user, pk)
    if submit_if_time_is_up(attempt):
        return redirect_page(request, reverse("attempt_results", args=[attempt.pk]))
    position = _requested_position(request)
    card = QuizCard.load(attempt, positions, position)
    if card is None:
        return redirect_page(request, reverse("attempt_finish", args=[attempt.pk]))
    return render_page_or_partial(request, TAKE, "quiz-card", {"card": card})


def _requested_position(request: HtmxHttpRequest) -> int | None:
    try:
        return int(request.GET["q"])
    except (KeyError, ValueError):
        return None


@login_required
@require_POST
def answer(request: HtmxHttpRequest, pk: int, position: int) -> HttpResponse:
    attempt, positions = student_attempt_and_positions(request.user, pk)
    if attempt.is_submitted:
        return _closed(request, attempt, ALREADY_SUBMITTED)
    if submit_if_expired(attempt):
        return _closed(request, attempt, "Time is up: your quiz was submitted with the answers you had saved.")
    card, following_card = QuizCard.load_answering(attempt, position, positions)
    try:
        given = parse_answer(card.presentation, request.POST)
        recorded = response_record(attempt=attempt, response=card.response, answer=given)
    except AnswerError as error:
        card.error = str(error)
        return render_page_or_partial(request, TAKE, "quiz-card", {"card": card}, status=422)
    except AttemptClosed as closed:
        return _closed(request, attempt, str(closed))
    except NotInClass as refusal:
        return _not_in_class(request, attempt, refusal)
    if submit_if_time_is_up(attempt):
        # Saved within the grace period: the timer had reached zero, so no next question.
        return _closed(request, attempt, TIME_UP_ANSWER_SAVED, status=200)
    after = card.after_answer(following_card, kept_earlier=recorded.kept_earlier)
    if after.finished:
        return redirect_page(request, reverse("attempt_finish", args=[attempt.pk]))
    url = f"{reverse('attempt', args=[attempt.pk])}?q={after.card.position}"
    if not request.htmx:
        return redirect(url)
    response = render_page_or_partial(request, TAKE, "quiz-card", {"card": after.card})
    return push_url(response, url) if after.moves_on else response


@login_required
@require_safe
def finish(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    attempt = student_attempt(request.user, pk)
    if submit_if_time_is_up(attempt):
        return redirect("attempt_results", attempt.pk)
    responses = attempt_questions(attempt)
    unanswered = [r for r in responses if not r.is_answered]
    return render(
        request, "quizzes/attempts/finish.html", {"attempt": attempt, "responses": responses, "unanswered": unanswered}
    )


@login_required
@require_POST
def submit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    attempt = student_attempt(request.user, pk)
    try:
        # The page's timer posts here when time runs out: record that the time limit ended it.
        attempt_submit(attempt=attempt, auto=attempt.time_is_up(), by_student=True)
    except NotInClass as refusal:
        return _not_in_class(request, attempt, refusal)
    return redirect_page(request, reverse("attempt_results", args=[attempt.pk]))


@login_required
@require_safe
def results(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    attempt = student_attempt(request.user, pk)
    if not submit_if_time_is_up(attempt):
        return redirect("attempt", attempt.pk)
    context = {"attempt": attempt, "review": review_visible(attempt)}
    if context["review"]:
        # Visible, so feedback after the due date (if that is the setting) is unlocked: no need to ask again.
        show_correct = correct_answers_visible(attempt, after_due_unlocked=True)
        context["reviewed"] = reviewed_responses(attempt, show_correct=show_correct)
        context["skills"] = attempt_skills(row.response for row in context["reviewed"])
    return render(request, "quizzes/attempts/results.html", context)
