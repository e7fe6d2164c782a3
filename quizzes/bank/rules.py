"""Rules a question must satisfy, on plain data, shared by the loader, check_bank and the admin.

A question here is the dict form used in ``fixtures/bank/*.yaml`` (see README, "Question bank").
This module needs no Django, so it can also run alone on fixture files:

    python quizzes/question_rules.py fixtures/bank/*.yaml --sources ../shared/seeds
"""

from __future__ import annotations

import re
import sys
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

TYPES = ("single", "multiple", "true_false", "short_text", "numeric", "ordering", "matching")
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
MAX_QUOTE_WORDS = 30
MIN_SEQUENCE = 3
MAX_SEQUENCE = 6


def collapse_whitespace(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def quote_found(quote: str, source_text: str) -> bool:
    """True when the quote stands in the source text verbatim, whitespace aside."""
    return collapse_whitespace(quote) in collapse_whitespace(source_text)


def parse_number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def question_problems(
    question: dict,
    source_texts: dict[str, str] | None = None,
    *,
    require_evidence: bool = True,
    known_topics=TOPICS,
) -> list[str]:
    """Every problem with one question, as short sentences; an empty list means it is sound.

    ``source_texts`` maps a source file name to its text; when given, each quote must stand in it.
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
    problems += _citation_problems(question, source_texts, published and require_evidence)
    problems += _ANSWER_RULES[qtype](question)
    return problems


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


def _choice_problems(question: dict, *, exactly_one: bool) -> list[str]:
    choices = question.get("choices") or []
    texts = [collapse_whitespace(str(c.get("text") or "")) for c in choices]
    correct = sum(1 for c in choices if c.get("correct"))
    problems = []
    if len(choices) < 2:
        problems.append("needs at least 2 choices")
    if any(not t for t in texts):
        problems.append("has a choice with no text")
    if len(set(t.lower() for t in texts)) != len(texts):
        problems.append("has two choices with the same text")
    if exactly_one and correct != 1:
        problems.append(f"single-choice question must have exactly one correct choice, has {correct}")
    if not exactly_one and correct == 0:
        problems.append("multiple-answers question has no correct choice")
    return problems


def _true_false_problems(question: dict) -> list[str]:
    return [] if isinstance(question.get("answer"), bool) else ["true/false answer must be true or false"]


def _short_text_problems(question: dict) -> list[str]:
    accepted = [a for a in question.get("accepted") or [] if str(a).strip()]
    return [] if accepted else ["short-text question has no accepted answer"]


def _numeric_problems(question: dict) -> list[str]:
    problems = []
    if parse_number(question.get("number")) is None:
        problems.append(f"numeric answer {question.get('number')!r} does not parse as a number")
    tolerance = parse_number(question.get("tolerance", 0))
    if tolerance is None or tolerance < 0:
        problems.append(f"numeric tolerance {question.get('tolerance')!r} is not a number of 0 or more")
    return problems


def _sequence_problems(items: list, noun: str, kind: str) -> list[str]:
    problems = []
    if len(items) < MIN_SEQUENCE:
        problems.append(f"{kind} question has {len(items)} {noun}, fewer than {MIN_SEQUENCE}")
    if len(items) > MAX_SEQUENCE:
        problems.append(f"{kind} question has {len(items)} {noun}, more than {MAX_SEQUENCE}")
    return problems


def _ordering_problems(question: dict) -> list[str]:
    items = [collapse_whitespace(str(i)) for i in question.get("items") or []]
    problems = _sequence_problems(items, "items", "ordering")
    if any(not i for i in items) or len(set(items)) != len(items):
        problems.append("ordering items must be distinct and not empty")
    return problems


def _matching_problems(question: dict) -> list[str]:
    pairs = question.get("pairs") or []
    problems = _sequence_problems(pairs, "pairs", "matching")
    if any(not isinstance(p, (list, tuple)) or len(p) != 2 or not all(str(s).strip() for s in p) for p in pairs):
        return problems + ["each matching pair needs a left and a right side"]
    lefts = [collapse_whitespace(str(p[0])) for p in pairs]
    rights = [collapse_whitespace(str(p[1])) for p in pairs]
    if len(set(lefts)) != len(lefts) or len(set(rights)) != len(rights):
        problems.append("matching pairs must have distinct left sides and distinct right sides")
    return problems


_ANSWER_RULES = {
    "single": lambda q: _choice_problems(q, exactly_one=True),
    "multiple": lambda q: _choice_problems(q, exactly_one=False),
    "true_false": _true_false_problems,
    "short_text": _short_text_problems,
    "numeric": _numeric_problems,
    "ordering": _ordering_problems,
    "matching": _matching_problems,
}


def duplicate_prompt_problems(questions: list[dict]) -> list[tuple[str, str]]:
    """(key, problem) for every question whose prompt repeats an earlier one's."""
    seen: dict[str, str] = {}
    problems = []
    for question in questions:
        prompt = re.sub(r"\W+", " ", str(question.get("prompt") or "")).strip().lower()
        key = str(question.get("key"))
        if prompt and prompt in seen:
            problems.append((key, f"duplicate prompt: same as question {seen[prompt]}"))
        else:
            seen.setdefault(prompt, key)
    return problems


def load_source_texts(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(directory).glob("*.txt"))}


def bank_problems(
    questions: list[dict], source_texts: dict[str, str] | None = None, known_topics=TOPICS
) -> list[tuple[str, str]]:
    """(key, problem) for every problem in a whole bank."""
    problems = [
        (str(q.get("key")), p) for q in questions for p in question_problems(q, source_texts, known_topics=known_topics)
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
    problems = bank_problems(questions, texts)
    for key, problem in problems:
        print(f"{key}: {problem}")
    print(f"{len(questions)} questions, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
