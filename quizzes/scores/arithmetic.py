"""Pure score arithmetic: counted scores per counting rule, bands, medians, item analysis and histogram geometry.

Nothing here touches the database, so the gradebook, the results page and the student's history can load
rows however suits them (one query each) and share these rules, and the rules are trivial to test. The names of
the rules and of an attempt's states are the models' (Assignment.Counting, Attempt.State).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from quizzes.models import Assignment, Attempt

# Score bands, from the top: (lowest percent in the band, its name). The number is always printed too.
BANDS = ((85, "high"), (70, "good"), (50, "mid"), (0, "low"))

# Fewer submitted attempts than this and the top and bottom thirds are not worth comparing.
DISCRIMINATION_MINIMUM = 3


class AttemptFacts(NamedTuple):
    """What counting needs of one attempt; percent is None while it is in progress."""

    number: int
    percent: float | None
    submitted: bool
    late: bool = False


class Counted(NamedTuple):
    """A student's score for one assignment under its counting rule, and what else the gradebook says of it."""

    percent: float | None
    late: bool
    in_progress: bool
    submitted: int


NOT_STARTED = Counted(percent=None, late=False, in_progress=False, submitted=0)


def counted_score(attempts: Sequence[AttemptFacts], counting: str) -> Counted:
    """The counted percent of a student's attempts: highest, latest (by number) or average of the submitted ones.

    Late means the attempt that counts was late (for an average, any of them).
    """
    if len(attempts) == 1:
        # Most cells of a gradebook hold one attempt: answer them without the general case's lists.
        only = attempts[0]
        if only.submitted and only.percent is not None:
            return Counted(only.percent, only.late, False, 1)
        return Counted(None, False, not only.submitted, 0)
    in_progress = False
    done: list[AttemptFacts] = []
    for attempt in attempts:
        if attempt.submitted and attempt.percent is not None:
            done.append(attempt)
        elif not attempt.submitted:
            in_progress = True
    if not done:
        return Counted(None, False, in_progress, 0)
    if counting == Assignment.Counting.LATEST:
        counted = max(done, key=lambda a: a.number)
        percent, late = counted.percent, counted.late
    elif counting == Assignment.Counting.AVERAGE:
        percent = sum(a.percent for a in done) / len(done)
        late = any(a.late for a in done)
    else:
        # The best attempt; between equal ones, an on-time one counts rather than a late one.
        counted = max(done, key=lambda a: (a.percent, not a.late))
        percent, late = counted.percent, counted.late
    return Counted(percent, late, in_progress, len(done))


def counted_by_student(rows: Iterable[tuple], counting_of: dict[int, str]) -> dict[int, dict[int, Counted]]:
    """Counted scores of many students at once: student id -> assignment id -> Counted, by counted_score.

    rows are attempts as plain tuples (student id, assignment id, number, percent or None, state), state being an
    Attempt.State value (AttemptQuerySet.with_state); counting_of gives each assignment's rule.
    """
    in_progress, late = Attempt.State.IN_PROGRESS.value, Attempt.State.LATE.value
    students: dict[int, dict] = {}
    for student_id, assignment_id, number, percent, state in rows:
        cells = students.get(student_id)
        if cells is None:
            students[student_id] = cells = {}
        facts = AttemptFacts(number, percent, state != in_progress, state == late)
        attempts = cells.get(assignment_id)
        if attempts is None:
            cells[assignment_id] = [facts]
        else:
            attempts.append(facts)
    for cells in students.values():
        for assignment_id, attempts in cells.items():
            cells[assignment_id] = counted_score(attempts, counting_of[assignment_id])
    return students


def percent_of(score, max_score) -> float | None:
    if score is None or not max_score:
        return None
    return float(score) * 100 / float(max_score)


def whole_percent(percent: float | None) -> int | None:
    """Percent as the pages print it, rounded like Attempt.percent (half to even)."""
    return None if percent is None else round(percent)


def _band_of_whole(shown: int) -> str:
    return next(name for floor, name in BANDS if shown >= floor)


# Looked up rather than worked out: the gradebook asks once per cell.
BAND_OF_WHOLE = tuple(_band_of_whole(n) for n in range(101))


def band(percent: float | None) -> str:
    """The band a score falls in (high, good, mid, low), judged on the number the page prints; '' for none."""
    shown = whole_percent(percent)
    if shown is None:
        return ""
    return BAND_OF_WHOLE[min(100, max(0, shown))]


def median(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def facility(shares: Sequence[float]) -> float | None:
    """The average share of a question's points earned (0 to 1); for all-or-nothing questions, the share right."""
    return mean(shares)


def discrimination(results: Sequence[tuple[float, float]]) -> float | None:
    """Facility in the top third minus facility in the bottom third, ranking attempts by their total percent.

    results holds (total percent of the attempt, share of this question's points) per attempt. Each third has
    n // 3 attempts; ties at a boundary stay in the order given. None with fewer than 3 attempts; 0 when every
    attempt has the same total, since no one then did better than anyone else.
    """
    if len(results) < DISCRIMINATION_MINIMUM:
        return None
    ranked = sorted(results, key=lambda result: result[0])
    if ranked[0][0] == ranked[-1][0]:
        return 0.0
    third = len(ranked) // 3
    bottom = [share for _, share in ranked[:third]]
    top = [share for _, share in ranked[-third:]]
    return sum(top) / third - sum(bottom) / third


def share_width(count: int, total: int) -> int:
    """A whole percent from 0 to 100 for a bar's width class (.progress-N)."""
    if total <= 0 or count <= 0:
        return 0
    return max(1, min(100, round(count * 100 / total)))


@dataclass(frozen=True, slots=True)
class Bin:
    low: int
    high: int
    count: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}"


def histogram_bins(percents: Iterable[float], width: int = 10) -> list[Bin]:
    """Counts of scores in bins of `width` percent (0–9, 10–19, ... 90–100), by the whole percent printed."""
    edges = list(range(0, 100, width))
    counts = [0] * len(edges)
    for percent in percents:
        shown = min(100, max(0, whole_percent(percent)))
        counts[min(shown // width, len(edges) - 1)] += 1
    return [
        Bin(low=low, high=100 if n == len(edges) - 1 else low + width - 1, count=counts[n])
        for n, low in enumerate(edges)
    ]


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of the histogram in SVG user units, with where its count and its label go."""

    bin: Bin
    x: float
    y: float
    width: float
    height: float
    middle: float
    count_y: float


@dataclass(frozen=True, slots=True)
class Histogram:
    width: int
    height: int
    baseline: float
    label_y: float
    bars: list[Bar]
    total: int

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def histogram_geometry(bins: Sequence[Bin], *, width: int = 600, height: int = 240) -> Histogram:
    """Bars scaled to the tallest bin, with room above for counts and below for the bins' labels."""
    top, bottom, side, gap = 24, 32, 8, 6
    slot = (width - 2 * side) / max(1, len(bins))
    tallest = max((b.count for b in bins), default=0)
    usable = height - top - bottom
    baseline = height - bottom
    bars = []
    for n, b in enumerate(bins):
        bar_height = usable * b.count / tallest if tallest else 0
        if b.count and bar_height < 2:
            bar_height = 2
        x = side + n * slot + gap / 2
        y = baseline - bar_height
        bars.append(
            Bar(
                bin=b,
                x=round(x, 1),
                y=round(y, 1),
                width=round(slot - gap, 1),
                height=round(bar_height, 1),
                middle=round(x + (slot - gap) / 2, 1),
                count_y=round(y - 6, 1),
            )
        )
    return Histogram(
        width=width,
        height=height,
        baseline=baseline,
        label_y=baseline + 20,
        bars=bars,
        total=sum(b.count for b in bins),
    )
