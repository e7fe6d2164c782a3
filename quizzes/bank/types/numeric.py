"""Numeric: a number, right when within the tolerance. The answer is kept on the question (number, tolerance)."""

from __future__ import annotations

from decimal import Decimal

from quizzes.bank.grading import parse_decimal, read_answer_number
from quizzes.bank.numbers import QUESTION_NUMBER, NotANumber, NumberError, NumberOutOfRange, read_number, shown
from quizzes.bank.types.base import AnswerError, TypedAnswer


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
        """The number and tolerance must be numbers that Question.number and Question.tolerance can hold
        (quizzes.bank.numbers.QUESTION_NUMBER), the tolerance 0 or more."""
        problems = []
        number, tolerance = question.get("number"), question.get("tolerance", 0)
        try:
            read_number(number, QUESTION_NUMBER)
        except NotANumber:
            problems.append(f"numeric answer {shown(number)} does not parse as a number")
        except NumberOutOfRange:
            problems.append(f"numeric answer {shown(number)} is not {QUESTION_NUMBER.wanted}")
        try:
            if read_number(tolerance, QUESTION_NUMBER) < 0:
                problems.append(f"numeric tolerance {shown(tolerance)} is not a number of 0 or more")
        except NotANumber:
            problems.append(f"numeric tolerance {shown(tolerance)} is not a number of 0 or more")
        except NumberOutOfRange:
            problems.append(f"numeric tolerance {shown(tolerance)} is not {QUESTION_NUMBER.wanted}")
        return problems

    def question_fields(self, data: dict) -> dict:
        return super().question_fields(data) | {
            "number": read_number(data["number"], QUESTION_NUMBER),
            "tolerance": read_number(data.get("tolerance", 0), QUESTION_NUMBER),
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
        try:
            read_answer_number(text)
        except NumberOutOfRange as error:
            raise AnswerError(str(error)) from None
        except NumberError:
            raise AnswerError("Type a number, such as 10 or 2.5.") from None
        return text

    def right_answer(self, question):
        return str(question.number)

    def fraction(self, key, answer) -> Decimal:
        number = parse_decimal(answer)
        if number is None or key.number is None:
            return Decimal(0)
        return Decimal(1) if abs(number - key.number) <= key.tolerance else Decimal(0)
