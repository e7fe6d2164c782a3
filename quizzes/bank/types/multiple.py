"""Multiple answers: tick every right choice (checkboxes), with partial credit."""

from __future__ import annotations

from decimal import Decimal

from quizzes.bank.types.base import AnswerError, pick
from quizzes.bank.types.single import Single, choice_problems


class Multiple(Single):
    """The answer is the sorted ids of the ticked choices. The form posts ``choices``: positions in the shown order.

    Partial credit: with k correct choices, each correct pick earns 1/k and each wrong pick costs 1/k; the total
    never goes below 0.
    """

    value = "multiple"
    label = "Multiple answers"
    description = "Multiple answers: tick every right answer"

    def problems(self, question: dict) -> list[str]:
        return choice_problems(question, exactly_one=False)

    def parse(self, presentation, data):
        values = data.getlist("choices")
        if not values:
            raise AnswerError("Choose at least one answer.")
        ids = {pick(v, presentation.choices, "an answer").id for v in values}
        return sorted(ids)

    def form_values(self, presentation, answer) -> dict:
        return {"choices": [n for n, c in enumerate(presentation.choices) if c.id in set(answer)]}

    def form_data(self, presentation, answer) -> dict:
        return {"choices": [str(n) for n, c in enumerate(presentation.choices) if c.id in set(answer)]}

    def right_answer(self, question):
        return sorted(c.id for c in question.choices.all() if c.is_correct)

    def fraction(self, key, answer) -> Decimal:
        picked = set(answer)
        k = len(key.correct_choice_ids)
        if not k:
            return Decimal(0)
        right = len(picked & key.correct_choice_ids)
        wrong = len(picked - key.correct_choice_ids)
        return max(Decimal(0), Decimal(right - wrong) / k)

    def picked_ids(self, answer) -> set:
        return set(answer or [])
