"""Reads that pages need, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from quizzes.attempts import queries as rows
from quizzes.attempts.terms import Terms, terms_for
from quizzes.bank.models import PART_RELATIONS
from quizzes.bank.types import question_type
from quizzes.models import Accommodation, Assignment, Attempt, Enrollment, Response
from quizzes.permissions import review_visible


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
    """The open assignments of the student's classes, soonest due first, each with the student's attempts and
    accommodation: three queries of hand-written SQL (see quizzes.attempts.queries), two when nothing is assigned."""
    now = now or timezone.now()
    assignments = rows.select(
        Assignment,
        'classroom."archived_at" IS NULL AND t."closed_at" IS NULL AND EXISTS (SELECT 1 FROM '
        f'{rows.table(Enrollment)} e WHERE e."classroom_id" = t."classroom_id" AND e."student_id" = %s '
        'AND e."left_at" IS NULL)',
        [student.pk],
        related=["quiz_set", "classroom"],
        order='t."due_at", t."id"',
    )
    if not assignments:
        return []
    ids = [a.pk for a in assignments]
    mine = f't."student_id" = %s AND t."assignment_id" IN ({rows.placeholders(ids)})'
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in rows.select(Attempt, mine, [student.pk, *ids], order='t."number"'):
        attempts[attempt.assignment_id].append(attempt)
    accommodations = {a.assignment_id: a for a in rows.select(Accommodation, mine, [student.pk, *ids])}
    return [
        AssignmentCard(
            assignment=a,
            attempts=attempts[a.pk],
            terms=terms_for(a, student, accommodations.get(a.pk)),
            now=now,
        )
        for a in assignments
    ]


def assignment_with_class(pk: int) -> Assignment:
    """The assignment with its class and quiz set, or 404 (whether the user may start it is attempt_start's)."""
    found = rows.select(Assignment, 't."id" = %s', [pk], related=["classroom", "quiz_set"])
    if not found:
        raise Http404("There is no such assignment.")
    return found[0]


ATTEMPT_RELATED = ("assignment", "assignment__quiz_set")
POSITION_COLUMNS = ('r."position"', 'r."answered_at" IS NOT NULL')


def student_attempt(user, pk: int) -> Attempt:
    """The user's own attempt with its assignment and quiz set, or 404: other students' attempts do not exist
    for them. Every quiz request starts here, so it is one query of hand-written SQL (see quizzes.attempts.queries)."""
    found = rows.select(Attempt, 't."id" = %s AND t."student_id" = %s', [pk, user.pk], related=ATTEMPT_RELATED)
    if not found:
        raise Http404("You have no such attempt.")
    return found[0]


def student_attempt_and_positions(user, pk: int) -> tuple[Attempt, list[tuple[int, bool]]]:
    """student_attempt, and each position of the attempt with whether it has an answer, in one query (a row per
    position): the quiz page and every answer need both."""
    found = rows.fetch(
        f"{rows.select_sql(Attempt, ATTEMPT_RELATED, extra=POSITION_COLUMNS)} "
        f'LEFT JOIN {rows.table(Response)} r ON r."attempt_id" = t."id" '
        f'WHERE t."id" = %s AND t."student_id" = %s ORDER BY r."position"',
        [pk, user.pk],
    )
    if not found:
        raise Http404("You have no such attempt.")
    positions = [(row[-2], bool(row[-1])) for row in found if row[-2] is not None]
    return rows.build_related(Attempt, ATTEMPT_RELATED, found[0]), positions


def _responses_with_questions(attempt: Attempt, positions: list[int] | None = None) -> list[Response]:
    """The attempt's responses in order (or those at the given positions, in that order), each with its
    question's own fields."""
    where, params = 't."attempt_id" = %s', [attempt.pk]
    if positions is not None:
        where += f' AND t."position" IN ({rows.placeholders(positions)})'
        params += positions
    responses = rows.select(Response, where, params, related=["question"], order='t."position"')
    for response in responses:
        rows.cache_related(response, "attempt", attempt)
    if positions is not None:
        responses.sort(key=lambda r: positions.index(r.position))
    return responses


def responses_at(attempt: Attempt, positions: list[int]) -> list[Response]:
    """The responses at these positions, in the order given, with their questions' own fields; 404 when the
    attempt lacks one of them."""
    found = _responses_with_questions(attempt, positions)
    if len(found) != len(set(positions)):
        raise Http404("This quiz has no such question.")
    return found


def attempt_questions(attempt: Attempt) -> list[Response]:
    """Every response of the attempt in order, with its question's own fields (one query, no parts)."""
    return _responses_with_questions(attempt)


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
        needing = [q for q in questions if relation in question_type(q.type).parts]
        if needing:
            rows.prefetch_children(needing, relation)
    if citations and questions:
        rows.prefetch_children(questions, "citations", select_related=["source"])
