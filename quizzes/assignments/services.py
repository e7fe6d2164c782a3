"""Assignments: giving a set to classes, changing their settings, closing and reopening them, accommodations.

What happens to attempts already under way when the settings change (see `attempts_recap`):
- extending never hurts: a longer time limit, a later due date or more extra time lengthens them too;
- a shorter time limit never shortens them: the student started under the old one;
- a due date with late work refused is a hard stop: moving it earlier, or switching late work off, ends them at
  the new due date (never before the moment of the change, and with the usual grace period);
- attempts whose time had already run out stay over.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quizzes.attempts.services import attempt_submit
from quizzes.attempts.terms import terms_for
from quizzes.models import (
    Accommodation,
    Assignment,
    Attempt,
    Classroom,
    QuizSet,
    User,
)
from quizzes.permissions import can_assign_quiz_set, can_assign_to, is_current_student


class AssignmentError(ValueError):
    """The change cannot be made; the message is shown to the teacher."""


class AssignmentUnchanged(AssignmentError):
    """There was nothing to do (closing a closed assignment, reopening an open one): a double click, or a page
    left open while someone else made the change. The message says so."""


@dataclass(frozen=True)
class AssignmentSettings:
    """Everything a teacher chooses about an assignment, beyond its set and class."""

    title: str
    opens_at: datetime
    due_at: datetime | None
    time_limit_minutes: int | None
    attempts_allowed: int
    counting: str
    shuffle_questions: bool
    shuffle_choices: bool
    feedback: str
    show_correct_answers: bool
    allow_late: bool
    review_when_done: bool = False

    @classmethod
    def of(cls, assignment: Assignment) -> AssignmentSettings:
        return cls(**{field.name: getattr(assignment, field.name) for field in fields(cls)})

    @classmethod
    def from_cleaned(cls, cleaned: dict) -> AssignmentSettings:
        return cls(**{field.name: cleaned[field.name] for field in fields(cls)})

    def check(self) -> None:
        if self.due_at is not None and self.due_at <= self.opens_at:
            raise AssignmentError("The due date must be after the quiz opens.")
        if self.feedback == Assignment.Feedback.AFTER_DUE and self.due_at is None:
            raise AssignmentError("Feedback after the due date needs a due date.")


def _apply(assignment: Assignment, settings: AssignmentSettings) -> None:
    for field in fields(AssignmentSettings):
        setattr(assignment, field.name, getattr(settings, field.name))
    title = settings.title.strip()
    # A title left as the set's own keeps following the set (Assignment.display_title).
    assignment.title = "" if title == assignment.quiz_set.title else title


def assignment_create(
    *, teacher: User, quiz_set: QuizSet, classrooms: list[Classroom], settings: AssignmentSettings
) -> list[Assignment]:
    """One assignment of the set per class, all or none."""
    if not classrooms:
        raise AssignmentError("Choose at least one class.")
    if not all(can_assign_to(teacher, classroom) for classroom in classrooms):
        raise AssignmentError("You can only assign quizzes to your own current classes.")
    if not can_assign_quiz_set(teacher, quiz_set):
        raise AssignmentError("You can only assign your own quiz sets and the shared ones.")
    settings.check()
    created = []
    with transaction.atomic():
        for classroom in sorted(classrooms, key=lambda c: (c.name, c.pk)):
            assignment = Assignment(quiz_set=quiz_set, classroom=classroom)
            _apply(assignment, settings)
            assignment.save()
            created.append(assignment)
    return created


def assignment_update(*, assignment: Assignment, settings: AssignmentSettings, now=None) -> Assignment:
    """Save new settings and bring the attempts under way in line with them (see the module's rule)."""
    settings.check()
    now = now or timezone.now()
    with transaction.atomic():
        _apply(assignment, settings)
        assignment.save()
        attempts_recap(assignment=assignment, now=now)
    return assignment


def attempts_recap(*, assignment: Assignment, student: User | None = None, now=None) -> int:
    """Move the deadlines of attempts under way to what the current terms give; how many moved."""
    now = now or timezone.now()
    attempts = Attempt.objects.in_progress().filter(assignment=assignment)
    if student is not None:
        attempts = attempts.filter(student=student)
    accommodations = {a.student_id: a for a in Accommodation.objects.filter(assignment=assignment)}
    moved = 0
    for attempt in attempts:
        if attempt.is_expired(now):
            continue
        terms = terms_for(assignment, attempt.student_id, accommodations.get(attempt.student_id))
        deadline = terms.recapped_deadline(attempt.deadline, attempt.started_at, now)
        if deadline != attempt.deadline:
            moved += Attempt.objects.in_progress().filter(pk=attempt.pk).update(deadline=deadline)
    return moved


def assignment_close(*, assignment: Assignment, now=None) -> int:
    """Close early: no new attempts, and attempts under way are submitted with the answers they have.
    Returns how many were submitted; closing a closed assignment changes nothing (AssignmentUnchanged)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.closed_at is not None:
            assignment.closed_at = locked.closed_at
            raise AssignmentUnchanged("This assignment was already closed.")
        locked.closed_at = assignment.closed_at = now
        locked.save(update_fields=["closed_at"])
        under_way = list(Attempt.objects.in_progress().filter(assignment=assignment))
        for attempt in under_way:
            attempt_submit(attempt=attempt, now=now, auto=True)
    return len(under_way)


def assignment_reopen(*, assignment: Assignment, due_at: datetime | None = None, now=None) -> Assignment:
    """Open a closed assignment again; past its due date it needs a new one, later than now."""
    now = now or timezone.now()
    if assignment.closed_at is None:
        raise AssignmentUnchanged("This assignment is already open.")
    if due_at is None and assignment.is_past_due(now):
        raise AssignmentError("The due date has passed: give a new due date to reopen the quiz.")
    if due_at is not None and due_at <= now:
        raise AssignmentError("The new due date must be in the future.")
    if due_at is not None and due_at <= assignment.opens_at:
        raise AssignmentError("The due date must be after the quiz opens.")
    with transaction.atomic():
        assignment.closed_at = None
        if due_at is not None:
            assignment.due_at = due_at
        assignment.save(update_fields=["closed_at", "due_at"])
    return assignment


@dataclass(frozen=True)
class AccommodationTerms:
    """What a teacher gives one student; all zero and no date means nothing beyond the assignment."""

    extra_time_percent: int = 0
    extra_time_minutes: int = 0
    extra_attempts: int = 0
    due_at: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.extra_time_percent or self.extra_time_minutes or self.extra_attempts or self.due_at)


MAX_EXTRA_TIME_PERCENT = 400
MAX_EXTRA_TIME_MINUTES = 600
MAX_EXTRA_ATTEMPTS = 20


def accommodation_set(
    *, assignment: Assignment, student: User, terms: AccommodationTerms, now=None
) -> Accommodation | None:
    """Give the student these terms (or remove their accommodation when the terms are empty).
    Attempts under way get the extra time at once; an earlier personal due date follows the module's rule."""
    if not is_current_student(student, assignment.classroom_id):
        raise AssignmentError("That student is not in this class.")
    if not 0 <= terms.extra_time_percent <= MAX_EXTRA_TIME_PERCENT:
        raise AssignmentError(f"Extra time in percent must be between 0 and {MAX_EXTRA_TIME_PERCENT}.")
    if not 0 <= terms.extra_time_minutes <= MAX_EXTRA_TIME_MINUTES:
        raise AssignmentError(f"Extra time in minutes must be between 0 and {MAX_EXTRA_TIME_MINUTES}.")
    if not 0 <= terms.extra_attempts <= MAX_EXTRA_ATTEMPTS:
        raise AssignmentError(f"Extra attempts must be between 0 and {MAX_EXTRA_ATTEMPTS}.")
    if terms.due_at is not None and terms.due_at <= assignment.opens_at:
        raise AssignmentError("A personal due date must be after the quiz opens.")
    with transaction.atomic():
        if terms.is_empty:
            Accommodation.objects.filter(assignment=assignment, student=student).delete()
            accommodation = None
        else:
            accommodation, _ = Accommodation.objects.update_or_create(
                assignment=assignment,
                student=student,
                defaults={field.name: getattr(terms, field.name) for field in fields(AccommodationTerms)},
            )
        attempts_recap(assignment=assignment, student=student, now=now)
    return accommodation
