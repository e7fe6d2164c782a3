"""Grading: pure functions from a question's answer key and a student's answer to points.

Answers reach these functions already parsed (see quizzes/answers.py):
single: a choice id; multiple: a list of choice ids; true_false: a bool; short_text: a str;
numeric: a str; ordering: item ids in the student's order; matching: {left pair id: chosen pair id}.

Partial credit:
- multiple answers: with k correct choices, each correct pick earns 1/k and each wrong pick costs 1/k;
  the total never goes below 0.
- ordering: the share of items standing in their right place.
- matching: the share of left sides matched to their right side.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def parse_decimal(text: str) -> Decimal | None:
    """A number as students type it: '10', ' 10.5 ', '1,000', '10,5'."""
    cleaned = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    elif re.fullmatch(r"-?\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _fraction(key: AnswerKey, answer) -> Decimal:
    match key.type:
        case "single":
            return Decimal(1) if answer in key.correct_choice_ids else Decimal(0)
        case "multiple":
            picked = set(answer)
            k = len(key.correct_choice_ids)
            if not k:
                return Decimal(0)
            right = len(picked & key.correct_choice_ids)
            wrong = len(picked - key.correct_choice_ids)
            return max(Decimal(0), Decimal(right - wrong) / k)
        case "true_false":
            return Decimal(1) if answer is key.answer_bool else Decimal(0)
        case "short_text":
            given = normalise_text(answer)
            return Decimal(1) if given and given in {normalise_text(a) for a in key.accepted} else Decimal(0)
        case "numeric":
            number = parse_decimal(answer)
            if number is None or key.number is None:
                return Decimal(0)
            return Decimal(1) if abs(number - key.number) <= key.tolerance else Decimal(0)
        case "ordering":
            if not key.item_ids:
                return Decimal(0)
            in_place = sum(1 for given, right in zip(answer, key.item_ids, strict=False) if given == right)
            return Decimal(in_place) / len(key.item_ids)
        case "matching":
            if not key.pair_ids:
                return Decimal(0)
            matched = sum(1 for pair_id in key.pair_ids if answer.get(pair_id) == pair_id)
            return Decimal(matched) / len(key.pair_ids)
    raise ValueError(f"unknown question type {key.type!r}")


def grade(key: AnswerKey, answer) -> Grade:
    fraction = _fraction(key, answer)
    points = (key.points * fraction).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Grade(points=points, correct=fraction == 1)
