"""Reading lists of names a teacher pastes or uploads, and the usernames they become."""

import contextlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.classroom.names import (
    MAX_NAME_LENGTH,
    MAX_STUDENTS_AT_ONCE,
    RosterError,
    parse_roster,
    roster_text_from_upload,
    username_base,
    usernames_for,
)
from tests import factories

# -- Reading lists of names ----------------------------------------------------------------------------------


def test_one_name_per_line_takes_the_last_word_as_the_last_name():
    assert parse_roster("Anna Petrova\nAnna Maria  Ivanova\nMadonna\n") == [
        ("Anna", "Petrova"),
        ("Anna Maria", "Ivanova"),
        ("Madonna", ""),
    ]


def test_blank_lines_and_surrounding_spaces_are_ignored():
    assert parse_roster("\n\n  Anna Petrova  \r\n\r\n   Boris Ivanov\n \t \n") == [
        ("Anna", "Petrova"),
        ("Boris", "Ivanov"),
    ]


def test_csv_columns_are_first_then_last_name_and_further_columns_are_ignored():
    text = 'Anna,Petrova\nBoris,"Ivanov, Jr",boris@example.org\n,,\n'
    assert parse_roster(text) == [("Anna", "Petrova"), ("Boris", "Ivanov, Jr")]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_a_header_row_is_optional_and_sets_the_column_order(separator):
    text = separator.join(["Last name", "First name", "Email"]) + "\n" + separator.join(["Petrova", "Anna", "a@b"])
    assert parse_roster(text) == [("Anna", "Petrova")]
    assert parse_roster(separator.join(["Anna", "Petrova"])) == [("Anna", "Petrova")]


def test_a_single_name_column_under_a_header_is_split_like_a_pasted_line():
    assert parse_roster("Name\nAnna Maria Petrova\nBoris Ivanov") == [("Anna Maria", "Petrova"), ("Boris", "Ivanov")]
    assert parse_roster("Student,Email\nAnna Petrova,a@b") == [("Anna", "Petrova")]


def test_a_byte_order_mark_and_a_trailing_comma_do_not_get_in_the_way():
    # A row with only its first cell filled holds a whole name.
    assert parse_roster("\ufeffFirst,Last\nAnna,Petrova\nBoris Ivanov,\n") == [("Anna", "Petrova"), ("Boris", "Ivanov")]
    assert parse_roster("Anna Petrova,\n") == [("Anna", "Petrova")]


def test_an_error_names_its_line():
    text = "Anna Petrova\n\nBoris Ivanov\nOlga Ivanova\nIvan Petrov\nMaria Lenina\n,Nofirstname\nLast One"
    with pytest.raises(RosterError) as error:
        parse_roster(text)
    assert error.value.line == 7
    assert str(error.value) == "Line 7: there is no first name."


def test_names_longer_than_the_limit_are_refused_with_their_line():
    with pytest.raises(RosterError, match="Line 2: a name can be at most 100 characters"):
        parse_roster("Anna Petrova\n" + "A" * (MAX_NAME_LENGTH + 1) + " Petrova")
    assert parse_roster("A" * MAX_NAME_LENGTH + " Petrova") == [("A" * MAX_NAME_LENGTH, "Petrova")]


def test_at_most_200_names_at_once():
    names = [f"Student{n} Test" for n in range(MAX_STUDENTS_AT_ONCE)]
    assert len(parse_roster("\n".join(names))) == MAX_STUDENTS_AT_ONCE
    with pytest.raises(RosterError, match="Line 201: at most 200 students"):
        parse_roster("\n".join([*names, "One More"]))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "There are no names"),
        ("\n \n,,\n", "There are no names"),
        ("First name,Last name\n", "There are no names"),
        ("Anna\x00 Petrova", "Line 1: the name holds control characters"),
        ("Anna P\ufffdtrova", "Line 1: the name holds characters we could not read"),
        ("x" * 2000, "Line 1: the line is longer than"),
    ],
)
def test_unusable_lists_get_a_clear_message(text, message):
    with pytest.raises(RosterError, match=re.escape(message)):
        parse_roster(text)


@given(st.text(max_size=400))
def test_any_text_gives_names_or_a_roster_error_never_anything_else(text):
    try:
        names = parse_roster(text)
    except RosterError as error:
        assert str(error)
        assert error.line is None or error.line >= 1
    else:
        assert 1 <= len(names) <= MAX_STUDENTS_AT_ONCE
        for first, last in names:
            assert first and first == first.strip() and last == last.strip()
            assert len(first) <= MAX_NAME_LENGTH and len(last) <= MAX_NAME_LENGTH


@given(st.lists(st.sampled_from([",", ";", "\t", '"', "\n", "\r", " ", "a", "B", "é", "\ufeff", "Name"]), max_size=60))
def test_separator_heavy_text_never_crashes_the_parser(pieces):
    with contextlib.suppress(RosterError):
        parse_roster("".join(pieces))


def test_uploads_must_be_utf8_with_or_without_a_byte_order_mark():
    assert roster_text_from_upload("Anna Pétrova".encode()) == "Anna Pétrova"
    assert roster_text_from_upload("\ufeffAnna Pétrova".encode()) == "Anna Pétrova"
    with pytest.raises(RosterError, match="not UTF-8"):
        roster_text_from_upload("Anna Pétrova".encode("latin-1"))
    with pytest.raises(RosterError, match="UTF-16"):
        roster_text_from_upload("Anna Pétrova".encode("utf-16"))
    with pytest.raises(RosterError, match="larger than"):
        roster_text_from_upload(b"a" * 200_000)


# -- Usernames and passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "username"),
    [
        ("Anna", "Petrova", "anna.petrova"),
        ("Zoë", "Müller-Lüdenscheidt", "zoe.muller-ludenscheidt"),
        ("Пётр", "Щукин", "petr.shchukin"),
        ("Siobhán", "O'Brien", "siobhan.obrien"),
        ("Anna Maria", "de la Cruz", "anna-maria.de-la-cruz"),
        ("Madonna", "", "madonna"),
        ("李", "小龙", "student"),
        ("Łukasz", "Straße", "lukasz.strasse"),
    ],
)
def test_usernames_are_readable_lowercase_ascii(first, last, username):
    assert username_base(first, last) == username


def test_very_long_names_still_make_a_valid_username():
    base = username_base("A" * 100, "B" * 100)
    assert len(base) <= 61 and re.fullmatch(r"[a-z0-9.-]+", base)


def test_a_taken_username_gets_a_number(db):
    factories.UserFactory(username="anna.petrova")
    factories.UserFactory(username="anna.petrova2")
    factories.UserFactory(username="boris.ivanov")
    names = [("Anna", "Petrova"), ("Anna", "Petrova"), ("Boris", "Ivanov"), ("Olga", "Ivanova")]
    assert usernames_for(names) == ["anna.petrova3", "anna.petrova4", "boris.ivanov2", "olga.ivanova"]
