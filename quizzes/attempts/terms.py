"""When an assignment is open, due and late for one student (their accommodation applied) or for its class: the one
definition that starting, answering, the dashboard, the assignment's status, results and review visibility use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from quizzes.attempts.models import grace
from quizzes.models import Accommodation, Assignment

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
