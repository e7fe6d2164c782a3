"""The reveal's chart: how many players chose each answer, as bars drawn on the server in HTML.

Each bar carries its count and share in text and the right answer a word and an icon, so nothing is told by
colour or length alone; widths are classes (``progress-N``, 0 to 100) because the Content Security Policy
forbids inline styles.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: int  # of the players who answered, rounded
    width: int  # of the longest bar, 0 to 100, for the bar's class
    is_correct: bool
    is_most_chosen_wrong: bool


def reveal_bars(counts, most_chosen_wrong=None) -> list[Bar]:
    """counts: (label, count, is_correct) per choice or option, in the order shown; most_chosen_wrong: its label
    (or a (label, count) pair), or None."""
    rows = [(str(label), int(count), bool(is_correct)) for label, count, is_correct in counts or []]
    wrong_label = most_chosen_wrong[0] if isinstance(most_chosen_wrong, tuple | list) else most_chosen_wrong
    total = sum(count for _, count, _ in rows)
    longest = max((count for _, count, _ in rows), default=0)
    return [
        Bar(
            label=label,
            count=count,
            percent=round(count * 100 / total) if total else 0,
            width=round(count * 100 / longest) if longest else 0,
            is_correct=is_correct,
            is_most_chosen_wrong=wrong_label is not None and not is_correct and count > 0 and label == str(wrong_label),
        )
        for label, count, is_correct in rows
    ]
