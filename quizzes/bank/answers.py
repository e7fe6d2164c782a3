"""A student's answer: read from the posted form, and kept as JSON in Response.answer.

The form sends positions in the order the attempt shows the options, never database ids (see presentation.py),
so the page gives nothing away. Each type's reading is its ``parse`` in quizzes/bank/types/.
"""

from __future__ import annotations

from quizzes.bank.types import AnswerError, question_type

__all__ = ["AnswerError", "answer_from_json", "answer_to_json", "parse_answer"]


def parse_answer(presentation, data) -> object:
    """The answer in the form, in grading's terms (see quizzes/bank/grading.py); AnswerError if unusable."""
    if any("\ufffd" in value for values in data.lists() for value in values[1]):
        # Django replaces bytes that are not UTF-8 with U+FFFD: refuse rather than save garbled text.
        raise AnswerError("Your answer held characters we could not read. Type it again.")
    return question_type(presentation.question.type).parse(presentation, data)


def answer_to_json(question_type_value: str, answer):
    return question_type(question_type_value).to_json(answer)


def answer_from_json(question_type_value: str, value):
    if value is None:
        return None
    return question_type(question_type_value).from_json(value)
