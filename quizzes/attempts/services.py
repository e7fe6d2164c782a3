"""Starting, answering and submitting attempts; the server enforces every rule here."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from quizzes.attempts import queries
from quizzes.attempts.terms import terms_for
from quizzes.authoring.draw import draw_random
from quizzes.bank.answers import answer_to_json
from quizzes.bank.grading import grade
from quizzes.models import Assignment, Attempt, Classroom, Question, Response


class AttemptRefused(Exception):
    """The attempt cannot be started or changed; the message is shown to the student."""

    status = 403


class NoSuchAssignment(AttemptRefused):
    status = 404


class AttemptClosed(AttemptRefused):
    status = 409


class NotInClass(AttemptRefused):
    """The student was removed from the class, or the class archived: their attempt under way takes no more answers
    and they cannot submit it; what they saved stays, for their teacher to see (and for them, should they be
    enrolled again or the class brought back)."""

    status = 403

    @classmethod
    def for_classroom(cls, classroom_id: int) -> NotInClass:
        if Classroom.objects.filter(pk=classroom_id, archived_at__isnull=False).exists():
            return cls(
                "This class has been archived, so you cannot answer or submit this quiz any more. "
                "The answers you saved are kept, and your teacher can see them."
            )
        return cls(
            "You are no longer in this class, so you cannot answer or submit this quiz any more. "
            "The answers you saved are kept, and your teacher can see them."
        )


def _questions_for(assignment: Assignment, seed: int) -> list[Question]:
    if assignment.quiz_set.is_random:
        return draw_random(assignment.quiz_set, seed)
    questions = queries.set_questions(assignment.quiz_set_id)
    if assignment.shuffle_questions:
        random.Random(seed).shuffle(questions)
    return questions


def attempt_start(*, student, assignment: Assignment | int, now=None) -> Attempt:
    """The student's attempt in progress, or a new one when the assignment (or its id) allows it.

    What it decides on is read in one query of hand-written SQL (queries.start_facts: a whole class presses Start
    at the bell). Two starts at the same moment cannot both make an attempt: the constraints on the attempt's number
    and on one attempt in progress refuse the second insert, and that request returns the first one's attempt."""
    now = now or timezone.now()
    facts = queries.start_facts(getattr(assignment, "pk", assignment), student.pk)
    if facts is None:
        raise NoSuchAssignment("There is no such assignment.")
    assignment, mine = facts.assignment, facts.attempts
    current = next((a for a in mine if not a.is_submitted), None)
    if current and current.is_expired(now):
        attempt_submit(attempt=current, now=now, auto=True)
        current = None
    if not facts.may_take:  # permissions.can_take_assignment, applied in the query
        # Also for an attempt under way: a student removed from the class (or whose class is archived) goes no
        # further with it, as answering and submitting refuse them.
        if current:
            raise NotInClass.for_classroom(assignment.classroom_id)
        raise AttemptRefused("You are not in this class.")
    if current:
        return current
    terms = terms_for(assignment, student, facts.accommodation)
    if not terms.is_open(now):
        raise AttemptRefused("This quiz is not open.")
    if terms.attempts_left(len(mine)) < 1:
        raise AttemptRefused("You have used all your attempts at this quiz.")
    try:
        with transaction.atomic():
            # Lock the assignment so a teacher closing it cannot slip between this check and the new attempt.
            if not queries.lock_open_assignment(assignment.pk):
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
    answer only while the attempt is open and its student still in the class (else NotInClass), locking the
    attempt's row on PostgreSQL, which orders it against a submit (which locks that row too). With feedback after
    each question it only touches a response with no answer yet, so of two answers racing for one question exactly
    one is saved."""
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
        _refuse_if_not_taking(attempt, now)
        response.refresh_from_db(fields=list(saved))
        return Recorded(response=response, kept_earlier=True)
    for name, value in saved.items():
        setattr(response, name, value)
    return Recorded(response=response)


def _refuse_if_not_taking(attempt: Attempt, now) -> None:
    """Why an answer was not saved, when the reason is that the attempt takes no more answers (one query); else the
    answer was not saved because an earlier one stands."""
    in_class = Attempt.objects.student_in_class().filter(pk=OuterRef("pk"))
    current = (
        Attempt.objects.only("submitted_at", "deadline")
        .annotate(student_in_class=Exists(in_class), classroom_id=F("assignment__classroom_id"))
        .get(pk=attempt.pk)
    )
    if current.is_submitted:
        raise AttemptClosed(ALREADY_SUBMITTED)
    if not current.student_in_class:
        raise NotInClass.for_classroom(current.classroom_id)
    if current.is_expired(now):
        raise AttemptClosed("Time is up for this quiz.")


def attempt_submit(*, attempt: Attempt, now=None, auto: bool = False, by_student: bool = False) -> Attempt:
    """Score and close the attempt, once, however many requests ask at the same time; returns it as saved.

    by_student: the student asked (the submit button, or the page's timer), and is refused (NotInClass) once they
    are no longer in the class or the class is archived. Time running out and the teacher closing the quiz still
    submit it as it stands.

    Hand-written SQL (quizzes.attempts.queries), as each answer is: a class submits at the bell, and the ORM's
    lock, sum and save doubled the submit's time in the classroom benchmark."""
    now = now or timezone.now()
    with transaction.atomic():
        # The total is read after the lock is held, in a statement of its own, so it sees every answer saved
        # before this submit (an answer locks the same row: see response_record).
        locked = queries.lock_attempt(attempt.pk)
        if locked.submitted:
            attempt.refresh_from_db()
            return attempt
        if by_student and not locked.student_in_class:
            raise NotInClass.for_classroom(attempt.assignment.classroom_id)
        attempt.score = locked.total
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
    return _submit_if_over(attempt, attempt.time_is_up(now), now)


def submit_if_expired(attempt: Attempt, now=None) -> bool:
    """Submit a timed attempt whose time and grace period have run out; True when it is (now) submitted."""
    return _submit_if_over(attempt, attempt.is_expired(now), now)


def _submit_if_over(attempt: Attempt, over: bool, now) -> bool:
    if attempt.is_submitted:
        return True
    if over:
        attempt_submit(attempt=attempt, now=now, auto=True)
        attempt.refresh_from_db()
        return True
    return False
