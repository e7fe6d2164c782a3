"""Score arithmetic without a database: counting rules, bands, medians, item analysis and the histogram."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.models import Attempt
from quizzes.scores import arithmetic as scores
from quizzes.scores.arithmetic import AttemptFacts, counted_score

IN_PROGRESS, ON_TIME, LATE = Attempt.State.IN_PROGRESS, Attempt.State.SUBMITTED, Attempt.State.LATE


def done(number, percent, late=False):
    return AttemptFacts(number=number, percent=percent, submitted=True, late=late)


def in_progress(number):
    return AttemptFacts(number=number, percent=None, submitted=False)


# -- Counted score per rule ---------------------------------------------------------------------------------------


def test_highest_counts_the_best_submitted_attempt():
    counted = counted_score([done(1, 40.0), done(2, 90.0), done(3, 70.0)], "highest")
    assert counted.percent == 90.0
    assert counted.submitted == 3
    assert not counted.in_progress


def test_latest_counts_the_attempt_with_the_highest_number_not_the_best():
    assert counted_score([done(2, 40.0), done(1, 90.0)], "latest").percent == 40.0


def test_average_counts_the_mean_of_submitted_attempts():
    assert counted_score([done(1, 40.0), done(2, 90.0)], "average").percent == 65.0


@pytest.mark.parametrize("rule", ["highest", "latest", "average"])
def test_an_attempt_in_progress_does_not_count_but_is_reported(rule):
    counted = counted_score([done(1, 60.0), in_progress(2)], rule)
    assert counted.percent == 60.0
    assert counted.in_progress
    assert counted.submitted == 1


@pytest.mark.parametrize("rule", ["highest", "latest", "average"])
def test_only_an_attempt_in_progress_has_no_score(rule):
    counted = counted_score([in_progress(1)], rule)
    assert counted.percent is None
    assert counted.in_progress


def test_no_attempts_is_not_started():
    assert counted_score([], "highest") == scores.NOT_STARTED
    assert scores.NOT_STARTED == (None, False, False, 0)


def test_late_follows_the_attempt_that_counts():
    attempts = [done(1, 50.0, late=False), done(2, 80.0, late=True)]
    assert counted_score(attempts, "highest").late
    assert counted_score(attempts, "latest").late
    assert counted_score([done(1, 80.0, late=True), done(2, 50.0)], "latest").late is False
    assert counted_score([done(1, 80.0, late=True), done(2, 50.0)], "average").late


def test_between_equal_best_attempts_the_on_time_one_counts():
    assert counted_score([done(1, 80.0, late=True), done(2, 80.0)], "highest").late is False


def test_a_single_attempt_takes_the_same_path_for_every_rule():
    for rule in ("highest", "latest", "average"):
        assert counted_score([done(1, 72.5, late=True)], rule) == (72.5, True, False, 1)


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=6))
def test_every_rule_gives_a_score_between_the_lowest_and_the_highest(percents):
    attempts = [done(n, p) for n, p in enumerate(percents, start=1)]
    for rule in ("highest", "latest", "average"):
        counted = counted_score(attempts, rule).percent
        assert min(percents) - 1e-9 <= counted <= max(percents) + 1e-9
    assert counted_score(attempts, "highest").percent == max(percents)
    assert counted_score(attempts, "latest").percent == percents[-1]


def test_percent_of_a_score():
    assert scores.percent_of(7, 8) == 87.5
    assert scores.percent_of(None, 8) is None
    assert scores.percent_of(3, 0) is None


# -- Bands ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "name"),
    [
        (0, "low"),
        (49, "low"),
        (49.4, "low"),
        (49.6, "mid"),
        (50, "mid"),
        (69, "mid"),
        (70, "good"),
        (84, "good"),
        (85, "high"),
        (100, "high"),
    ],
)
def test_bands_follow_the_printed_number(percent, name):
    assert scores.band(percent) == name


def test_no_score_has_no_band():
    assert scores.band(None) == ""


def test_whole_percent_rounds_like_attempt_percent():
    assert scores.whole_percent(12.5) == 12
    assert scores.whole_percent(13.5) == 14
    assert scores.whole_percent(None) is None


# -- Median and mean ------------------------------------------------------------------------------------------------


def test_median_of_odd_and_even_counts():
    assert scores.median([30, 10, 20]) == 20
    assert scores.median([10, 20, 30, 40]) == 25
    assert scores.median([]) is None


def test_mean():
    assert scores.mean([10, 20, 60]) == 30
    assert scores.mean([]) is None
    assert scores.mean(x for x in [5.0]) == 5.0


# -- Item analysis --------------------------------------------------------------------------------------------------


def test_facility_is_the_average_share_of_the_points():
    assert scores.facility([1.0, 0.0, 0.5, 0.5]) == 0.5
    assert scores.facility([]) is None


def test_discrimination_needs_three_attempts():
    assert scores.discrimination([]) is None
    assert scores.discrimination([(90.0, 1.0), (10.0, 0.0)]) is None
    assert scores.discrimination([(90.0, 1.0), (50.0, 0.5), (10.0, 0.0)]) == 1.0


def test_discrimination_compares_the_top_and_bottom_thirds():
    # Six attempts: thirds of two. The top two got it right, the bottom two did not.
    results = [(95.0, 1.0), (90.0, 1.0), (60.0, 0.0), (55.0, 1.0), (20.0, 0.0), (10.0, 0.0)]
    assert scores.discrimination(results) == 1.0


def test_discrimination_is_negative_when_weaker_students_do_better():
    results = [(95.0, 0.0), (60.0, 1.0), (10.0, 1.0)]
    assert scores.discrimination(results) == -1.0


def test_discrimination_is_zero_when_everyone_has_the_same_total():
    assert scores.discrimination([(50.0, 1.0), (50.0, 0.0), (50.0, 1.0), (50.0, 0.0)]) == 0.0


def test_discrimination_ignores_the_middle_third():
    results = [(90.0, 1.0), (80.0, 1.0), (70.0, 0.0), (60.0, 0.0), (20.0, 0.0), (10.0, 0.0), (5.0, 1.0)]
    # n = 7: thirds of 2; the top two are right, the bottom two (5 and 10) are half right.
    assert scores.discrimination(results) == 0.5


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 1)), min_size=3, max_size=40))
def test_discrimination_stays_between_minus_one_and_one(results):
    assert -1.0 <= scores.discrimination(results) <= 1.0


def test_share_width_for_bars():
    assert scores.share_width(0, 10) == 0
    assert scores.share_width(1, 1000) == 1  # a pick is never drawn as nothing
    assert scores.share_width(5, 10) == 50
    assert scores.share_width(10, 10) == 100
    assert scores.share_width(3, 0) == 0


# -- Histogram ------------------------------------------------------------------------------------------------------


def test_histogram_bins_by_tens_with_100_in_the_last_bin():
    bins = scores.histogram_bins([0, 9, 10, 55, 89.6, 99, 100])
    assert [b.label for b in bins][:2] == ["0–9", "10–19"]
    assert bins[-1].label == "90–100"
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 3]


def test_histogram_bins_use_the_printed_number():
    bins = scores.histogram_bins([9.4, 9.6])
    assert bins[0].count == 1 and bins[1].count == 1


def test_histogram_of_nothing_has_empty_bins():
    bins = scores.histogram_bins([])
    assert len(bins) == 10 and sum(b.count for b in bins) == 0


def test_histogram_geometry_scales_bars_to_the_tallest():
    chart = scores.histogram_geometry(scores.histogram_bins([95, 95, 45]), width=600, height=240)
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.bin.label == "90–100"
    assert tallest.y + tallest.height == chart.baseline
    assert tallest.height == 240 - 24 - 32
    half = next(bar for bar in chart.bars if bar.bin.label == "40–49")
    assert half.height == pytest.approx(tallest.height / 2, abs=0.1)
    empty = next(bar for bar in chart.bars if bar.bin.count == 0)
    assert empty.height == 0
    assert chart.total == 3
    assert chart.view_box == "0 0 600 240"
    xs = [bar.x for bar in chart.bars]
    assert xs == sorted(xs) and xs[-1] + chart.bars[-1].width <= 600


def test_histogram_geometry_without_scores_draws_no_bars():
    chart = scores.histogram_geometry(scores.histogram_bins([]))
    assert all(bar.height == 0 for bar in chart.bars)


# -- Counting a whole class at once ---------------------------------------------------------------------------------

attempt_rows = st.lists(
    st.tuples(
        st.integers(1, 4),  # student
        st.integers(1, 3),  # assignment
        st.one_of(st.none(), st.floats(0, 100)),  # percent
        st.sampled_from([IN_PROGRESS, ON_TIME, LATE]),
    ),
    max_size=30,
)


@given(attempt_rows, st.sampled_from(["highest", "latest", "average"]))
def test_counting_a_class_at_once_agrees_with_counting_each_cell(rows, rule):
    counting_of = {1: rule, 2: "highest", 3: "average"}
    numbered = []
    for n, (student, assignment, percent, state) in enumerate(rows, start=1):
        percent = None if state == IN_PROGRESS else percent
        numbered.append((student, assignment, n, percent, state))
    counted = scores.counted_by_student(numbered, counting_of)
    for student, assignment, *_ in numbered:
        facts = [
            AttemptFacts(n, p, s != IN_PROGRESS, s == LATE)
            for st_, a, n, p, s in numbered
            if (st_, a) == (student, assignment)
        ]
        assert counted[student][assignment] == counted_score(facts, counting_of[assignment])


def test_counting_a_class_at_once_by_hand():
    rows = [
        (7, 1, 1, 40.0, ON_TIME),
        (7, 1, 2, 90.0, LATE),
        (7, 2, 1, None, IN_PROGRESS),
        (8, 1, 1, 55.0, ON_TIME),
    ]
    counted = scores.counted_by_student(rows, {1: "latest", 2: "highest"})
    assert counted[7][1] == (90.0, True, False, 2)
    assert counted[7][2] == (None, False, True, 0)
    assert counted[8][1].percent == 55.0
    assert 2 not in counted[8]
