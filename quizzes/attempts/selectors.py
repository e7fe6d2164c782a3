"""Reads that pages need, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from quizzes.attempts import queries
from quizzes.attempts.content import with_content
from quizzes.attempts.terms import Terms, after_due_unlocked, terms_for
from quizzes.models import Assignment, Attempt, Response
from quizzes.permissions import review_visible


@dataclass
class AssignmentCard:
    """One assignment on a student's dashboard."""

    assignment: Assignment
    attempts: list[Attempt]
    terms: Terms
    now: object
    after_due_unlocked: bool = False  # terms.after_due_unlocked, decided for all the cards at once

    @property
    def in_progress(self) -> Attempt | None:
        return next((a for a in self.attempts if not a.is_submitted), None)

    @property
    def submitted(self) -> list[Attempt]:
        return [a for a in self.attempts if a.is_submitted]

    @property
    def latest_submitted(self) -> Attempt | None:
        submitted = self.submitted
        return submitted[-1] if submitted else None

    @property
    def score_to_show(self) -> Attempt | None:
        """The latest submitted attempt, when the feedback policy lets the student see its score."""
        latest = self.latest_submitted
        visible = latest and review_visible(latest, self.now, after_due_unlocked=self.after_due_unlocked)
        return latest if visible else None

    @property
    def is_done(self) -> bool:
        """The student can no longer score here (Terms.is_done), from what the card holds."""
        answering = any(not a.is_submitted and not a.is_expired(self.now) for a in self.attempts)
        return self.terms.is_done(self.now, made=len(self.attempts), answering=answering)

    @property
    def status(self) -> Attempt.State:
        """In progress while an attempt is; submitted (on time or late) once one is."""
        if self.in_progress:
            return Attempt.State.IN_PROGRESS
        if self.submitted:
            return Attempt.State.SUBMITTED
        return Attempt.State.NOT_STARTED

    @property
    def attempts_left(self) -> int:
        return self.terms.attempts_left(len(self.attempts))

    @property
    def can_start(self) -> bool:
        return bool(self.in_progress) or (self.attempts_left > 0 and self.terms.is_open(self.now))

    @property
    def not_open_yet(self) -> bool:
        return self.terms.status(self.now) == Assignment.Status.SCHEDULED


def student_assignment_cards(student, now=None) -> list[AssignmentCard]:
    """The assignments of the student's classes not closed, soonest due first, each with the student's attempts and
    accommodation: three queries of hand-written SQL (queries.dashboard: every student of a class loads it at the
    same moment), one when nothing is assigned; and one more, only when a submitted score waits for feedback after
    the due date and the student is done with that quiz (terms.after_due_unlocked, for all such cards at once)."""
    now = now or timezone.now()
    assignments, found, accommodated = queries.dashboard(student.pk)
    by_pk = {a.pk: a for a in assignments}
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in found:
        attempt.assignment = by_pk[attempt.assignment_id]  # the feedback policy reads it: no query per attempt
        attempts[attempt.assignment_id].append(attempt)
    accommodations = {a.assignment_id: a for a in accommodated}
    cards = [
        AssignmentCard(
            assignment=a,
            attempts=attempts[a.pk],
            terms=terms_for(a, student, accommodations.get(a.pk)),
            now=now,
        )
        for a in assignments
    ]
    waiting = [
        card
        for card in cards
        if card.assignment.feedback == Assignment.Feedback.AFTER_DUE and card.latest_submitted and card.is_done
    ]
    unlocked = after_due_unlocked(student, [card.assignment for card in waiting], now)
    for card in waiting:
        card.after_due_unlocked = card.assignment.pk in unlocked
    return cards


def student_attempt(user, pk: int) -> Attempt:
    """The user's own attempt with its assignment and quiz set, or 404: other students' attempts do not exist
    for them. The finish, submit and results pages start here: the quiz pages' statement, positions unused."""
    return student_attempt_and_positions(user, pk)[0]


def student_attempt_and_positions(user, pk: int) -> tuple[Attempt, list[tuple[int, bool]]]:
    """student_attempt, and each position of the attempt with whether it has an answer, in one query of
    hand-written SQL (see quizzes.attempts.queries): every quiz page and every answer start here."""
    found = queries.attempt_and_positions(pk, user.pk)
    if found is None:
        raise Http404("You have no such attempt.")
    return found


def responses_at(attempt: Attempt, positions: list[int], *, citations: bool) -> list[Response]:
    """The responses at one or two positions, in the order given, each with its question and the question's
    content (citations when asked): hand-written SQL, question content from the cache (quizzes.attempts.content).
    404 when the attempt lacks one of them."""
    found = queries.responses_at(attempt, positions)
    if len(found) != len(set(positions)):
        raise Http404("This quiz has no such question.")
    found.sort(key=lambda r: positions.index(r.position))
    _attach_content(found, citations=citations)
    return found


def attempt_questions(attempt: Attempt) -> list[Response]:
    """Every response of the attempt in order, with its question's own fields (one query of hand-written SQL, no
    parts): the review and results pages, which a whole class opens at the bell."""
    return queries.responses_of(attempt)


def attempt_responses(attempt: Attempt) -> list[Response]:
    """Every response of the attempt with its question and what grading and display need."""
    responses = attempt_questions(attempt)
    _attach_content(responses, citations=True)
    return responses


def _attach_content(responses: list[Response], *, citations: bool) -> None:
    for response, question in zip(
        responses, with_content([r.question for r in responses], citations=citations), strict=True
    ):
        response.question = question
