"""What every question type provides, with the defaults most types keep (see quizzes/bank/types/__init__.py).

Django-free on purpose, like grading and the bank's rules: a question here is anything with the Question
model's attributes (``type``, ``parts(relation)``, ``choices.all()`` ...), a presentation anything with
Presentation's lists, and posted data anything with QueryDict's ``get``/``getlist``.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

MAX_TEXT_ANSWER = 500


class AnswerError(ValueError):
    """The form does not hold an answer we can take; the message is shown to the student."""


def collapse_whitespace(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def pick(value: str | None, options: list, what: str):
    """The option at the posted position; AnswerError when it is missing or out of range."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise AnswerError(f"Choose {what}.") from None
    if not 0 <= number < len(options):
        raise AnswerError(f"That {what} is not one of this question's options.")
    return options[number]


@dataclass(frozen=True)
class AnswerLine:
    """One line of an answer made of parts (a matching pair, an ordering item), for a list that reads well on a
    phone. ``label``: what the line is about (a left side, "1."); ``text``: what was put there. ``right``: None when
    the line is not marked, else whether it is right; ``correct``: beside a wrong line, in words, what is right
    ("Right match: ...", "Belongs in place 3"); empty on a right or unmarked line."""

    label: str
    text: str
    right: bool | None = None
    correct: str = ""


class QuestionType:
    """One kind of question. Subclasses set the class attributes and override the methods that differ."""

    #: The stored value; Question.Type is made from the registry's values and labels.
    value: str = ""
    #: Its name in lists, filters and the admin (Question.Type's label).
    label: str = ""
    #: How the builder's type page describes it.
    description: str = ""
    #: How long a student needs for one, for the builder's time estimate.
    seconds: int = 60
    #: The part relations of Question the type keeps its answer in (the others stay empty for it).
    parts: tuple[str, ...] = ()
    #: The fields of the teacher's question form (authoring.forms.OwnQuestionForm) that hold its answer.
    form_parts: tuple[str, ...] = ()
    #: Whether the teacher's results show how many students picked each option (choice_tally).
    is_choice: bool = False

    @property
    def template(self) -> str:
        """The student's answer controls: one template per type, included by the quiz card and both previews."""
        return f"quizzes/bank/questions/{self.value}.html"

    # -- The bank: dict form (fixtures/bank/*.yaml, the builder, GIFT) and the database ------------------------

    def problems(self, question: dict) -> list[str]:
        """The bank's rules on the type's answer fields, as short sentences (quizzes.bank.rules adds the rest)."""
        return []

    def question_fields(self, data: dict) -> dict:
        """The answer fields stored on the Question row itself, from the dict form."""
        return {"answer_bool": None, "number": None, "tolerance": Decimal(0)}

    def to_dict(self, question) -> dict:
        """The type's answer fields in the dict form (relations prefetched)."""
        return {}

    def from_form(self, cleaned: dict, lines: Callable[[str], list[str]]) -> dict:
        """The answer fields in the dict form from the teacher's form; lines(name) is a text field's lines."""
        return {}

    def correct_answer_text(self, question) -> str:
        """The right answer as plain text, as the results page, the previews and the export show it."""
        return ""

    def export_answer(self, question) -> str:
        """The answer column of export_bank."""
        return self.correct_answer_text(question)

    # -- A student's attempt -----------------------------------------------------------------------------------

    def arrange(self, question, rng: random.Random, *, shuffle_choices: bool) -> dict:
        """The question's parts in the order the attempt shows them, as Presentation's fields."""
        return {}

    def parse(self, presentation, data):
        """The posted form's answer in grading's terms; AnswerError with a message for the student if unusable."""
        raise AnswerError("This question cannot be answered.")

    def form_values(self, presentation, answer) -> dict:
        """A saved answer as the template's values, so a reloaded question shows what was chosen."""
        return {}

    def form_data(self, presentation, answer) -> dict:
        """The answer as the form posts it, the inverse of parse (for tests and the load benchmark)."""
        return {}

    def right_answer(self, question):
        """An answer, in grading's terms, that earns every point (relations prefetched)."""
        raise NotImplementedError

    def fraction(self, key, answer) -> Decimal:
        """The share of the points the answer earns, from 0 to 1 (pure: see quizzes/bank/grading.py)."""
        raise NotImplementedError

    def describe(self, question, answer) -> str:
        """The student's answer in words, for feedback and results."""
        return str(answer)

    def answer_lines(self, question, answer=None, *, mark: bool = False) -> list[AnswerLine] | None:
        """An answer made of parts as one line a part (the right answer when answer is None); with ``mark``, each
        line right or wrong, with the right part beside a wrong one in words ("Right match: ...", "Belongs in
        place 3"). None for types whose answer is one thing."""
        return None

    def to_json(self, answer):
        """The answer as Response.answer stores it."""
        return answer

    def from_json(self, value):
        return value

    # -- The teacher's results ---------------------------------------------------------------------------------

    def choice_tally(self, question, answers: list) -> list[tuple[str, bool, int]]:
        """(option text, is it right, how many answers picked it) per option, for choice types."""
        return []


class TypedAnswer(QuestionType):
    """A type answered by typing into one box named ``answer`` (short text, numeric)."""

    def form_values(self, presentation, answer) -> dict:
        return {"answer": answer}

    def form_data(self, presentation, answer) -> dict:
        return {"answer": answer}
