"""Starting, answering and submitting attempts; the server enforces every rule here."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.attempts import queries
from quizzes.attempts.terms import terms_for
from quizzes.authoring.draw import draw_random
from quizzes.bank.answers import answer_to_json
from quizzes.bank.grading import grade
from quizzes.models import Assignment, Attempt, Question, QuizSetItem, Response
from quizzes.permissions import can_take_assignment


class AttemptRefused(Exception):
    """The attempt cannot be started or changed; the message is shown to the student."""

    status = 403


class AttemptClosed(AttemptRefused):
    status = 409


def _questions_for(assignment: Assignment, seed: int) -> list[Question]:
    if assignment.quiz_set.is_random:
        return draw_random(assignment.quiz_set, seed)
    items = QuizSetItem.objects.filter(
        quiz_set_id=assignment.quiz_set_id, question__in=Question.objects.published()
    ).select_related("question")
    questions = [item.question for item in items]
    if assignment.shuffle_questions:
        random.Random(seed).shuffle(questions)
    return questions


def attempt_start(*, student, assignment: Assignment, now=None) -> Attempt:
    """The student's attempt in progress, or a new one when the assignment allows it.

    Two starts at the same moment cannot both make an attempt: the constraints on the attempt's number and on
    one attempt in progress refuse the second insert, and that request returns the first one's attempt."""
    now = now or timezone.now()
    mine = list(Attempt.objects.filter(student=student, assignment=assignment).order_by("number"))
    current = next((a for a in mine if not a.is_submitted), None)
    if current and current.is_expired(now):
        attempt_submit(attempt=current, now=now, auto=True)
        current = None
    if current:
        return current
    if not can_take_assignment(student, assignment):
        raise AttemptRefused("You are not in this class.")
    terms = terms_for(assignment, student)
    if not terms.is_open(now):
        raise AttemptRefused("This quiz is not open.")
    if terms.attempts_left(len(mine)) < 1:
        raise AttemptRefused("You have used all your attempts at this quiz.")
    try:
        with transaction.atomic():
            # Lock the assignment so a teacher closing it cannot slip between this check and the new attempt.
            if not Assignment.objects.select_for_update().filter(pk=assignment.pk, closed_at__isnull=True).exists():
                raise AttemptRefused("This quiz is not open.")
            number = max((a.number for a in mine), default=0) + 1
            attempt = Attempt(student=student, assignment=assignment, number=number)
            questions = _questions_for(assignment, attempt.seed)
            if not questions:
                raise AttemptRefused("This quiz has no questions yet.")
            attempt.deadline = terms.deadline(attempt.started_at)
            attempt.max_score = sum((q.points for q in questions), Decimal(0))
            attempt.save()
            Response.objects.bulk_create(
                Response(attempt=attempt, question=q, position=n) for n, q in enumerate(questions, start=1)
            )
    except IntegrityError:
        # Another request started it at the same moment: the constraint kept one, so use that one.
        current = Attempt.objects.in_progress().filter(student=student, assignment=assignment).first()
        if current is None:
            raise AttemptRefused("You have used all your attempts at this quiz.") from None
        return current
    return attempt


@dataclass
class Recorded:
    response: Response
    kept_earlier: bool = False


ALREADY_SUBMITTED = "This quiz was already submitted; your saved answers were kept."


def response_record(*, attempt: Attempt, response: Response, answer, now=None) -> Recorded:
    """Grade and save an answer. With feedback after each question the first answer stays.

    One statement of hand-written SQL (queries.save_answer: this runs for every answer of every student) saves the
    answer only while the attempt is open, locking the attempt's row on PostgreSQL, which orders it against a submit
    (which locks that row too). With feedback after each question it only touches a response with no answer yet,
    so of two answers racing for one question exactly one is saved."""
    now = now or timezone.now()
    result = grade(response.question.answer_key(), answer)
    saved = {
        "answer": answer_to_json(response.question.type, answer),
        "points": result.points,
        "is_correct": result.correct,
        "answered_at": now,
    }
    keep_first = attempt.assignment.feedback_after_each_question
    if not queries.save_answer(response, attempt, saved, now=now, keep_first=keep_first):
        _refuse_if_closed(attempt, now)
        response.refresh_from_db(fields=list(saved))
        return Recorded(response=response, kept_earlier=True)
    for name, value in saved.items():
        setattr(response, name, value)
    return Recorded(response=response)


def _refuse_if_closed(attempt: Attempt, now) -> None:
    """Why an answer was not saved, when the reason is that the attempt has closed."""
    current = Attempt.objects.only("submitted_at", "deadline").get(pk=attempt.pk)
    if current.is_submitted:
        raise AttemptClosed(ALREADY_SUBMITTED)
    if current.is_expired(now):
        raise AttemptClosed("Time is up for this quiz.")


def attempt_submit(*, attempt: Attempt, now=None, auto: bool = False) -> Attempt:
    """Score and close the attempt, once, however many requests ask at the same time; returns it as saved.

    Hand-written SQL (quizzes.attempts.queries), as each answer is: a class submits at the bell, and the ORM's
    lock, sum and save doubled the submit's time in the classroom benchmark."""
    now = now or timezone.now()
    with transaction.atomic():
        # The total is read after the lock is held, in a statement of its own, so it sees every answer saved
        # before this submit (an answer locks the same row: see response_record).
        already_submitted, total = queries.lock_attempt(attempt.pk)
        if already_submitted:
            attempt.refresh_from_db()
            return attempt
        attempt.score = total
        attempt.submitted_at = now
        attempt.auto_submitted = auto
        attempt.is_late = terms_for(attempt.assignment, attempt.student_id).is_late(now)
        queries.save_result(attempt)
    return attempt


def submit_if_time_is_up(attempt: Attempt, now=None) -> bool:
    """Submit a timed attempt whose deadline has come; True when it is (now) submitted.

    The pages ask this: the timer on the page counts down to the deadline, so from then on a page shows no question,
    only that time is up. The grace period after the deadline is for an answer already on its way (the answer view
    asks submit_if_expired before saving it, then this), not for answering on."""
    if attempt.is_submitted:
        return True
    if attempt.time_is_up(now):
        attempt_submit(attempt=attempt, now=now, auto=True)
        attempt.refresh_from_db()
        return True
    return False


def submit_if_expired(attempt: Attempt, now=None) -> bool:
    """Submit a timed attempt whose time and grace period have run out; True when it is (now) submitted."""
    if attempt.is_submitted:
        return True
    if attempt.is_expired(now):
        attempt_submit(attempt=attempt, now=now, auto=True)
        attempt.refresh_from_db()
        return True
    return False
