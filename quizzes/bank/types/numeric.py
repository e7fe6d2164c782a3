"""Numeric: a number, right when within the tolerance. The answer is kept on the question (number, tolerance)."""

from __future__ import annotations

from decimal import Decimal

from quizzes.bank.grading import parse_decimal
from quizzes.bank.types.base import AnswerError, TypedAnswer, parse_number

MAX_NUMBER_TEXT = 50


def format_number(number: Decimal | None, tolerance: Decimal | None = None) -> str:
    if number is None:
        return ""
    text = f"{number.normalize():f}"
    if tolerance:
        text += f" (± {tolerance.normalize():f})"
    return text


class Numeric(TypedAnswer):
    """The answer is the typed text (graded with parse_decimal, so "1,000" and "10,5" count). The form posts
    ``answer``."""

    value = "numeric"
    label = "Numeric"
    description = "Numeric: a number, exact or within a tolerance"
    seconds = 60
    form_parts = ("number", "tolerance")

    def problems(self, question: dict) -> list[str]:
        problems = []
        if parse_number(question.get("number")) is None:
            problems.append(f"numeric answer {question.get('number')!r} does not parse as a number")
        tolerance = parse_number(question.get("tolerance", 0))
        if tolerance is None or tolerance < 0:
            problems.append(f"numeric tolerance {question.get('tolerance')!r} is not a number of 0 or more")
        return problems

    def question_fields(self, data: dict) -> dict:
        return super().question_fields(data) | {
            "number": Decimal(str(data["number"])),
            "tolerance": Decimal(str(data.get("tolerance", 0))),
        }

    def to_dict(self, question) -> dict:
        return {"number": question.number, "tolerance": question.tolerance}

    def from_form(self, cleaned, lines) -> dict:
        return {"number": cleaned.get("number", "").strip(), "tolerance": cleaned.get("tolerance", "").strip() or "0"}

    def correct_answer_text(self, question) -> str:
        return format_number(question.number, question.tolerance)

    def export_answer(self, question) -> str:
        return format_number(question.number)

    def parse(self, presentation, data):
        text = str(data.get("answer", "")).strip()
        if not text:
            raise AnswerError("Type a number.")
        if len(text) > MAX_NUMBER_TEXT or parse_decimal(text) is None:
            raise AnswerError("Type a number, such as 10 or 2.5.")
        return text

    def right_answer(self, question):
        return str(question.number)

    def fraction(self, key, answer) -> Decimal:
        number = parse_decimal(answer)
        if number is None or key.number is None:
            return Decimal(0)
        return Decimal(1) if abs(number - key.number) <= key.tolerance else Decimal(0)
