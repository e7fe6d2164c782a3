"""Single choice: one right answer among several choices (radio buttons)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from quizzes.bank.types.base import QuestionType, collapse_whitespace, pick


def choice_problems(question: dict, *, exactly_one: bool) -> list[str]:
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


class Single(QuestionType):
    """The answer is the chosen choice's id. The form posts ``choice``: a position in the shown order."""

    value = "single"
    label = "Single choice"
    description = "Single choice: one right answer among several"
    seconds = 45
    parts = ("choices",)
    form_parts = ("choices",)
    is_choice = True

    def problems(self, question: dict) -> list[str]:
        return choice_problems(question, exactly_one=True)

    def to_dict(self, question) -> dict:
        return {
            "choices": [
                {"text": c.text, "correct": c.is_correct, "feedback": c.feedback} for c in question.choices.all()
            ]
        }

    def from_form(self, cleaned, lines) -> dict:
        return {
            "choices": [
                {"text": line.lstrip("*").strip(), "correct": line.startswith("*")} for line in lines("choices")
            ]
        }

    def correct_answer_text(self, question) -> str:
        return " | ".join(c.text for c in question.choices.all() if c.is_correct)

    def arrange(self, question, rng, *, shuffle_choices):
        choices = question.parts("choices")
        if shuffle_choices:
            rng.shuffle(choices)
        return {"choices": choices}

    def parse(self, presentation, data):
        return pick(data.get("choice"), presentation.choices, "an answer").id

    def form_values(self, presentation, answer) -> dict:
        return {"choice": [n for n, c in enumerate(presentation.choices) if c.id == answer]}

    def form_data(self, presentation, answer) -> dict:
        return {"choice": str(next(n for n, c in enumerate(presentation.choices) if c.id == answer))}

    def right_answer(self, question):
        return next(c.id for c in question.choices.all() if c.is_correct)

    def fraction(self, key, answer) -> Decimal:
        return Decimal(1) if answer in key.correct_choice_ids else Decimal(0)

    def picked_ids(self, answer) -> set:
        return {answer}

    def describe(self, question, answer) -> str:
        ids = self.picked_ids(answer)
        return " | ".join(c.text for c in question.choices.all() if c.id in ids)

    def choice_tally(self, question, answers):
        picked: dict[object, int] = defaultdict(int)
        for answer in answers:
            for choice_id in self.picked_ids(answer):
                picked[choice_id] += 1
        return [(c.text, c.is_correct, picked[c.id]) for c in question.choices.all()]
