"""Grading every question type, partial credit and the normalising of typed answers."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.bank.grading import AnswerKey, grade, normalise_text, parse_decimal

SINGLE = AnswerKey(type="single", choice_ids=(1, 2, 3), correct_choice_ids=frozenset({2}))
MULTIPLE = AnswerKey(type="multiple", choice_ids=(1, 2, 3, 4), correct_choice_ids=frozenset({1, 2}), points=Decimal(2))
TRUE_FALSE = AnswerKey(type="true_false", answer_bool=False)
SHORT = AnswerKey(type="short_text", accepted=("Novaya Zhizn", "Novaia Zhizn"))
NUMERIC = AnswerKey(type="numeric", number=Decimal(10))
NUMERIC_TOLERANT = AnswerKey(type="numeric", number=Decimal(1917), tolerance=Decimal(1))
ORDERING = AnswerKey(type="ordering", item_ids=(7, 8, 9))
MATCHING = AnswerKey(type="matching", pair_ids=(4, 5, 6))


def test_single_choice_scores_only_the_correct_choice():
    assert grade(SINGLE, 2).correct and grade(SINGLE, 2).points == Decimal(1)
    assert not grade(SINGLE, 3).correct and grade(SINGLE, 3).points == 0


@pytest.mark.parametrize(
    ("picked", "points", "correct"),
    [
        ([1, 2], Decimal("2.00"), True),  # both right picks
        ([1], Decimal("1.00"), False),  # one of two: half
        ([1, 3], Decimal("0.00"), False),  # +1/2 -1/2
        ([1, 2, 3], Decimal("1.00"), False),  # +1 -1/2
        ([3, 4], Decimal("0.00"), False),  # never below zero
    ],
)
def test_multiple_answers_earn_and_lose_one_kth_per_pick(picked, points, correct):
    result = grade(MULTIPLE, picked)
    assert result.points == points
    assert result.correct is correct


def test_true_false_compares_the_boolean():
    assert grade(TRUE_FALSE, False).correct
    assert not grade(TRUE_FALSE, True).correct


@pytest.mark.parametrize("typed", ["Novaya zhizn", "Novaya Zhizn'", " novaya  zhizn ", "NOVAYA ZHIZN’", "Nováya Zhízn"])
def test_short_text_ignores_case_spacing_apostrophes_and_diacritics(typed):
    assert grade(SHORT, typed).correct


@pytest.mark.parametrize("typed", ["Rabochii Put", "Novaya", "", "zhizn novaya"])
def test_short_text_rejects_other_words(typed):
    assert not grade(SHORT, typed).correct


def test_normalise_text_folds_to_plain_words():
    assert normalise_text("  Lenin’s  “Letter”, to Comrades! ") == "lenins letter to comrades"


@pytest.mark.parametrize(("typed", "correct"), [("10", True), (" 10.0 ", True), ("11", False), ("ten", False)])
def test_numeric_exact(typed, correct):
    assert grade(NUMERIC, typed).correct is correct


@pytest.mark.parametrize(("typed", "correct"), [("1916", True), ("1918", True), ("1,918", True), ("1919", False)])
def test_numeric_with_tolerance(typed, correct):
    assert grade(NUMERIC_TOLERANT, typed).correct is correct


def test_parse_decimal_reads_what_students_type():
    assert parse_decimal("1,000") == Decimal(1000)
    assert parse_decimal("2,5") == Decimal("2.5")
    assert parse_decimal("NaN") is None
    assert parse_decimal("1e999999999") is None or parse_decimal("1e999999999").is_finite()


def test_ordering_gives_credit_for_each_item_in_its_place():
    assert grade(ORDERING, [7, 8, 9]).correct
    partly = grade(ORDERING, [7, 9, 8])
    assert not partly.correct and partly.points == Decimal("0.33")
    assert grade(ORDERING, [9, 7, 8]).points == 0


def test_matching_gives_credit_for_each_pair():
    assert grade(MATCHING, {4: 4, 5: 5, 6: 6}).correct
    assert grade(MATCHING, {4: 4, 5: 6, 6: 5}).points == Decimal("0.33")


@given(st.lists(st.integers(min_value=1, max_value=6), max_size=6))
def test_multiple_answers_points_stay_between_zero_and_full(picked):
    points = grade(MULTIPLE, picked).points
    assert Decimal(0) <= points <= MULTIPLE.points


@given(st.text(max_size=200))
def test_any_typed_text_grades_without_error(text):
    assert grade(SHORT, text).points in (Decimal(0), Decimal(1))
    assert grade(NUMERIC, text).points in (Decimal(0), Decimal(1))


@given(st.lists(st.integers(min_value=0, max_value=12), max_size=8))
def test_any_ordering_answer_scores_between_zero_and_full(order):
    assert Decimal(0) <= grade(ORDERING, order).points <= Decimal(1)


@given(st.dictionaries(st.integers(min_value=0, max_value=9), st.integers(min_value=0, max_value=9), max_size=6))
def test_any_matching_answer_scores_between_zero_and_full(matches):
    result = grade(MATCHING, matches)
    assert Decimal(0) <= result.points <= Decimal(1)
    assert result.correct == all(matches.get(p) == p for p in MATCHING.pair_ids)


@given(st.one_of(st.integers(), st.none(), st.text(max_size=5)))
def test_any_single_or_true_false_answer_grades(value):
    assert grade(SINGLE, value).points in (Decimal(0), Decimal(1))
    assert grade(TRUE_FALSE, value).points in (Decimal(0), Decimal(1))
