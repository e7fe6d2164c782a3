"""Reads for the quiz-set builder: a teacher's sets, browsing the bank, a set's contents and its preview."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from quizzes.authoring.draw import Rule, draw_random, rule_match_count
from quizzes.bank.presentation import QuestionPreview, present
from quizzes.bank.types import question_type
from quizzes.models import Citation, Question, QuizSet, QuizSetItem

BANK_PAGE_SIZE = 20


def teacher_quiz_sets(user) -> list[QuizSet]:
    """The teacher's sets with their number of questions and total points, in a fixed number of queries."""
    return list(
        QuizSet.objects.filter(owner_id=user.pk)
        .annotate(
            item_count=Count("items"),
            total_points=Coalesce(Sum("items__question__points"), Decimal(0)),
        )
        .prefetch_related("rule_topics", "rule_sources")
        .order_by("title", "id")
    )


def rule_summary(quiz_set: QuizSet) -> str:
    """A random set's rule in words, e.g. "10 drawn at random · votes, people · difficulty 1–2"."""
    parts = [f"{quiz_set.rule_count} drawn at random"]
    topics = [t.name for t in quiz_set.rule_topics.all()]
    sources = [s.author for s in quiz_set.rule_sources.all()]
    types = [Question.Type(t).label for t in quiz_set.rule_types or () if t in Question.Type.values]
    for chosen in (topics, sources, types):
        if chosen:
            parts.append(", ".join(chosen))
    low, high = quiz_set.rule_difficulty_min, quiz_set.rule_difficulty_max
    if (low, high) != (1, 3):
        parts.append(f"difficulty {low}" if low == high else f"difficulty {low}\u2013{high}")
    return " · ".join(parts)


# -- Browsing the bank --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BankFilter:
    """What the teacher is looking for; empty means "any"."""

    text: str = ""
    source_id: int | None = None
    topic_id: int | None = None
    type: str = ""
    difficulty: int | None = None
    skill: str = ""
    whose: str = "all"  # "all", "bank" (the shared bank) or "mine" (the teacher's own questions)


def bank_questions(teacher, wanted: BankFilter) -> QuerySet[Question]:
    """What the teacher may use (the published bank and their own questions) that fits the filter, each once:
    their own questions first, then the bank in its order."""
    questions = Question.objects.usable_by(teacher)
    if wanted.whose == "mine":
        questions = questions.filter(owner_id=teacher.pk)
    elif wanted.whose == "bank":
        questions = questions.filter(owner__isnull=True)
    if wanted.text:
        questions = questions.filter(Q(prompt__icontains=wanted.text) | Q(explanation__icontains=wanted.text))
    if wanted.source_id:
        questions = questions.filter(
            Exists(Citation.objects.filter(question_id=OuterRef("pk"), source_id=wanted.source_id))
        )
    if wanted.topic_id:
        through = Question.topics.through
        questions = questions.filter(
            Exists(through.objects.filter(question_id=OuterRef("pk"), topic_id=wanted.topic_id))
        )
    if wanted.type:
        questions = questions.filter(type=wanted.type)
    if wanted.difficulty:
        questions = questions.filter(difficulty=wanted.difficulty)
    if wanted.skill:
        questions = questions.filter(skill=wanted.skill)
    return questions.order_by(F("owner_id").asc(nulls_last=True), "id")


def bank_page(teacher, wanted: BankFilter, page_number) -> Page:
    """One page of matching questions with their sources, in three queries (count, page, citations)."""
    questions = bank_questions(teacher, wanted).prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("source"))
    )
    return Paginator(questions, BANK_PAGE_SIZE).get_page(page_number)


# -- A set's contents ------------------------------------------------------------------------------------------


@dataclass
class SetContents:
    """A fixed set's questions in order, with what the builder shows about them."""

    items: list[QuizSetItem]

    @property
    def question_ids(self) -> set[int]:
        return {item.question_id for item in self.items}

    @property
    def usable_items(self) -> list[QuizSetItem]:
        return [item for item in self.items if item.question.is_published]

    @property
    def draft_count(self) -> int:
        """Questions unpublished since they were added: attempts leave them out."""
        return len(self.items) - len(self.usable_items)

    @property
    def total_points(self) -> Decimal:
        return sum((item.question.points for item in self.usable_items), Decimal(0))

    @property
    def estimated_seconds(self) -> int:
        return sum(question_type(item.question.type).seconds for item in self.usable_items)

    @property
    def estimated_minutes(self) -> int:
        seconds = self.estimated_seconds
        return max(1, round(seconds / 60)) if seconds else 0


def set_contents(quiz_set: QuizSet) -> SetContents:
    return SetContents(items=list(quiz_set.items.select_related("question").order_by("position", "id")))


@dataclass
class RuleCheck:
    """How many bank questions fit a random set's rule, against how many each attempt draws."""

    count: int
    matching: int

    @property
    def too_few(self) -> bool:
        return self.matching < self.count


def rule_check(rule: Rule) -> RuleCheck:
    return RuleCheck(count=rule.count, matching=rule_match_count(rule))


# -- Preview --------------------------------------------------------------------------------------------------

_ID_ATTRIBUTE = re.compile(r'\b(id|for|aria-labelledby|aria-describedby)="')


@dataclass(kw_only=True)
class PreviewCard(QuestionPreview):
    """A question as a student would see it, with the attributes the question templates read from an
    attempt's card (presentation, values), its place in the set, but no attempt behind it."""

    position: int
    total: int

    @property
    def progress_percent(self) -> int:
        return round(self.position * 100 / self.total) if self.total else 0

    @property
    def controls(self) -> SafeString:
        """The student's answer controls, from the students' own template, with ids made unique per question
        so that a whole set can share one page."""
        html = render_to_string(self.presentation.template, {"card": self})
        # Safe: the template escaped every value; the substitution only prefixes attribute values.
        return mark_safe(_ID_ATTRIBUTE.sub(rf'\1="q{self.position}-', html))


@dataclass
class Preview:
    cards: list[PreviewCard]
    seed: int
    skipped_drafts: int = 0


def set_preview(quiz_set: QuizSet, *, seed: int) -> Preview:
    """The set's questions as an attempt would show them: a fixed set's published questions in order, or one
    sample draw of a random set. Nothing is written: no attempt is made."""
    skipped = 0
    if quiz_set.is_random:
        ids = [q.pk for q in draw_random(quiz_set, seed)]
    else:
        items = list(quiz_set.items.select_related("question").order_by("position", "id"))
        ids = [item.question_id for item in items if item.question.is_published]
        skipped = len(items) - len(ids)
    by_id = Question.objects.with_answers().in_bulk(ids)
    questions = [by_id[pk] for pk in ids if pk in by_id]
    cards = [
        PreviewCard(
            presentation=present(question, seed=seed, shuffle_choices=True),
            position=n,
            total=len(questions),
        )
        for n, question in enumerate(questions, start=1)
    ]
    return Preview(cards=cards, seed=seed, skipped_drafts=skipped)
