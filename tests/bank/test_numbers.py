"""Numbers read within limits (quizzes/bank/numbers.py), and every path that reads one: GIFT files, the YAML bank, the
teacher's question form, the admin, students' answers. A number like 1e999999999 once hung a worker for good."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from quizzes.bank.fixtures import BankError, load_bank
from quizzes.bank.gift import export_gift, parse_gift
from quizzes.bank.grading import AnswerKey, grade, parse_decimal
from quizzes.bank.numbers import (
    MAX_NUMBER_TEXT,
    QUESTION_NUMBER,
    QUESTION_POINTS,
    NotANumber,
    NumberError,
    NumberOutOfRange,
    read_number,
)
from quizzes.bank.rules import question_problems
from quizzes.models import Question
from tests import factories
from tests.authoring.test_own_questions import form_data
from tests.bank.test_admin import change_page_data
from tests.conftest import client_for

# What a clever student or a rogue teacher types, or a crafted file holds.
HUGE = ["1e999999999", "-1e999999999", "1E+999999999", "9e15", "1" + "0" * 15, "1e-999999999", "0.00000000001"]


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("10", Decimal(10)),
        (" -2.5 ", Decimal("-2.5")),
        (17, Decimal(17)),
        (2.5, Decimal("2.5")),
        (Decimal("3.1415"), Decimal("3.1415")),
        ("1e3", Decimal(1000)),
        ("2.50000000000000000", Decimal("2.5")),  # trailing zeros are not decimal places
        ("0e-999999999", Decimal(0)),
        ("-0E+999999999", Decimal(0)),
        ("999999999999999.9999999999", Decimal("999999999999999.9999999999")),
    ],
)
def test_numbers_within_the_limits_are_read(value, number):
    assert read_number(value) == number


@pytest.mark.parametrize("value", [*HUGE[:5], "1" + "0" * 15 + ".5", "0.00000000001", "1e-999999999"])
def test_numbers_outside_the_limits_are_refused_with_advice(value):
    with pytest.raises(NumberOutOfRange) as refused:
        read_number(value)
    assert str(refused.value) == (
        "Use a number between -1,000,000,000,000,000 and 1,000,000,000,000,000 with at most 10 decimal places."
    )


@pytest.mark.parametrize("value", ["NaN", "-nan", "sNaN", "Infinity", "-inf", "", "ten", None, True, float("inf")])
def test_what_is_not_a_finite_number_is_refused(value):
    with pytest.raises(NotANumber):
        read_number(value)


def test_a_long_text_is_refused_before_it_is_read():
    with pytest.raises(NotANumber, match=f"at most {MAX_NUMBER_TEXT} characters"):
        read_number("1" * (MAX_NUMBER_TEXT + 1))


@pytest.mark.parametrize(
    ("limits", "field"),
    [(QUESTION_NUMBER, "number"), (QUESTION_NUMBER, "tolerance"), (QUESTION_POINTS, "points")],
)
def test_a_questions_limits_are_what_its_database_column_holds(limits, field):
    column = Question._meta.get_field(field)
    assert (limits.whole_digits, limits.decimal_places) == (
        column.max_digits - column.decimal_places,
        column.decimal_places,
    )


numberish = st.one_of(
    st.text(alphabet="0123456789eE+-.,nNaAiIfF sx", max_size=30),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-(10**6), 10**6), st.integers(-(10**12), 10**12)),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@given(numberish)
def test_any_text_is_a_small_number_or_a_number_error(text):
    try:
        number = read_number(text)
    except NumberError:
        return
    # What every reader then does with a number stays small and exact.
    assert len(format(number, "f")) <= 30
    assert abs(number - Decimal("123.4")) >= 0


@given(numberish)
def test_grading_any_typed_number_never_overflows(text):
    key = AnswerKey(type="numeric", number=Decimal(10), tolerance=Decimal("0.5"))
    assert grade(key, text).points in (Decimal(0), Decimal("1.00"))


def test_grading_reads_what_students_type_and_nothing_huge():
    assert parse_decimal("1,000") == Decimal(1000)
    assert parse_decimal("10,5") == Decimal("10.5")
    for text in HUGE[:5]:
        assert parse_decimal(text) is None


# -- GIFT ------------------------------------------------------------------------------------------------------


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "block",
    [
        "{#1e999999999}",
        "{#-1e999999999}",
        "{#1:1e999999999}",
        "{#1..1e999999999}",
        "{#1e-999999999}",
        "{#=1e999999999}",
    ],
)
def test_a_40_byte_gift_file_with_a_huge_number_is_skipped_at_once(block):
    (item,) = parse_gift(f"How many?{block}\n")
    assert item.status == "skipped"
    assert "numeric answer" in item.reason and "1,000,000,000,000,000" in item.reason


def test_a_gift_number_too_large_for_a_question_is_skipped_with_the_reason():
    (item,) = parse_gift("How many?{#12345678901}\n")
    assert item.status == "skipped"
    assert item.reason == (
        "numeric answer '12345678901' is not a number between -10,000,000,000 and 10,000,000,000 with at most 4 "
        "decimal places"
    )


def test_exporting_a_huge_number_to_gift_is_refused():
    with pytest.raises(ValueError, match="cannot export numeric question"):
        export_gift([{"type": "numeric", "prompt": "How many?", "number": "1e999999999"}])


@pytest.mark.timeout(30)
def test_the_admin_checks_a_40_byte_gift_file_at_once(db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(factories.UserFactory(username="admin", is_staff=True, is_superuser=True))
    upload = SimpleUploadedFile("huge.gift", b"How many delegates?{#1e999999999}\n", content_type="text/plain")
    response = client.post(reverse("admin:quizzes_question_import_gift"), {"file": upload})
    assert response.status_code == 200
    assert "0 would be imported, 1 skipped" in response.content.decode()
    assert not Question.objects.exists()


# -- The YAML bank and the bank's rules ------------------------------------------------------------------------


def test_the_banks_rules_refuse_numbers_a_question_cannot_hold():
    question = {"type": "numeric", "prompt": "How many?", "difficulty": 1, "number": "1e999999999"}
    assert question_problems(question | {"status": "draft"}, require_evidence=False) == [
        "numeric answer '1e999999999' is not a number between -10,000,000,000 and 10,000,000,000 with at most 4 "
        "decimal places"
    ]
    problems = question_problems(
        question | {"number": 5, "tolerance": "1e999999999", "points": "1e999999999", "status": "draft"}
    )
    assert "points '1e999999999' is not a number between -1,000 and 1,000 with at most 2 decimal places" in problems
    assert any(problem.startswith("numeric tolerance '1e999999999' is not a number between") for problem in problems)
    assert "points 0 must be more than 0" in question_problems(question | {"number": 5, "points": 0})


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("field", "value"), [("number", "1e999999999"), ("tolerance", "-1e999999999")])
def test_loading_a_bank_file_with_a_huge_number_stops_with_the_problem(db, tmp_path: Path, field, value):
    (tmp_path / "bank").mkdir()
    (tmp_path / "sources.yaml").write_text("[]\n", encoding="utf-8")
    (tmp_path / "topics.yaml").write_text("[]\n", encoding="utf-8")
    question = {"number": "5", "tolerance": "0"} | {field: value}
    (tmp_path / "bank" / "numbers.yaml").write_text(
        "- key: huge\n  type: numeric\n  prompt: How many?\n  difficulty: 1\n  status: draft\n"
        f'  number: "{question["number"]}"\n  tolerance: "{question["tolerance"]}"\n',
        encoding="utf-8",
    )
    with pytest.raises(BankError, match=f"huge: numeric {'answer' if field == 'number' else 'tolerance'} '{value}'"):
        load_bank(tmp_path)
    assert not Question.objects.exists()


# -- The teacher's question form and the admin ---------------------------------------------------------------


@pytest.mark.parametrize("field", ["number", "tolerance"])
@pytest.mark.parametrize("value", [*HUGE[:5], "1e-999999999", "0.00001"])
def test_a_teachers_huge_number_comes_back_on_its_field(school, field, value):
    response = client_for(school.teacher).post(reverse("question_create"), form_data("numeric", **{field: value}))
    assert response.status_code == 422
    assert "Use a number between -10,000,000,000 and 10,000,000,000 with at most 4 decimal places." in (
        response.content.decode()
    )
    assert not Question.objects.filter(owner=school.teacher).exists()


@pytest.mark.parametrize("value", ["1e999999999", "-1e999999999", "1e-999999999", "NaN", "Infinity"])
def test_the_admin_refuses_a_huge_number_on_its_field(school, value):
    question = school.questions["numeric"]
    client = client_for(factories.UserFactory(username="admin", is_staff=True, is_superuser=True))
    data = change_page_data(client, question) | {"number": value}
    response = client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    question.refresh_from_db()
    assert question.number == Decimal(10)


# -- A student's answer -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", HUGE[:5] + ["1e-999999999"])
def test_a_students_huge_number_gets_advice_and_saves_nothing(school, value):
    from quizzes.attempts.services import attempt_start

    attempt = attempt_start(student=school.student, assignment=school.assignment)
    response_row = attempt.responses.get(question=school.questions["numeric"])
    response = client_for(school.student).post(
        reverse("attempt_answer", args=[attempt.pk, response_row.position]), {"answer": value}
    )
    assert response.status_code == 422
    assert "Use a number between -1,000,000,000,000,000 and 1,000,000,000,000,000" in response.content.decode()
    response_row.refresh_from_db()
    assert not response_row.is_answered
