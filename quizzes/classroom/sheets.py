"""One-time passwords: making them, and the sheet of new accounts that shows them once (on the page, and as CSV
from a signed copy the page carries, since the server keeps none)."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.core import signing

from quizzes.classroom.names import RosterError
from quizzes.models import Classroom, User
from quizzes.spreadsheet import csv_text

# Readable one-time passwords: no 0/o, 1/l/i, in groups, e.g. "k7mq-xp4t-rw9h" (about 59 bits).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_GROUPS = 3
PASSWORD_GROUP_LENGTH = 4

# A one-time password is random (59 bits) and replaced at the first login, so a PBKDF2 hash needs far fewer
# rounds than a password a person chose; at the default rounds, 200 accounts would take over a minute to hash.
# The account is rehashed at full strength when its password changes, which the first login forces.
ONE_TIME_PASSWORD_ITERATIONS = 20_000

SHEET_MAX_AGE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class NewStudent:
    """An account just made; the password exists only here, for the one sheet that shows it."""

    user: User
    password: str


@dataclass(frozen=True)
class SheetRow:
    first_name: str
    last_name: str
    username: str
    password: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def one_time_password() -> str:
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH)) for _ in range(PASSWORD_GROUPS)
    )


def one_time_password_hash(password: str) -> str:
    """The password's hash, with fewer rounds when the project's hasher is PBKDF2 (see ONE_TIME_PASSWORD_ITERATIONS)."""
    return make_password(password, hasher=_one_time_hasher())


def _one_time_hasher():
    """The project's password hasher, with fewer rounds when it is PBKDF2 (see ONE_TIME_PASSWORD_ITERATIONS)."""
    hasher = get_hasher("default")
    if isinstance(hasher, PBKDF2PasswordHasher) and hasher.iterations > ONE_TIME_PASSWORD_ITERATIONS:
        hasher = copy.copy(hasher)
        hasher.iterations = ONE_TIME_PASSWORD_ITERATIONS
    return hasher


def sheet_rows(new_students: list[NewStudent]) -> list[SheetRow]:
    return [
        SheetRow(student.user.first_name, student.user.last_name, student.user.username, student.password)
        for student in new_students
    ]


def sheet_sign(*, classroom: Classroom, rows: list[SheetRow]) -> str:
    """The sheet as a signed token for the result page's download form: the server keeps no copy of it."""
    payload = [[row.first_name, row.last_name, row.username, row.password] for row in rows]
    return signing.dumps(payload, salt=_sheet_salt(classroom), compress=True)


def sheet_read(*, classroom: Classroom, token: str) -> list[SheetRow]:
    try:
        payload = signing.loads(token, salt=_sheet_salt(classroom), max_age=SHEET_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise RosterError(
            "This list is more than a day old and can no longer be downloaded; the passwords were shown only once."
        ) from None
    except signing.BadSignature:
        raise RosterError("This list of new accounts could not be read. Use the button on the list itself.") from None
    return [SheetRow(*row) for row in payload]


def _sheet_salt(classroom: Classroom) -> str:
    return f"quizzes.roster-sheet:{classroom.pk}"


def sheet_csv(*, classroom: Classroom, rows: list[SheetRow], login_url: str) -> str:
    """The sheet as CSV text with a byte order mark, so spreadsheets read its accents correctly."""
    header = ["First name", "Last name", "Username", "One-time password", "Class", "Log in at"]
    return csv_text(
        header,
        ([row.first_name, row.last_name, row.username, row.password, classroom.name, login_url] for row in rows),
    )
