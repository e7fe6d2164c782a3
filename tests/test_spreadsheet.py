"""Formula-safe CSV cells: the guard against CSV injection shared by the gradebook and the sheet of new accounts."""

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.spreadsheet import FORMULA_STARTS, csv_text, spreadsheet_safe

ATTACKS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-1",
]


@pytest.mark.parametrize("cell", ATTACKS)
@pytest.mark.parametrize("spaces", ["", " ", "   "])
def test_a_cell_a_spreadsheet_would_run_is_shown_as_text(cell, spaces):
    assert spreadsheet_safe(spaces + cell) == "'" + spaces + cell


@pytest.mark.parametrize("cell", ["Anna", "Anna-Maria", "O'Brien", "Зоя", "", " ", "1917", "a=b", "x+y"])
def test_ordinary_cells_are_left_alone(cell):
    assert spreadsheet_safe(cell) == cell


@given(st.text(max_size=30))
def test_no_safe_cell_starts_a_formula(text):
    assert not spreadsheet_safe(text).lstrip(" ").startswith(FORMULA_STARTS)


def test_csv_text_has_a_byte_order_mark_and_guards_every_text_cell():
    text = csv_text(["Name", "Score"], [["=cmd()", 5], [" @x", None], ["Anna", -3]])
    assert text.startswith("\ufeffName,Score\r\n")
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [
        ["Name", "Score"],
        ["'=cmd()", "5"],
        ["' @x", ""],
        ["Anna", "-3"],
    ]


def test_every_csv_the_app_writes_goes_through_csv_text():
    """A csv.writer anywhere else could write a teacher's or a student's text as a formula."""
    package = Path(__file__).resolve().parents[1] / "quizzes"
    writers = [
        path.relative_to(package.parent).as_posix()
        for path in package.rglob("*.py")
        if path.name != "spreadsheet.py" and re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert writers == []
