"""Classes, their students, quiz sets and the assignments that give a set to a class."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# No 0/O, 1/I/L: codes are read off a projector and typed by students.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(code: str) -> str:
    return "".join(str(code).split()).replace("-", "").upper()


class Classroom(models.Model):
    name = models.CharField(max_length=100)
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="taught_classes")
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Enrollment", related_name="classes", blank=True
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnrollmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_at__isnull=True)


class Enrollment(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True, help_text="Set when the student left or was removed.")

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["classroom", "student"], name="enrollment_unique")]

    def __str__(self) -> str:
        return f"{self.student} in {self.classroom}"


class QuizSet(models.Model):
    """A fixed, ordered list of questions, or a rule from which each attempt draws its own."""

    class Kind(models.TextChoices):
        FIXED = "fixed", "A fixed list of questions"
        RANDOM = "random", "Drawn at random by a rule"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="quiz_sets"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FIXED)
    questions = models.ManyToManyField("quizzes.Question", through="QuizSetItem", related_name="quiz_sets")
    rule_count = models.PositiveSmallIntegerField(default=10, help_text="Random sets: how many questions to draw.")
    rule_topics = models.ManyToManyField("quizzes.Topic", blank=True, related_name="+", help_text="Any of these.")
    rule_sources = models.ManyToManyField("quizzes.Source", blank=True, related_name="+", help_text="Any of these.")
    rule_types = models.JSONField(default=list, blank=True, help_text="Question types to draw from; empty for all.")
    rule_difficulty_min = models.PositiveSmallIntegerField(default=1)
    rule_difficulty_max = models.PositiveSmallIntegerField(default=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rule_difficulty_min__gte=1, rule_difficulty_max__lte=3)
                & Q(rule_difficulty_min__lte=models.F("rule_difficulty_max")),
                name="quiz_set_rule_difficulty_range",
            ),
            models.CheckConstraint(condition=Q(rule_count__gte=1), name="quiz_set_rule_count_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_random(self) -> bool:
        return self.kind == self.Kind.RANDOM


class QuizSetItem(models.Model):
    quiz_set = models.ForeignKey(QuizSet, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey("quizzes.Question", on_delete=models.PROTECT, related_name="quiz_set_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["quiz_set", "question"], name="quiz_set_item_unique")]

    def __str__(self) -> str:
        return f"{self.quiz_set} #{self.position}"


class AssignmentQuerySet(models.QuerySet):
    def for_student(self, student):
        return self.filter(
            classroom__enrollments__student=student,
            classroom__enrollments__left_at__isnull=True,
            classroom__archived_at__isnull=True,
        )


class Assignment(models.Model):
    class Feedback(models.TextChoices):
        EACH_QUESTION = "each", "After each question"
        AFTER_SUBMISSION = "submission", "After submission"
        AFTER_DUE = "due", "After the due date"
        NEVER = "never", "Never"

    class Counting(models.TextChoices):
        HIGHEST = "highest", "Highest attempt"
        LATEST = "latest", "Latest attempt"
        AVERAGE = "average", "Average of attempts"

    quiz_set = models.ForeignKey(QuizSet, on_delete=models.PROTECT, related_name="assignments")
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
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
    def time_limit(self) -> timedelta | None:
        return timedelta(minutes=self.time_limit_minutes) if self.time_limit_minutes else None

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.closed_at or now < self.opens_at:
            return False
        return self.allow_late or self.due_at is None or now < self.due_at

    def is_past_due(self, now=None) -> bool:
        return self.due_at is not None and (now or timezone.now()) >= self.due_at


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
