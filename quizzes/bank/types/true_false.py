"""True or false: a statement to judge. The answer is kept on the question (answer_bool), not in parts."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from quizzes.bank.types.base import AnswerError, QuestionType


class TrueFalse(QuestionType):
    """The answer is a bool. The form posts ``answer``: "true" or "false"."""

    value = "true_false"
    label = "True or false"
    description = "True or false: a statement to judge"
    seconds = 45
    form_parts = ("answer",)
    is_choice = True

    def problems(self, question: dict) -> list[str]:
        return [] if isinstance(question.get("answer"), bool) else ["true/false answer must be true or false"]

    def question_fields(self, data: dict) -> dict:
        return super().question_fields(data) | {"answer_bool": data.get("answer")}

    def to_dict(self, question) -> dict:
        return {"answer": question.answer_bool}

    def from_form(self, cleaned, lines) -> dict:
        return {"answer": cleaned.get("answer") if cleaned.get("answer") in (True, False) else None}

    def correct_answer_text(self, question) -> str:
        return "True" if question.answer_bool else "False"

    def parse(self, presentation, data):
        value = data.get("answer")
        if value not in ("true", "false"):
            raise AnswerError("Choose True or False.")
        return value == "true"

    def form_values(self, presentation, answer) -> dict:
        return {"answer": "true" if answer else "false"}

    def form_data(self, presentation, answer) -> dict:
        return self.form_values(presentation, answer)

    def right_answer(self, question):
        return question.answer_bool

    def fraction(self, key, answer) -> Decimal:
        return Decimal(1) if answer is key.answer_bool else Decimal(0)

    def describe(self, question, answer) -> str:
        return "True" if answer else "False"

    def choice_tally(self, question, answers):
        picked = Counter(answers)
        return [
            ("True", question.answer_bool is True, picked[True]),
            ("False", question.answer_bool is False, picked[False]),
        ]
