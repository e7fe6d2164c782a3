"""Rules a question must satisfy, on plain data, shared by the loader, check_bank, the builder and the admin.

A question here is the dict form used in ``fixtures/bank/*.yaml`` (see README, "Question bank"). The rules
common to every question are here; each type's rules on its answer are its ``problems`` in quizzes/bank/types/.
This module needs no Django, so it can also run alone on fixture files:

    python -m quizzes.bank.rules fixtures/bank/*.yaml --sources ../shared/seeds
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from quizzes.bank.numbers import QUESTION_POINTS, NotANumber, NumberOutOfRange, read_number, shown
from quizzes.bank.types import REGISTRY, VALUES
from quizzes.bank.types.base import collapse_whitespace

TYPES = VALUES
TOPICS = (
    "votes",
    "people",
    "dates",
    "places",
    "texts",
    "organisations",
    "events",
    "arguments",
    "historiography",
)
# The historical thinking skill a question practises (Question.Skill; tests check the two agree).
SKILLS = ("close_reading", "sourcing", "corroboration", "contextualisation", "chronology")
MAX_QUOTE_WORDS = 30


# Typographic marks a teacher's keyboard and a document's typesetting write differently: curly quotes and primes
# become straight ones, every dash and the minus sign a hyphen. Each is one character for one, so a folded text
# keeps the offsets of the (whitespace-collapsed) text it came from (quizzes.sources maps matches back by them).
QUOTE_FOLDS = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    }
)


def fold_for_quotes(text: str) -> str:
    """The text as quotes are compared: Unicode NFC, whitespace collapsed to single spaces, curly quotes straight,
    dashes hyphens. On text whose whitespace is already collapsed (NFC), folding keeps every offset."""
    return collapse_whitespace(text).translate(QUOTE_FOLDS)


def quote_found(quote: str, source_text: str) -> bool:
    """True when the quote stands in the source text verbatim, whitespace, quote marks and dashes aside."""
    return fold_for_quotes(quote) in fold_for_quotes(source_text)


def question_problems(
    question: dict,
    source_texts: dict[str, str] | None = None,
    *,
    require_evidence: bool = True,
    known_topics=TOPICS,
    require_skill: bool | None = None,
) -> list[str]:
    """Every problem with one question, as short sentences; an empty list means it is sound.

    ``source_texts`` maps a source file name to its text; when given, each quote must stand in it.
    ``require_skill``: whether a missing skill is a problem; by default only for a published question that must
    cite evidence (a published bank question). The fixtures require it of every question; teachers' own drafts
    and GIFT imports may leave it blank.
    """
    problems: list[str] = []
    qtype = question.get("type")
    if qtype not in TYPES:
        return [f"unknown question type {qtype!r}"]
    if not str(question.get("prompt") or "").strip():
        problems.append("has no prompt")
    published = question.get("status", "published") == "published"
    if published and not str(question.get("explanation") or "").strip():
        problems.append("is published with no explanation")
    difficulty = question.get("difficulty")
    if difficulty not in (1, 2, 3):
        problems.append(f"difficulty must be 1, 2 or 3, not {difficulty!r}")
    unknown_topics = [t for t in question.get("topics") or [] if t not in known_topics]
    if unknown_topics:
        problems.append(f"unknown topics {', '.join(map(str, unknown_topics))}")
    if require_skill is None:
        require_skill = published and require_evidence
    problems += _skill_problems(question.get("skill"), required=require_skill)
    problems += _points_problems(question.get("points", 1))
    problems += _citation_problems(question, source_texts, published and require_evidence)
    problems += REGISTRY[qtype].problems(question)
    return problems


def _skill_problems(skill: object, *, required: bool) -> list[str]:
    if skill in (None, ""):
        return [f"has no skill (one of {', '.join(SKILLS)})"] if required else []
    if skill not in SKILLS:
        return [f"unknown skill {shown(skill)}: use one of {', '.join(SKILLS)}"]
    return []


def _points_problems(points: object) -> list[str]:
    """Points must be more than 0 and fit Question.points (quizzes.bank.numbers.QUESTION_POINTS)."""
    try:
        if read_number(points, QUESTION_POINTS) <= 0:
            return [f"points {shown(points)} must be more than 0"]
    except NotANumber:
        return [f"points {shown(points)} is not a number"]
    except NumberOutOfRange:
        return [f"points {shown(points)} is not {QUESTION_POINTS.wanted}"]
    return []


def _citation_problems(question: dict, source_texts: dict[str, str] | None, required: bool) -> list[str]:
    citations = question.get("citations") or []
    if required and not citations:
        return ["is published with no source"]
    problems = []
    for number, citation in enumerate(citations, start=1):
        source = citation.get("source")
        quote = str(citation.get("quote") or "")
        if not source:
            problems.append(f"citation {number} names no source")
            continue
        if not quote.strip():
            problems.append(f"citation {number} ({source}) has no evidence quote")
            continue
        words = len(quote.split())
        if words > MAX_QUOTE_WORDS:
            problems.append(f"citation {number} ({source}) quote has {words} words, more than {MAX_QUOTE_WORDS}")
        if source_texts is not None:
            text = source_texts.get(source)
            if text is None:
                problems.append(f"citation {number} names source {source}, whose text was not found")
            elif not quote_found(quote, text):
                problems.append(f"citation {number} evidence quote not found in {source}: {quote[:60]!r}")
    return problems


def folded(text: object) -> str:
    """Text as duplicates are compared: case, spacing and punctuation aside."""
    return re.sub(r"\W+", " ", str(text or "")).strip().lower()


def duplicate_prompt_problems(questions: list[dict]) -> list[tuple[str, str]]:
    """(key, problem) for every published question whose prompt repeats an earlier published one's. Drafts are left
    out: a Moodle file may hold a single-answer and a multiple-answer question with the same text, and both are
    imported (quizzes.bank.gift_db); the second must be reworded before it is published."""
    seen: dict[str, str] = {}
    problems = []
    for question in questions:
        if question.get("status", "published") != "published":
            continue
        prompt = folded(question.get("prompt"))
        key = str(question.get("key"))
        if prompt and prompt in seen:
            problems.append((key, f"duplicate prompt: same as question {seen[prompt]}"))
        else:
            seen.setdefault(prompt, key)
    return problems


def _number_identity(value: object) -> str:
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except (InvalidOperation, ValueError):
        return str(value)


def question_identity(question: dict) -> tuple:
    """What makes two questions (dict form) the same question: their type, prompt and answers, compared as
    duplicate prompts are (case, spacing and punctuation aside), choices and pairs in any order, ordering items in
    theirs. Moodle's own files hold questions with one text and different types or answers; those differ here."""
    number = question.get("number")
    return (
        question.get("type"),
        folded(question.get("prompt")),
        tuple(sorted((folded(c.get("text")), bool(c.get("correct"))) for c in question.get("choices") or [])),
        question.get("answer"),
        tuple(sorted(folded(a) for a in question.get("accepted") or [])),
        None if number is None else _number_identity(number),
        _number_identity(question.get("tolerance") or 0),
        tuple(folded(item) for item in question.get("items") or []),
        tuple(sorted((folded(p[0]), folded(p[1])) for p in question.get("pairs") or [] if len(p) == 2)),
    )


def load_source_texts(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(directory).glob("*.txt"))}


def bank_problems(
    questions: list[dict],
    source_texts: dict[str, str] | None = None,
    known_topics=TOPICS,
    *,
    require_skill: bool | None = None,
) -> list[tuple[str, str]]:
    """(key, problem) for every problem in a whole bank. ``require_skill``: see question_problems (the fixture
    files pass True: every question in them names its skill)."""
    problems = [
        (str(q.get("key")), p)
        for q in questions
        for p in question_problems(q, source_texts, known_topics=known_topics, require_skill=require_skill)
    ]
    keys = [str(q.get("key")) for q in questions]
    problems += [(k, "key is used by more than one question") for k in sorted({k for k in keys if keys.count(k) > 1})]
    return problems + duplicate_prompt_problems(questions)


def _main(argv: list[str]) -> int:
    import argparse

    import yaml

    parser = argparse.ArgumentParser(description="Check question bank fixture files.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--sources", type=Path, help="folder with the source documents' texts")
    args = parser.parse_args(argv)
    questions = [q for f in args.files for q in yaml.safe_load(f.read_text(encoding="utf-8")) or []]
    texts = load_source_texts(args.sources) if args.sources else None
    problems = bank_problems(questions, texts, require_skill=True)
    for key, problem in problems:
        print(f"{key}: {problem}")
    print(f"{len(questions)} questions, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
