"""A question as the question templates see it: its parts in the order shown, and a saved answer as the form's
values. One object for the three places that show a question's controls: an attempt's quiz card
(quizzes/attempts/cards.py), the builder's preview (quizzes/authoring/selectors.py) and the admin's preview.

Choices (unless the teacher turns shuffling off), ordering items and matching right sides are shown in an order
fixed by the seed (the attempt's), so a reloaded page shows the same order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from quizzes.bank.types import question_type


@dataclass
class Presentation:
    """The question's parts in the order this attempt or preview shows them (each type fills its own)."""

    question: object
    choices: list = field(default_factory=list)
    items: list = field(default_factory=list)
    lefts: list = field(default_factory=list)
    rights: list = field(default_factory=list)

    @property
    def template(self) -> str:
        """The template of the student's controls for the question's type."""
        return question_type(self.question.type).template

    @property
    def slot_numbers(self) -> list[int]:
        """The places of an ordering question, one per item."""
        return list(range(len(self.items)))


def present(question, *, seed: int, shuffle_choices: bool) -> Presentation:
    rng = random.Random(f"{seed}:{question.id}")
    parts = question_type(question.type).arrange(question, rng, shuffle_choices=shuffle_choices)
    return Presentation(question=question, **parts)


def form_values(presentation: Presentation, answer) -> dict:
    """The saved answer as the form's values, so a reloaded question shows what was chosen."""
    if answer is None:
        return {}
    return question_type(presentation.question.type).form_values(presentation, answer)


def describe_answer(question, answer) -> str:
    """The student's answer in words, for feedback and results."""
    if answer is None:
        return "No answer"
    return question_type(question.type).describe(question, answer)


def answer_lines(question, answer, *, mark: bool = False):
    """The student's answer one line a part, marked right or wrong when ``mark`` (quizzes.bank.types.base.AnswerLine);
    None for an answer of one part, or no answer."""
    if answer is None:
        return None
    return question_type(question.type).answer_lines(question, answer, mark=mark)


def correct_answer_lines(question):
    """The right answer one line a part; None for an answer of one part."""
    return question_type(question.type).answer_lines(question)


@dataclass
class QuestionPreview:
    """A question shown with no answer behind it: what the question templates read from a card (presentation,
    values). The admin's preview uses it as it is; the builder's PreviewCard adds its place in the set."""

    presentation: Presentation
    values: dict = field(default_factory=dict)

    @property
    def question(self):
        return self.presentation.question

    @property
    def correct_answer(self) -> str:
        return self.question.correct_answer_text()

    @property
    def correct_answer_lines(self):
        return correct_answer_lines(self.question)
