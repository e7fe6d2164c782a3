"""A student's attempt at an assignment and the response to each of its questions.

An attempt's state is decided here and nowhere else: ``Attempt.State`` names it, ``Attempt.state`` reads it from a
loaded attempt, ``AttemptQuerySet.with_state()`` computes the same in the database for many attempts at once, and
``Attempt.is_expired(now)`` says when a timed attempt can take no more answers (its deadline and the grace period).
When an assignment is open, due or late for one student is ``quizzes.attempts.terms.Terms``.
"""

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 2**31)


def grace() -> timedelta:
    """How long after a deadline answers already on their way are still taken."""
    return timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)


class AttemptQuerySet(models.QuerySet):
    def in_progress(self):
        return self.filter(submitted_at__isnull=True)

    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def taking_answers(self, now: datetime):
        """In progress and not expired (Attempt.is_expired): the attempts an answer may still be saved to."""
        return self.in_progress().filter(Q(deadline__isnull=True) | Q(deadline__gte=now - grace()))

    def student_in_class(self):
        """Attempts whose student is in the assignment's class now (not removed, not left) and whose class is not
        archived: the only attempts their student may still answer or submit (permissions.can_answer_attempt). The
        hand-written SQL twin is queries.ATTEMPT_STUDENT_IN_CLASS. One enrolment per class and student, so no
        attempt appears twice."""
        return self.filter(
            student__enrollments__classroom=models.F("assignment__classroom"),
            student__enrollments__left_at__isnull=True,
            assignment__classroom__archived_at__isnull=True,
        )

    def with_state(self):
        """Each attempt annotated with `state`, what Attempt.state gives, computed by the database: many attempts
        then need no datetime or boolean conversion in Python."""
        State = Attempt.State
        return self.annotate(
            state=Case(
                When(submitted_at__isnull=True, then=Value(State.IN_PROGRESS.value)),
                When(is_late=True, then=Value(State.LATE.value)),
                default=Value(State.SUBMITTED.value),
                output_field=models.CharField(),
            )
        )


class Attempt(models.Model):
    class State(models.TextChoices):
        """Where a student stands with an attempt; NOT_STARTED, with an assignment they have no attempt at."""

        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        LATE = "late", "Submitted late"

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    assignment = models.ForeignKey("quizzes.Assignment", on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField(default=1)
    seed = models.PositiveIntegerField(default=new_seed, help_text="Fixes this attempt's shuffles.")
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    deadline = models.DateTimeField(null=True, blank=True, help_text="When a timed attempt ends.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False, help_text="Submitted by the server when time ran out.")
    is_late = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, default=0)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["assignment", "student", "number"]
        constraints = [
            models.UniqueConstraint(fields=["student", "assignment", "number"], name="attempt_number_unique"),
            # At most one attempt in progress per student and assignment, whatever races the browser starts.
            models.UniqueConstraint(
                fields=["student", "assignment"],
                condition=Q(submitted_at__isnull=True),
                name="attempt_one_in_progress",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(score__isnull=False), name="attempt_submitted_has_score"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.assignment} · #{self.number}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def state(self) -> "Attempt.State":
        """What with_state() computes in the database (a test holds the two together)."""
        if self.submitted_at is None:
            return self.State.IN_PROGRESS
        return self.State.LATE if self.is_late else self.State.SUBMITTED

    def time_is_up(self, now: datetime | None = None) -> bool:
        """The deadline has come: the page's timer ends the attempt now."""
        return self.deadline is not None and (now or timezone.now()) >= self.deadline

    def is_expired(self, now: datetime | None = None) -> bool:
        """Past its deadline and the grace period given for answers still on their way: it takes no more answers
        and is submitted as it stands."""
        return self.deadline is not None and (now or timezone.now()) > self.deadline + grace()

    @property
    def percent(self) -> int | None:
        if self.score is None or not self.max_score:
            return None
        return round(self.score * 100 / self.max_score)


class Response(models.Model):
    """A question's place in an attempt and, once answered, the answer given and its grade.

    Rows are made when the attempt starts, so an attempt keeps its own questions and order.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey("quizzes.Question", on_delete=models.PROTECT, related_name="responses")
    position = models.PositiveSmallIntegerField()
    answer = models.JSONField(null=True, blank=True)
    is_correct = models.BooleanField(null=True)
    points = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="response_question_once"),
            models.UniqueConstraint(fields=["attempt", "position"], name="response_position_once"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(points__isnull=False, is_correct__isnull=False),
                name="response_answered_is_graded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · Q{self.position}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
