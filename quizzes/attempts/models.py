"""A student's attempt at an assignment and the response to each of its questions."""

import random

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 2**31)


class AttemptQuerySet(models.QuerySet):
    def in_progress(self):
        return self.filter(submitted_at__isnull=True)

    def submitted(self):
        return self.filter(submitted_at__isnull=False)


class Attempt(models.Model):
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
