"""The terms one student has for one assignment: its settings with their accommodation applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from quizzes.attempts import queries as rows
from quizzes.models import Accommodation, Assignment

_UNSET = object()


@dataclass(frozen=True)
class Terms:
    opens_at: datetime
    due_at: datetime | None
    time_limit: timedelta | None
    attempts_allowed: int
    allow_late: bool
    closed: bool

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.closed or now < self.opens_at:
            return False
        return self.allow_late or self.due_at is None or now < self.due_at

    def is_past_due(self, now=None) -> bool:
        return self.due_at is not None and (now or timezone.now()) >= self.due_at

    def deadline(self, started_at: datetime) -> datetime | None:
        """When an attempt started then must end: the time limit, and the due date when late work is refused."""
        deadline = started_at + self.time_limit if self.time_limit else None
        if self.due_at and not self.allow_late and (deadline is None or self.due_at < deadline):
            deadline = self.due_at
        return deadline


def terms_for(assignment: Assignment, student, accommodation=_UNSET) -> Terms:
    """Pass the accommodation (or None) when it is already loaded, to save the query."""
    if accommodation is _UNSET:
        student_id = getattr(student, "pk", student)
        found = rows.select(Accommodation, '"assignment_id" = %s AND "student_id" = %s', [assignment.pk, student_id])
        accommodation = found[0] if found else None
    time_limit = assignment.time_limit
    attempts = assignment.attempts_allowed
    due_at = assignment.due_at
    if accommodation is not None:
        if time_limit:
            time_limit += time_limit * accommodation.extra_time_percent / 100
            time_limit += timedelta(minutes=accommodation.extra_time_minutes)
        attempts += accommodation.extra_attempts
        due_at = accommodation.due_at or due_at
    return Terms(
        opens_at=assignment.opens_at,
        due_at=due_at,
        time_limit=time_limit,
        attempts_allowed=attempts,
        allow_late=assignment.allow_late,
        closed=assignment.closed_at is not None,
    )
