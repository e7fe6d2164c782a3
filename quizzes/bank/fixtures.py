"""Reading the question bank from fixtures/ into the database, and writing questions back out as dicts.

The dict form is the one in fixtures/README.md and quizzes/bank/rules.py; each type's answer fields in it are
read and written by its module in quizzes/bank/types/.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from quizzes.bank.numbers import QUESTION_POINTS, read_number
from quizzes.bank.rules import bank_problems
from quizzes.bank.types import question_type
from quizzes.models import AcceptedAnswer, Choice, Citation, MatchingPair, OrderingItem, Question, Source, Topic

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class BankError(ValueError):
    """The bank files are not sound; the message lists every problem."""


def read_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def read_bank_files(directory: Path = FIXTURES) -> list[dict]:
    return [q for path in sorted((directory / "bank").glob("*.yaml")) for q in read_yaml(path)]


def _sync_rows(manager, rows: list[dict], model, identity: str) -> None:
    """Make the question's child rows equal to rows, matched by their identity field (a choice's text, say),
    updating in place so that ids, and the saved answers that name them, keep their meaning. A part reworded in
    its place (a sharper distractor, say) keeps its row too: what is left unmatched is matched by position."""
    existing = {getattr(row, identity): row for row in manager.all()}
    reworded = []
    for values in rows:
        row = existing.pop(values[identity], None)
        if row is None:
            reworded.append(values)
        else:
            _update_row(row, values)
    in_place = {getattr(row, "position", None): row for row in existing.values()}
    for values in reworded:
        row = in_place.pop(values["position"], None) if "position" in values else None
        if row is None:
            model.objects.create(question=manager.instance, **values)
        else:
            del existing[getattr(row, identity)]
            _update_row(row, values)
    for row in existing.values():
        row.delete()


def _update_row(row, values: dict) -> None:
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)


def shuffled_positions(key: str, count: int) -> list[int]:
    """A fixed shuffle of display positions for a bank question's choices, so the right one is not always
    first in the files' order; attempts shuffle again unless the teacher turns that off."""
    positions = list(range(count))
    random.Random(f"choices:{key}").shuffle(positions)
    return positions


# Words in a free-text kind ("newspaper article (Socialist Worker)") and the category they mean, first match wins.
_CATEGORY_WORDS = (
    ("newspaper", Source.Category.JOURNALISM),
    ("journal", Source.Category.JOURNALISM),
    ("speech", Source.Category.SPEECH),
    ("letter", Source.Category.LETTER),
    ("diary", Source.Category.DIARY),
    ("memoir", Source.Category.DIARY),
    ("decree", Source.Category.DECREE),
    ("historian", Source.Category.SECONDARY),
    ("book", Source.Category.SECONDARY),
)


def category_for_kind(kind: str) -> str:
    """The category a shared document's free-text kind names, or "" when none fits (sources.yaml may also give
    one as `category`)."""
    words = kind.casefold()
    return next((category for word, category in _CATEGORY_WORDS if word in words), "")


def save_question(data: dict, *, sources: dict[str, Source], topics: dict[str, Topic], owner=None) -> Question:
    """Create or update one question (by key when it has one) from its dict form.

    The question's row is saved (which bumps updated_at) in the same transaction as its parts: a reader sees the
    old content with the old updated_at or the new with the new, as quizzes.attempts.content needs."""
    with transaction.atomic():
        return _save_question(data, sources=sources, topics=topics, owner=owner)


def _save_question(data: dict, *, sources: dict[str, Source], topics: dict[str, Topic], owner=None) -> Question:
    fields = {
        "type": data["type"],
        "prompt": str(data["prompt"]).strip(),
        "explanation": str(data.get("explanation") or "").strip(),
        "difficulty": int(data.get("difficulty", 2)),
        "status": data.get("status", Question.Status.PUBLISHED),
        "skill": str(data.get("skill") or ""),
        "points": read_number(data.get("points", 1), QUESTION_POINTS),
        **question_type(data["type"]).question_fields(data),
    }
    key = data.get("key") or ""
    if key:
        question, _ = Question.objects.update_or_create(key=key, defaults={**fields, "owner": owner})
    else:
        question = Question.objects.create(key="", owner=owner, **fields)
    question.topics.set([topics[slug] for slug in data.get("topics") or []])
    choices = data.get("choices") or []
    positions = shuffled_positions(key, len(choices)) if key else list(range(len(choices)))
    _sync_rows(
        question.choices,
        [
            {"text": c["text"], "is_correct": bool(c.get("correct")), "feedback": c.get("feedback", ""), "position": p}
            for p, c in zip(positions, choices, strict=True)
        ],
        Choice,
        "text",
    )
    _sync_rows(
        question.accepted_answers, [{"text": str(a)} for a in data.get("accepted") or []], AcceptedAnswer, "text"
    )
    _sync_rows(
        question.ordering_items,
        [{"text": str(t), "position": n} for n, t in enumerate(data.get("items") or [])],
        OrderingItem,
        "text",
    )
    _sync_rows(
        question.matching_pairs,
        [{"left": str(p[0]), "right": str(p[1]), "position": n} for n, p in enumerate(data.get("pairs") or [])],
        MatchingPair,
        "left",
    )
    _sync_rows(
        question.citations,
        [
            {"source_id": sources[c["source"]].id, "quote": " ".join(str(c["quote"]).split()), "position": n}
            for n, c in enumerate(data.get("citations") or [])
        ],
        Citation,
        "quote",
    )
    return question


def load_bank(directory: Path = FIXTURES, source_texts: dict[str, str] | None = None) -> int:
    """Load sources, topics and every question from the fixtures; returns the number of questions."""
    questions = read_bank_files(directory)
    problems = bank_problems(questions, source_texts, require_skill=True)
    if problems:
        raise BankError("\n".join(f"{key}: {problem}" for key, problem in problems))
    with transaction.atomic():
        for row in read_yaml(directory / "sources.yaml"):
            defaults = {"category": category_for_kind(row.get("kind") or ""), **row}
            Source.objects.update_or_create(file_name=row["file_name"], defaults=defaults)
        for row in read_yaml(directory / "topics.yaml"):
            Topic.objects.update_or_create(slug=row["slug"], defaults={"name": row["name"]})
        sources = {s.file_name: s for s in Source.objects.all()}
        topics = {t.slug: t for t in Topic.objects.all()}
        missing = {c["source"] for q in questions for c in q.get("citations") or []} - set(sources)
        missing |= {t for q in questions for t in q.get("topics") or []} - set(topics)
        if missing:
            raise BankError(f"unknown sources or topics: {', '.join(sorted(missing))}")
        for data in questions:
            save_question(data, sources=sources, topics=topics)
    return len(questions)


def question_to_dict(question: Question) -> dict:
    """The dict form of a question (relations prefetched with Question.objects.with_answers())."""
    data: dict = {
        "key": question.key or f"q{question.pk}",
        "type": question.type,
        "difficulty": question.difficulty,
        "skill": question.skill,
        "topics": [t.slug for t in question.topics.all()],
        "prompt": question.prompt,
        "explanation": question.explanation,
        "status": question.status,
        "points": question.points,
        "citations": [{"source": c.source.file_name, "quote": c.quote} for c in question.citations.all()],
    }
    data |= question_type(question.type).to_dict(question)
    return data
