"""Quiz sets: a fixed list of bank questions, or a rule from which each attempt draws its own."""

from django.conf import settings
from django.db import models
from django.db.models import Q


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
