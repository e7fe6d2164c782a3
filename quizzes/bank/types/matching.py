"""Matching: pair 3 to 6 items on the left with those on the right, with partial credit."""

from __future__ import annotations

from decimal import Decimal

from quizzes.bank.types.base import AnswerError, AnswerLine, QuestionType, collapse_whitespace, pick
from quizzes.bank.types.ordering import sequence_problems


def _lead(left: str) -> str:
    """A left side leading its match on one line: "Lenin:" (a side ending in punctuation keeps its own)."""
    return left if left.rstrip()[-1:] in ":?!." else f"{left}:"


class Matching(QuestionType):
    """The answer is {left pair id: chosen pair id}, stored in JSON as [[left, chosen], ...]. The form posts
    ``match-0``, ``match-1``, ...: for each left side in stored order, the position of a right side in the shown
    (always shuffled) order. Partial credit: the share of left sides matched to their own right side."""

    value = "matching"
    label = "Matching"
    description = "Matching: pair 3 to 6 items on the left with the right"
    seconds = 90
    parts = ("matching_pairs",)
    form_parts = ("pairs",)

    def problems(self, question: dict) -> list[str]:
        pairs = question.get("pairs") or []
        problems = sequence_problems(pairs, "pairs", "matching")
        if any(not isinstance(p, (list, tuple)) or len(p) != 2 or not all(str(s).strip() for s in p) for p in pairs):
            return problems + ["each matching pair needs a left and a right side"]
        lefts = [collapse_whitespace(str(p[0])) for p in pairs]
        rights = [collapse_whitespace(str(p[1])) for p in pairs]
        if len(set(lefts)) != len(lefts) or len(set(rights)) != len(rights):
            problems.append("matching pairs must have distinct left sides and distinct right sides")
        return problems

    def to_dict(self, question) -> dict:
        return {"pairs": [[p.left, p.right] for p in question.matching_pairs.all()]}

    def from_form(self, cleaned, lines) -> dict:
        return {
            "pairs": [
                [side.strip() for side in line.split("=", 1)] if "=" in line else [line, ""] for line in lines("pairs")
            ]
        }

    def correct_answer_text(self, question) -> str:
        return " | ".join(f"{p.left} = {p.right}" for p in question.matching_pairs.all())

    def arrange(self, question, rng, *, shuffle_choices):
        # The right sides are always shuffled: in stored order they are the answer.
        pairs = question.parts("matching_pairs")
        rights = list(pairs)
        rng.shuffle(rights)
        return {"lefts": pairs, "rights": rights}

    def parse(self, presentation, data):
        answer = {}
        for n, pair in enumerate(presentation.lefts):
            answer[pair.id] = pick(data.get(f"match-{n}"), presentation.rights, "match").id
        if len(set(answer.values())) != len(answer):
            raise AnswerError("Use each answer on the right only once.")
        return answer

    def form_values(self, presentation, answer) -> dict:
        index = {pair.id: n for n, pair in enumerate(presentation.rights)}
        return {"matches": [index.get(answer.get(p.id)) for p in presentation.lefts]}

    def form_data(self, presentation, answer) -> dict:
        index = {pair.id: n for n, pair in enumerate(presentation.rights)}
        return {f"match-{n}": str(index[answer[pair.id]]) for n, pair in enumerate(presentation.lefts)}

    def right_answer(self, question):
        return {p.id: p.id for p in question.matching_pairs.all()}

    def fraction(self, key, answer) -> Decimal:
        if not key.pair_ids:
            return Decimal(0)
        matched = sum(1 for pair_id in key.pair_ids if answer.get(pair_id) == pair_id)
        return Decimal(matched) / len(key.pair_ids)

    def describe(self, question, answer) -> str:
        rights = {p.id: p.right for p in question.matching_pairs.all()}
        return " | ".join(f"{p.left} = {rights.get(answer.get(p.id), '?')}" for p in question.matching_pairs.all())

    def answer_lines(self, question, answer=None, *, mark: bool = False) -> list[AnswerLine]:
        pairs = list(question.matching_pairs.all())
        if answer is None:
            return [AnswerLine(label=_lead(p.left), text=p.right) for p in pairs]
        rights = {p.id: p.right for p in pairs}
        lines = []
        for pair in pairs:
            chosen = answer.get(pair.id)
            text = rights.get(chosen, "no match")
            if not mark:
                lines.append(AnswerLine(label=_lead(pair.left), text=text))
                continue
            right = chosen == pair.id
            lines.append(
                AnswerLine(
                    label=_lead(pair.left),
                    text=text,
                    right=right,
                    correct="" if right else f"Right match: {pair.right}",
                )
            )
        return lines

    def to_json(self, answer):
        return [[left, right] for left, right in answer.items()]

    def from_json(self, value):
        return {int(left): int(right) for left, right in value}
