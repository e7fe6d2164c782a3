"""Short text: a word or name typed in, compared with the accepted answers once normalised."""

from __future__ import annotations

from decimal import Decimal

from quizzes.bank.grading import normalise_text
from quizzes.bank.types.base import MAX_TEXT_ANSWER, AnswerError, TypedAnswer


class ShortText(TypedAnswer):
    """The answer is the typed text, spacing collapsed. The form posts ``answer``."""

    value = "short_text"
    label = "Short text answer"
    description = "Short text: a word or name typed in"
    seconds = 60
    parts = ("accepted_answers",)
    form_parts = ("accepted",)

    def problems(self, question: dict) -> list[str]:
        accepted = [a for a in question.get("accepted") or [] if str(a).strip()]
        return [] if accepted else ["short-text question has no accepted answer"]

    def to_dict(self, question) -> dict:
        return {"accepted": [a.text for a in question.accepted_answers.all()]}

    def from_form(self, cleaned, lines) -> dict:
        return {"accepted": list(dict.fromkeys(lines("accepted")))}

    def correct_answer_text(self, question) -> str:
        accepted = list(question.accepted_answers.all())
        return accepted[0].text if accepted else ""

    def parse(self, presentation, data):
        text = " ".join(str(data.get("answer", "")).split())
        if not text:
            raise AnswerError("Type an answer.")
        if len(text) > MAX_TEXT_ANSWER:
            raise AnswerError(f"Answers are at most {MAX_TEXT_ANSWER} characters.")
        return text

    def right_answer(self, question):
        return question.accepted_answers.all()[0].text

    def fraction(self, key, answer) -> Decimal:
        given = normalise_text(answer)
        return Decimal(1) if given and given in {normalise_text(a) for a in key.accepted} else Decimal(0)
