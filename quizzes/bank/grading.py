"""Grading: pure functions from a question's answer key and a student's answer to points.

Answers reach grade() already parsed (see quizzes/bank/answers.py). Each type's rule, the share of the points an
answer earns, is its ``fraction`` in quizzes/bank/types/<type>.py:
single: a choice id; multiple: a list of choice ids; true_false: a bool; short_text: a str;
numeric: a str; ordering: item ids in the student's order; matching: {left pair id: chosen pair id}.

Partial credit:
- multiple answers: with k correct choices, each correct pick earns 1/k and each wrong pick costs 1/k;
  the total never goes below 0.
- ordering: the share of items standing in their right place.
- matching: the share of left sides matched to their right side.

This module and quizzes/bank/types need no Django.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from quizzes.bank.numbers import ANY_NUMBER, MAX_NUMBER_TEXT, NotANumber, NumberError, read_number

_APOSTROPHES = "'’‘ʼʹ′`´"
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class AnswerKey:
    type: str
    points: Decimal = Decimal(1)
    choice_ids: tuple[int, ...] = ()
    correct_choice_ids: frozenset[int] = frozenset()
    answer_bool: bool | None = None
    accepted: tuple[str, ...] = ()
    number: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    item_ids: tuple[int, ...] = ()
    pair_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Grade:
    points: Decimal
    correct: bool

    @property
    def partly_correct(self) -> bool:
        return not self.correct and self.points > 0


def normalise_text(text: str) -> str:
    """Fold case, accents, apostrophes, punctuation and spacing: 'Novaya Zhizn’ ' -> 'novaya zhizn'."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate({ord(a): None for a in _APOSTROPHES})
    text = _NOT_WORD.sub(" ", text.casefold()).replace("_", " ")
    return " ".join(text.split())


def read_answer_number(text: str) -> Decimal:
    """A number as students type it: '10', ' 10.5 ', '1,000', '10,5', within quizzes.bank.numbers.ANY_NUMBER;
    NumberError (NotANumber or NumberOutOfRange, with a message for the student) otherwise."""
    text = str(text)
    if len(text) > MAX_NUMBER_TEXT:
        raise NotANumber(f"A number is at most {MAX_NUMBER_TEXT} characters long.")
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    elif re.fullmatch(r"-?\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")
    return read_number(cleaned, ANY_NUMBER)


def parse_decimal(text: str) -> Decimal | None:
    """read_answer_number's number, or None when the text is not a number within its limits."""
    try:
        return read_answer_number(text)
    except NumberError:
        return None


def grade(key: AnswerKey, answer) -> Grade:
    """The points an answer (parsed: see quizzes/bank/answers.py) earns, and whether it is wholly right."""
    # The types' rules import this module's helpers, so the registry is imported when first needed.
    from quizzes.bank.types import REGISTRY

    if key.type not in REGISTRY:
        raise ValueError(f"unknown question type {key.type!r}")
    fraction = REGISTRY[key.type].fraction(key, answer)
    points = (key.points * fraction).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Grade(points=points, correct=fraction == 1)
