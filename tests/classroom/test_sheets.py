"""One-time passwords and the sheet of new accounts."""

import re
from unittest import mock

import pytest
from django.core import signing

from quizzes.classroom.names import (
    RosterError,
)
from quizzes.classroom.services import (
    students_bulk_create,
)
from quizzes.classroom.sheets import (
    PASSWORD_ALPHABET,
    SheetRow,
    one_time_password,
    sheet_csv,
    sheet_read,
    sheet_rows,
    sheet_sign,
)


def test_one_time_passwords_are_readable_and_different():
    passwords = {one_time_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert re.fullmatch(
            rf"[{PASSWORD_ALPHABET}]{{4}}-[{PASSWORD_ALPHABET}]{{4}}-[{PASSWORD_ALPHABET}]{{4}}", password
        )
        assert not set(password) & set("0o1li")


# -- The sheet ---------------------------------------------------------------------------------------------------


def test_the_signed_sheet_round_trips_only_for_its_class(school):
    created = students_bulk_create(classroom=school.classroom, names=[("Anna", "Petrova")])
    rows = sheet_rows(created)
    token = sheet_sign(classroom=school.classroom, rows=rows)
    assert sheet_read(classroom=school.classroom, token=token) == rows
    with pytest.raises(RosterError, match="could not be read"):
        sheet_read(classroom=school.other_classroom, token=token)
    with pytest.raises(RosterError, match="could not be read"):
        sheet_read(classroom=school.classroom, token=token[:-2] + "xx")


def test_an_old_sheet_has_expired(school):
    token = sheet_sign(classroom=school.classroom, rows=[SheetRow("Anna", "Petrova", "anna.petrova", "abcd")])
    with (
        mock.patch("quizzes.classroom.sheets.signing.loads", side_effect=signing.SignatureExpired),
        pytest.raises(RosterError, match="more than a day old"),
    ):
        sheet_read(classroom=school.classroom, token=token)


def test_the_csv_has_a_byte_order_mark_and_no_formulas(school):
    rows = [SheetRow("Зоя", "Петрова", "zoya.petrova", "abcd-efgh-jkmn"), SheetRow("=cmd()", "+x", "cmd", "p")]
    text = sheet_csv(classroom=school.classroom, rows=rows, login_url="https://quiz.example/accounts/login/")
    assert text.startswith("\ufeffFirst name,Last name,Username,One-time password,Class,Log in at\r\n")
    assert "Зоя,Петрова,zoya.petrova,abcd-efgh-jkmn,History 10A,https://quiz.example/accounts/login/" in text
    assert "'=cmd(),'+x,cmd" in text
