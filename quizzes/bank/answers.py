"""What a student sees of a question in an attempt, and reading their answer from a form.

Choices, ordering items and matching sides are shown in an order fixed by the attempt's seed, and
the form sends positions in that order, never database ids, so the page gives nothing away.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from quizzes.bank.grading import parse_decimal

MAX_TEXT_ANSWER = 500


class AnswerError(ValueError):
    """The form does not hold an answer we can take; the message is shown to the student."""


@dataclass
class Presentation:
    """The question's parts in the order this attempt shows them."""

    question: object
    choices: list = field(default_factory=list)
    items: list = field(default_factory=list)
    lefts: list = field(default_factory=list)
    rights: list = field(default_factory=list)


def present(question, *, seed: int, shuffle_choices: bool) -> Presentation:
    rng = random.Random(f"{seed}:{question.id}")
    choices = question.parts("choices")
    if shuffle_choices:
        rng.shuffle(choices)
    # Ordering items and matching right sides are always shuffled: in stored order they are the answer.
    items = question.parts("ordering_items")
    rng.shuffle(items)
    pairs = question.parts("matching_pairs")
    rights = list(pairs)
    rng.shuffle(rights)
    return Presentation(question=question, choices=choices, items=items, lefts=pairs, rights=rights)


def _index(value: str | None, options: list, what: str):
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise AnswerError(f"Choose {what}.") from None
    if not 0 <= number < len(options):
        raise AnswerError(f"That {what} is not one of this question's options.")
    return options[number]


def parse_answer(presentation: Presentation, data) -> object:
    """The answer in the form, in grading's terms (see quizzes/grading.py); AnswerError if unusable."""
    question = presentation.question
    if any("\ufffd" in value for values in data.lists() for value in values[1]):
        # Django replaces bytes that are not UTF-8 with U+FFFD: refuse rather than save garbled text.
        raise AnswerError("Your answer held characters we could not read. Type it again.")
    match question.type:
        case "single":
            return _index(data.get("choice"), presentation.choices, "an answer").id
        case "multiple":
            values = data.getlist("choices")
            if not values:
                raise AnswerError("Choose at least one answer.")
            ids = {_index(v, presentation.choices, "an answer").id for v in values}
            return sorted(ids)
        case "true_false":
            value = data.get("answer")
            if value not in ("true", "false"):
                raise AnswerError("Choose True or False.")
            return value == "true"
        case "short_text":
            text = " ".join(str(data.get("answer", "")).split())
            if not text:
                raise AnswerError("Type an answer.")
            if len(text) > MAX_TEXT_ANSWER:
                raise AnswerError(f"Answers are at most {MAX_TEXT_ANSWER} characters.")
            return text
        case "numeric":
            text = str(data.get("answer", "")).strip()
            if not text:
                raise AnswerError("Type a number.")
            if len(text) > 50 or parse_decimal(text) is None:
                raise AnswerError("Type a number, such as 10 or 2.5.")
            return text
        case "ordering":
            chosen = [
                _index(data.get(f"slot-{n}"), presentation.items, "event") for n in range(len(presentation.items))
            ]
            ids = [item.id for item in chosen]
            if len(set(ids)) != len(ids):
                raise AnswerError("Put each item in exactly one place.")
            return ids
        case "matching":
            answer = {}
            for n, pair in enumerate(presentation.lefts):
                answer[pair.id] = _index(data.get(f"match-{n}"), presentation.rights, "match").id
            if len(set(answer.values())) != len(answer):
                raise AnswerError("Use each answer on the right only once.")
            return answer
    raise AnswerError("This question cannot be answered.")


def answer_to_json(question_type: str, answer):
    if question_type == "matching":
        return [[left, right] for left, right in answer.items()]
    return answer


def answer_from_json(question_type: str, value):
    if value is None:
        return None
    if question_type == "matching":
        return {int(left): int(right) for left, right in value}
    return value


def describe_answer(question, answer) -> str:
    """The student's answer in words, for feedback and results."""
    if answer is None:
        return "No answer"
    match question.type:
        case "single" | "multiple":
            ids = {answer} if question.type == "single" else set(answer)
            return " | ".join(c.text for c in question.choices.all() if c.id in ids)
        case "true_false":
            return "True" if answer else "False"
        case "short_text" | "numeric":
            return str(answer)
        case "ordering":
            texts = {i.id: i.text for i in question.ordering_items.all()}
            return " > ".join(texts.get(i, "?") for i in answer)
        case "matching":
            rights = {p.id: p.right for p in question.matching_pairs.all()}
            return " | ".join(f"{p.left} = {rights.get(answer.get(p.id), '?')}" for p in question.matching_pairs.all())
    return str(answer)


def form_values(presentation: Presentation, answer) -> dict:
    """The saved answer as the form's values, so a reloaded question shows what was chosen."""
    question = presentation.question
    if answer is None:
        return {}
    match question.type:
        case "single":
            return {"choice": [n for n, c in enumerate(presentation.choices) if c.id == answer]}
        case "multiple":
            return {"choices": [n for n, c in enumerate(presentation.choices) if c.id in set(answer)]}
        case "true_false":
            return {"answer": "true" if answer else "false"}
        case "short_text" | "numeric":
            return {"answer": answer}
        case "ordering":
            index = {item.id: n for n, item in enumerate(presentation.items)}
            return {"slots": [index.get(i) for i in answer]}
        case "matching":
            index = {pair.id: n for n, pair in enumerate(presentation.rights)}
            return {"matches": [index.get(answer.get(p.id)) for p in presentation.lefts]}
    return {}
