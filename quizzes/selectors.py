"""Reads that pages need, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone

from quizzes.models import Accommodation, Assignment, Attempt, Citation, Response
from quizzes.models.bank import PART_RELATIONS, PARTS_BY_TYPE
from quizzes.permissions import review_visible
from quizzes.terms import Terms, terms_for


@dataclass
class AssignmentCard:
    """One assignment on a student's dashboard."""

    assignment: Assignment
    attempts: list[Attempt]
    terms: Terms
    now: object

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
        return latest if latest and review_visible(latest, self.now) else None

    @property
    def status(self) -> str:
        if self.in_progress:
            return "in_progress"
        if self.submitted:
            return "submitted"
        return "not_started"

    @property
    def attempts_left(self) -> int:
        return max(0, self.terms.attempts_allowed - len(self.attempts))

    @property
    def can_start(self) -> bool:
        return bool(self.in_progress) or (self.attempts_left > 0 and self.terms.is_open(self.now))

    @property
    def not_open_yet(self) -> bool:
        return self.now < self.assignment.opens_at


def student_assignment_cards(student, now=None) -> list[AssignmentCard]:
    now = now or timezone.now()
    assignments = (
        Assignment.objects.for_student(student)
        .filter(closed_at__isnull=True)
        .select_related("quiz_set", "classroom")
        .prefetch_related(
            Prefetch("attempts", queryset=Attempt.objects.filter(student=student), to_attr="mine"),
            Prefetch(
                "accommodations", queryset=Accommodation.objects.filter(student=student), to_attr="my_accommodation"
            ),
        )
        .order_by("due_at", "id")
        .distinct()
    )
    return [
        AssignmentCard(
            assignment=a,
            attempts=a.mine,
            terms=terms_for(a, student, a.my_accommodation[0] if a.my_accommodation else None),
            now=now,
        )
        for a in assignments
    ]


def student_attempt(user, pk: int) -> Attempt:
    """The user's own attempt, or 404: other students' attempts do not exist for them."""
    return get_object_or_404(Attempt.objects.select_related("assignment__quiz_set"), pk=pk, student=user)


def attempt_positions(attempt: Attempt) -> list[tuple[int, bool]]:
    """Each position of the attempt with whether it has an answer (one light query: no model objects)."""
    return [
        (position, answered_at is not None)
        for position, answered_at in attempt.responses.order_by("position").values_list("position", "answered_at")
    ]


def response_with_question(attempt: Attempt, position: int) -> Response:
    """One response of the attempt with its question's own fields (parts: load_question_parts), or 404."""
    return get_object_or_404(attempt.responses.select_related("question"), position=position)


def attempt_questions(attempt: Attempt) -> list[Response]:
    """Every response of the attempt in order, with its question's own fields (one query, no parts)."""
    return list(attempt.responses.select_related("question").order_by("position"))


def attempt_responses(attempt: Attempt) -> list[Response]:
    """Every response of the attempt with its question and what grading and display need."""
    responses = attempt_questions(attempt)
    load_question_parts([r.question for r in responses])
    return responses


def load_question_parts(questions, *, citations: bool = True) -> None:
    """Prefetch onto already loaded questions the parts their types use (a query per relation some question
    needs) and, when asked, their citations with sources (one more). Constant in the number of questions."""
    questions = list(questions)
    for relation in PART_RELATIONS:
        needing = [q for q in questions if relation in PARTS_BY_TYPE.get(q.type, ())]
        if needing:
            prefetch_related_objects(needing, relation)
    if citations and questions:
        prefetch_related_objects(questions, Prefetch("citations", queryset=Citation.objects.select_related("source")))
