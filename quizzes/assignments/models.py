"""Assignments give a quiz set to a class with its settings; accommodations change them for one student."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AssignmentQuerySet(models.QuerySet):
    def for_student(self, student):
        """The assignments of the classes the student is in now, classes not archived (the dashboard's)."""
        return self.filter(
            classroom__enrollments__student=student,
            classroom__enrollments__left_at__isnull=True,
            classroom__archived_at__isnull=True,
        )

    def not_closed(self):
        """Not closed early by the teacher."""
        return self.filter(closed_at__isnull=True)


class Assignment(models.Model):
    class Status(models.TextChoices):
        """Where an assignment stands for its class (see Terms.status; a student's own due date may differ)."""

        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open"
        PAST_DUE = "past_due", "Past due"
        CLOSED = "closed", "Closed"

    class Feedback(models.TextChoices):
        EACH_QUESTION = "each", "After each question"
        AFTER_SUBMISSION = "submission", "After submission"
        AFTER_DUE = "due", "After the due date"
        NEVER = "never", "Never"

    class Counting(models.TextChoices):
        HIGHEST = "highest", "Highest attempt"
        LATEST = "latest", "Latest attempt"
        AVERAGE = "average", "Average of attempts"

    quiz_set = models.ForeignKey("quizzes.QuizSet", on_delete=models.PROTECT, related_name="assignments")
    classroom = models.ForeignKey("quizzes.Classroom", on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=200, blank=True, help_text="Defaults to the quiz set's title.")
    opens_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(default=1)
    counting = models.CharField(max_length=10, choices=Counting.choices, default=Counting.HIGHEST)
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(default=True)
    feedback = models.CharField(max_length=12, choices=Feedback.choices, default=Feedback.EACH_QUESTION)
    show_correct_answers = models.BooleanField(default=True, help_text="Show the right answers in review.")
    review_when_done = models.BooleanField(
        default=False,
        help_text=(
            "With feedback after the due date: show each student their feedback once they can no longer answer, "
            "even while classmates still can (a later personal due date, an attempt under way, late work)."
        ),
    )
    allow_late = models.BooleanField(default=True, help_text="Accept (and mark late) answers after the due date.")
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Closed early by the teacher.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(attempts_allowed__gte=1), name="assignment_attempts_at_least_1"),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__isnull=True) | Q(time_limit_minutes__gte=1),
                name="assignment_time_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True) | Q(due_at__gt=models.F("opens_at")),
                name="assignment_due_after_open",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or self.quiz_set.title

    @property
    def feedback_after_each_question(self) -> bool:
        """The student sees whether each answer was right as soon as it is saved, and cannot change it then."""
        return self.feedback == self.Feedback.EACH_QUESTION

    @property
    def time_limit(self) -> timedelta | None:
        return timedelta(minutes=self.time_limit_minutes) if self.time_limit_minutes else None

    @property
    def terms(self):
        """The class's terms, without anyone's accommodation: the one definition of open, due and late."""
        from quizzes.attempts.terms import Terms  # here: terms.py imports this module

        return Terms.of(self)

    def status(self, now=None) -> Assignment.Status:
        return self.terms.status(now)

    def is_open(self, now=None) -> bool:
        return self.terms.is_open(now)

    def is_past_due(self, now=None) -> bool:
        return self.terms.is_past_due(now)

    def after_due_unlocked_for(self, student, now=None) -> bool:
        """Whether feedback after the due date is unlocked for the student now (one query: the rule is
        quizzes.attempts.terms.after_due_unlocked)."""
        from quizzes.attempts.terms import after_due_unlocked  # here: terms.py imports this module

        return self.pk in after_due_unlocked(student, [self], now)


class Accommodation(models.Model):
    """What one student gets beyond an assignment's settings: extra time, extra attempts, their own due date."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="accommodations")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accommodations")
    extra_time_percent = models.PositiveSmallIntegerField(default=0, help_text="Added to the time limit, in percent.")
    extra_time_minutes = models.PositiveSmallIntegerField(default=0, help_text="Added to the time limit, in minutes.")
    extra_attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True, help_text="This student's own due date.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "student"], name="accommodation_unique")]

    def __str__(self) -> str:
        return f"{self.student} · {self.assignment}"
