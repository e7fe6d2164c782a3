"""Chronological order: put 3 to 6 items in order, earliest first, with partial credit."""

from __future__ import annotations

from decimal import Decimal

from quizzes.bank.types.base import AnswerError, AnswerLine, QuestionType, collapse_whitespace, pick

MIN_SEQUENCE = 3
MAX_SEQUENCE = 6


def sequence_problems(items: list, noun: str, kind: str) -> list[str]:
    problems = []
    if len(items) < MIN_SEQUENCE:
        problems.append(f"{kind} question has {len(items)} {noun}, fewer than {MIN_SEQUENCE}")
    if len(items) > MAX_SEQUENCE:
        problems.append(f"{kind} question has {len(items)} {noun}, more than {MAX_SEQUENCE}")
    return problems


class Ordering(QuestionType):
    """The answer is the item ids in the student's order. The form posts ``slot-0``, ``slot-1``, ...: for each
    place, the position of an item in the shown (always shuffled) order. Partial credit: the share of items in
    their right place."""

    value = "ordering"
    label = "Chronological order"
    description = "Chronological order: put 3 to 6 events in order"
    seconds = 90
    parts = ("ordering_items",)
    form_parts = ("items",)

    def problems(self, question: dict) -> list[str]:
        items = [collapse_whitespace(str(i)) for i in question.get("items") or []]
        problems = sequence_problems(items, "items", "ordering")
        if any(not i for i in items) or len(set(items)) != len(items):
            problems.append("ordering items must be distinct and not empty")
        return problems

    def to_dict(self, question) -> dict:
        return {"items": [i.text for i in question.ordering_items.all()]}

    def from_form(self, cleaned, lines) -> dict:
        return {"items": lines("items")}

    def correct_answer_text(self, question) -> str:
        return " > ".join(i.text for i in question.ordering_items.all())

    def arrange(self, question, rng, *, shuffle_choices):
        # Always shuffled: in stored order the items are the answer.
        items = question.parts("ordering_items")
        rng.shuffle(items)
        return {"items": items}

    def parse(self, presentation, data):
        chosen = [pick(data.get(f"slot-{n}"), presentation.items, "event") for n in range(len(presentation.items))]
        ids = [item.id for item in chosen]
        if len(set(ids)) != len(ids):
            raise AnswerError("Put each item in exactly one place.")
        return ids

    def form_values(self, presentation, answer) -> dict:
        index = {item.id: n for n, item in enumerate(presentation.items)}
        return {"slots": [index.get(i) for i in answer]}

    def form_data(self, presentation, answer) -> dict:
        index = {item.id: n for n, item in enumerate(presentation.items)}
        return {f"slot-{n}": str(index[item_id]) for n, item_id in enumerate(answer)}

    def right_answer(self, question):
        return [i.id for i in question.ordering_items.all()]

    def fraction(self, key, answer) -> Decimal:
        if not key.item_ids:
            return Decimal(0)
        in_place = sum(1 for given, right in zip(answer, key.item_ids, strict=False) if given == right)
        return Decimal(in_place) / len(key.item_ids)

    def describe(self, question, answer) -> str:
        texts = {i.id: i.text for i in question.ordering_items.all()}
        return " > ".join(texts.get(i, "?") for i in answer)

    def answer_lines(self, question, answer=None, *, mark: bool = False) -> list[AnswerLine]:
        items = list(question.ordering_items.all())
        if answer is None:
            return [AnswerLine(label=f"{n}.", text=item.text) for n, item in enumerate(items, start=1)]
        texts = {item.id: item.text for item in items}
        place = {item.id: n for n, item in enumerate(items, start=1)}
        lines = []
        for n, item_id in enumerate(answer, start=1):
            text = texts.get(item_id, "?")
            if not mark:
                lines.append(AnswerLine(label=f"{n}.", text=text))
                continue
            right = place.get(item_id) == n
            correct = "" if right or item_id not in place else f"Belongs in place {place[item_id]}"
            lines.append(AnswerLine(label=f"{n}.", text=text, right=right, correct=correct))
        return lines
