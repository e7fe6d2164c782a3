"""When an assignment is open, due and late for one student (their accommodation applied) or for its class: the one
definition that starting, answering, the dashboard, the assignment's status, results and review visibility use.
Here too: when feedback after the due date unlocks (after_due_unlocked), the rule that follows from these terms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, IsNull, LessThan
from django.utils import timezone

from quizzes.attempts.models import grace
from quizzes.models import Accommodation, Assignment, Attempt, Enrollment

_UNSET = object()


@dataclass(frozen=True)
class Terms:
    """When an assignment is open, due and late, and how long and how often it may be taken, for one student (or,
    from Terms.of(assignment), for the class as a whole). Starting, answering, the dashboard, the assignment's
    status, the results and review visibility all ask here."""

    opens_at: datetime
    due_at: datetime | None
    time_limit: timedelta | None
    attempts_allowed: int
    allow_late: bool
    closed: bool

    @classmethod
    def of(cls, assignment: Assignment, accommodation: Accommodation | None = None) -> Terms:
        """The assignment's settings with the accommodation (if any) applied."""
        time_limit = assignment.time_limit
        attempts = assignment.attempts_allowed
        due_at = assignment.due_at
        if accommodation is not None:
            if time_limit:
                time_limit += time_limit * accommodation.extra_time_percent / 100
                time_limit += timedelta(minutes=accommodation.extra_time_minutes)
            attempts += accommodation.extra_attempts
            due_at = accommodation.due_at or due_at
        return cls(
            opens_at=assignment.opens_at,
            due_at=due_at,
            time_limit=time_limit,
            attempts_allowed=attempts,
            allow_late=assignment.allow_late,
            closed=assignment.closed_at is not None,
        )

    def status(self, now: datetime | None = None) -> Assignment.Status:
        now = now or timezone.now()
        if self.closed:
            return Assignment.Status.CLOSED
        if now < self.opens_at:
            return Assignment.Status.SCHEDULED
        if self.is_past_due(now):
            return Assignment.Status.PAST_DUE
        return Assignment.Status.OPEN

    def is_open(self, now: datetime | None = None) -> bool:
        """Whether an attempt may start now: open, or past due with late work accepted."""
        status = self.status(now)
        return status == Assignment.Status.OPEN or (status == Assignment.Status.PAST_DUE and self.allow_late)

    def is_past_due(self, now: datetime | None = None) -> bool:
        """The due date has come (whether or not the assignment is closed)."""
        return self.due_at is not None and (now or timezone.now()) >= self.due_at

    def attempts_left(self, made: int) -> int:
        return max(0, self.attempts_allowed - made)

    def can_still_answer(self, now: datetime, *, made: int, answering: bool) -> bool:
        """Whether the student can still add to their score: an attempt of theirs takes answers (`answering`:
        Attempt.objects.taking_answers), or they may start another (`made`: how many attempts they have)."""
        return answering or (self.is_open(now) and self.attempts_left(made) > 0)

    def is_past_grace(self, now: datetime) -> bool:
        """The due date and the grace period after it have passed: answers sent by the due date have all arrived."""
        return self.due_at is not None and now > self.due_at + grace()

    def is_done(self, now: datetime, *, made: int, answering: bool) -> bool:
        """The student can no longer score: past their due date and the grace period, with no attempt taking
        answers and none left to start. Feedback after the due date waits for this (after_due_unlocked)."""
        return self.is_past_grace(now) and not self.can_still_answer(now, made=made, answering=answering)

    def is_late(self, submitted_at: datetime) -> bool:
        """An attempt submitted then is late: after the due date and the grace period."""
        return self.due_at is not None and submitted_at > self.due_at + grace()

    @property
    def hard_stop(self) -> datetime | None:
        """The due date when late work is refused: no attempt runs past it."""
        return None if self.allow_late else self.due_at

    def deadline(self, started_at: datetime) -> datetime | None:
        """When an attempt started then must end: the time limit, and the due date when late work is refused."""
        deadline = started_at + self.time_limit if self.time_limit else None
        if self.hard_stop and (deadline is None or self.hard_stop < deadline):
            deadline = self.hard_stop
        return deadline

    def recapped_deadline(self, current: datetime | None, started_at: datetime, now: datetime) -> datetime | None:
        """The deadline of an attempt under way once these terms replace the ones it started under: later when
        they give more time, earlier only when a due date with late work refused now falls before it (and then
        not before now)."""
        fresh = self.deadline(started_at)
        deadline = current
        if current is not None and (fresh is None or fresh > current):
            deadline = fresh
        if self.hard_stop is not None:
            hard_stop = max(self.hard_stop, now)
            if deadline is None or hard_stop < deadline:
                deadline = hard_stop
        return deadline


def terms_for(assignment: Assignment, student, accommodation=_UNSET) -> Terms:
    """Pass the accommodation (or None) when it is already loaded, to save the query."""
    if accommodation is _UNSET:
        student_id = getattr(student, "pk", student)
        accommodation = Accommodation.objects.filter(assignment_id=assignment.pk, student_id=student_id).first()
    return Terms.of(assignment, accommodation)


# -- When feedback after the due date unlocks -----------------------------------------------------------------------

# An enrolment of a student who may answer the class's quizzes now (permissions.can_take_assignment): on the roster,
# in a class that is not archived. Students removed, or of an archived class, answer nothing more (their attempts
# under way are refused: queries.ATTEMPT_STUDENT_IN_CLASS).
ENROLMENT_TAKING_PART = Q(left_at__isnull=True, classroom__archived_at__isnull=True)


@dataclass(frozen=True)
class EnrolmentTerms:
    """Terms.can_still_answer and Terms.is_past_grace as conditions on enrolment rows (one per student) for one
    assignment: the twins that answer for a whole class in one query (tests/attempts/test_terms.py checks each
    against Terms, student by student, on each edge)."""

    assignment: Assignment
    now: datetime

    def _attempts(self):
        return Attempt.objects.filter(assignment_id=self.assignment.pk, student_id=OuterRef("student_id"))

    def _accommodation(self, field: str):
        found = Accommodation.objects.filter(assignment_id=self.assignment.pk, student_id=OuterRef("student_id"))
        return Subquery(found.values(field)[:1])

    def _due_at(self):
        """The student's own due date: their accommodation's, else the assignment's (as Terms.of)."""
        return Coalesce(
            self._accommodation("due_at"),
            Value(self.assignment.due_at, output_field=DateTimeField()),
            output_field=DateTimeField(),
        )

    def can_still_answer(self) -> Q:
        """Terms.can_still_answer: an attempt taking answers, or one left to start while the quiz is open to them."""
        answering = Q(Exists(self._attempts().taking_answers(self.now)))
        terms = Terms.of(self.assignment)
        if terms.closed or self.now < terms.opens_at:
            return answering
        made = Coalesce(
            Subquery(self._attempts().order_by().values("student_id").annotate(made=Count("pk")).values("made")),
            Value(0),
            output_field=IntegerField(),
        )
        allowed = Value(terms.attempts_allowed) + Coalesce(
            self._accommodation("extra_attempts"), Value(0), output_field=IntegerField()
        )
        startable = Q(LessThan(made, allowed))
        if not terms.allow_late:
            due_at = self._due_at()
            startable &= Q(IsNull(due_at, True)) | Q(GreaterThan(due_at, self.now))
        return answering | startable

    def before_grace_ends(self) -> Q:
        """not Terms.is_past_grace: no due date, or the due date and grace period not yet over."""
        due_at = self._due_at()
        return Q(IsNull(due_at, True)) | Q(GreaterThanOrEqual(due_at, self.now - grace()))


def after_due_unlocked(student, assignments: Iterable[Assignment], now: datetime | None = None) -> set[int]:
    """Of these assignments, the ids of those whose feedback after the due date (the score, which answers were
    right and the right answers) the student may see now: permissions.review_visible asks here.

    - The student is done (Terms.is_done): past their own due date and the grace period, with no attempt taking
      answers and none left to start (a student no longer taking part in the class can start none).
    - And no student taking part in the class can still answer (Terms.can_still_answer): classmates with a later
      personal due date, an attempt still open or one left to start (late work accepted, extra attempts) would
      otherwise be told the answers. Unless the teacher lets each student who is done see it at once
      (Assignment.review_when_done).

    One aggregate query over the enrolments of the assignments' classes, whatever their size; none for no
    assignments."""
    assignments = list(assignments)
    if not assignments:
        return set()
    now = now or timezone.now()
    student_id = getattr(student, "pk", student)
    counts = {}
    for assignment in assignments:
        terms = EnrolmentTerms(assignment, now)
        class_rows = Q(classroom_id=assignment.classroom_id)
        answering = ENROLMENT_TAKING_PART & terms.can_still_answer()
        not_done = terms.before_grace_ends() | answering
        counts[f"not_done_{assignment.pk}"] = Count("pk", filter=class_rows & Q(student_id=student_id) & not_done)
        if not assignment.review_when_done:
            counts[f"answering_{assignment.pk}"] = Count("pk", filter=class_rows & answering)
    found = (
        Enrollment.objects.filter(classroom_id__in={a.classroom_id for a in assignments})
        .filter(ENROLMENT_TAKING_PART | Q(student_id=student_id))
        .aggregate(**counts)
    )
    return {
        a.pk
        for a in assignments
        if not found[f"not_done_{a.pk}"] and (a.review_when_done or not found[f"answering_{a.pk}"])
    }
