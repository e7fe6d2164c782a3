"""Random quiz sets: the rule a set draws by, the bank questions that fit it, and one attempt's draw."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from quizzes.models import Citation, Question, QuizSet


@dataclass(frozen=True)
class Rule:
    """What a random set draws from: the published shared bank, narrowed by topics, sources, types, difficulty.

    Empty topics, sources or types mean "any"."""

    count: int = 10
    topic_ids: frozenset[int] = field(default_factory=frozenset)
    source_ids: frozenset[int] = field(default_factory=frozenset)
    types: tuple[str, ...] = ()
    difficulty_min: int = 1
    difficulty_max: int = 3

    @classmethod
    def of(cls, quiz_set: QuizSet) -> Rule:
        """The set's saved rule; uses prefetched rule_topics/rule_sources when there are any."""
        return cls(
            count=quiz_set.rule_count,
            topic_ids=frozenset(t.pk for t in quiz_set.rule_topics.all()),
            source_ids=frozenset(s.pk for s in quiz_set.rule_sources.all()),
            types=tuple(quiz_set.rule_types or ()),
            difficulty_min=quiz_set.rule_difficulty_min,
            difficulty_max=quiz_set.rule_difficulty_max,
        )


def rule_questions(rule: Rule) -> QuerySet[Question]:
    """Every question a rule may draw, each once (subqueries, not joins, so no duplicates and no DISTINCT)."""
    candidates = (
        Question.objects.published()
        .bank()
        .filter(difficulty__gte=rule.difficulty_min, difficulty__lte=rule.difficulty_max)
    )
    if rule.topic_ids:
        through = Question.topics.through
        candidates = candidates.filter(
            Exists(through.objects.filter(question_id=OuterRef("pk"), topic_id__in=rule.topic_ids))
        )
    if rule.source_ids:
        candidates = candidates.filter(
            Exists(Citation.objects.filter(question_id=OuterRef("pk"), source_id__in=rule.source_ids))
        )
    if rule.types:
        candidates = candidates.filter(type__in=rule.types)
    return candidates


def rule_match_count(rule: Rule) -> int:
    """How many bank questions fit the rule, in one query."""
    return rule_questions(rule).count()


def draw_random(quiz_set: QuizSet, seed: int) -> list[Question]:
    """A random set's own questions for one attempt: rule_count published bank questions that fit the rule."""
    rule = Rule.of(quiz_set)
    ids = sorted(rule_questions(rule).values_list("id", flat=True))
    chosen = random.Random(seed).sample(ids, min(rule.count, len(ids)))
    by_id = Question.objects.in_bulk(chosen)
    return [by_id[i] for i in chosen]
