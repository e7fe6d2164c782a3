"""Lists of names a teacher pastes or uploads: reading them, checking them, the usernames they become, and the
limits on them. RosterError carries what is wrong, in words for the teacher."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q

from quizzes.models import User

MAX_STUDENTS_AT_ONCE = 200
MAX_NAME_LENGTH = 100
MAX_UPLOAD_BYTES = 100_000
MAX_LINE_LENGTH = 1_000


class RosterError(ValueError):
    """A list of names, or a file of them, that cannot be used; the message is shown to the teacher."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"Line {line}: {message}" if line else message)
        self.line = line


def check_names(names: list[tuple[str, str]]) -> None:
    """Names given as (first, last) pairs rather than text: the same limits as parse_roster."""
    if not names:
        raise RosterError("There are no names in the list.")
    if len(names) > MAX_STUDENTS_AT_ONCE:
        raise RosterError(f"At most {MAX_STUDENTS_AT_ONCE} students at once; this list has {len(names)}.")
    for number, (first, last) in enumerate(names, start=1):
        if not first.strip():
            raise RosterError(f"Name {number} has no first name.")
        if len(first) > MAX_NAME_LENGTH or len(last) > MAX_NAME_LENGTH:
            raise RosterError(f"Name {number} is longer than {MAX_NAME_LENGTH} characters.")


_LATIN = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i", "ħ": "h",
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
        "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
        "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
    }
)  # fmt: skip
USERNAME_PART_LENGTH = 30


def username_part(name: str) -> str:
    """'Anna-Maria' -> 'anna-maria', 'Pétrova' -> 'petrova', 'Пётр' -> 'petr': lowercase ASCII, or ''."""
    latin = unicodedata.normalize("NFKD", name.lower().translate(_LATIN))
    ascii_text = latin.encode("ascii", "ignore").decode().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:USERNAME_PART_LENGTH].strip("-")


def username_base(first: str, last: str) -> str:
    return ".".join(part for part in (username_part(first), username_part(last)) if part) or "student"


def usernames_for(names: list[tuple[str, str]]) -> list[str]:
    """A free username for each name: 'anna.petrova', then 'anna.petrova2', ... when it is taken."""
    bases = [username_base(first, last) for first, last in names]
    starts = Q()
    for base in set(bases):
        starts |= Q(username__istartswith=base)
    taken = {username.lower() for username in User.objects.filter(starts).values_list("username", flat=True)}
    usernames = []
    for base in bases:
        username, number = base, 1
        while username in taken:
            number += 1
            username = f"{base}{number}"
        taken.add(username)
        usernames.append(username)
    return usernames


# -- Reading a list of names ---------------------------------------------------------------------------------

_FIRST_HEADERS = {"first", "first name", "firstname", "first_name", "given name", "forename", "forenames"}
_LAST_HEADERS = {"last", "last name", "lastname", "last_name", "surname", "family name"}
_FULL_HEADERS = {"name", "names", "full name", "student", "students", "student name"}
_PLAIN_HEADERS = {"first name last name", "first last", "name surname", "first name surname"}
_DELIMITERS = ("\t", ";", ",")


@dataclass(frozen=True)
class _Columns:
    first: int | None = 0
    last: int | None = 1
    full: int | None = None


def parse_roster(text: str) -> list[tuple[str, str]]:
    """(first, last) for each name in a pasted list or CSV text; RosterError naming the line when one is unusable.

    One name per line ("Anna Petrova": the last word is the last name), or columns first and last separated by
    commas, semicolons or tabs (further columns are ignored). A header row such as "Last name,First name" is
    optional and sets the column order. Blank lines are ignored.
    """
    names: list[tuple[str, str]] = []
    columns = _Columns()
    header_seen = False
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_LENGTH:
            raise RosterError(f"the line is longer than {MAX_LINE_LENGTH} characters.", number)
        cells = _cells(line.strip(" "))
        if not header_seen:
            header_seen = True
            header = _header_columns(line, cells)
            if header:
                columns = header
                continue
        name = _name_from(line, cells, columns)
        if name is None:
            continue
        first, last = name
        _check_name(first, last, number)
        if len(names) == MAX_STUDENTS_AT_ONCE:
            raise RosterError(
                f"at most {MAX_STUDENTS_AT_ONCE} students can be added at once. Split the list and add the rest "
                "afterwards.",
                number,
            )
        names.append((first, last))
    if not names:
        raise RosterError("There are no names in the list.")
    return names


def _cells(line: str) -> list[str] | None:
    """The line's columns, or None when it is a plain name with no separators."""
    delimiter = next((d for d in _DELIMITERS if d in line), None)
    if delimiter is None:
        return None
    return next(csv.reader([line], delimiter=delimiter, strict=False), [])


def _header_columns(line: str, cells: list[str] | None) -> _Columns | None:
    """The column order a header row sets, or None when the first row is a name."""
    if cells is None:
        return _Columns() if _tidy(line).lower() in _FULL_HEADERS | _PLAIN_HEADERS else None
    labels = [_tidy(cell).lower() for cell in cells]
    if not any(label in _FIRST_HEADERS | _LAST_HEADERS | _FULL_HEADERS for label in labels):
        return None

    def where(headers: set[str]) -> int | None:
        return next((i for i, label in enumerate(labels) if label in headers), None)

    first, last, full = where(_FIRST_HEADERS), where(_LAST_HEADERS), where(_FULL_HEADERS)
    if first is None and last is None:
        return _Columns(first=None, last=None, full=full)
    return _Columns(first=first, last=last)


def _name_from(line: str, cells: list[str] | None, columns: _Columns) -> tuple[str, str] | None:
    """(first, last) from one line, or None for a row of empty cells (spreadsheets export those)."""
    if cells is None:
        return _split_full_name(line)
    cells = [_tidy(cell) for cell in cells]
    filled = [cell for cell in cells if cell]
    if not filled:
        return None

    def cell(index: int | None) -> str:
        return cells[index] if index is not None and index < len(cells) else ""

    if columns.full is not None:
        return _split_full_name(cell(columns.full))
    if columns == _Columns() and len(filled) == 1 and cells[0]:  # "Anna Petrova,"
        return _split_full_name(filled[0])
    return cell(columns.first), cell(columns.last)


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _split_full_name(text: str) -> tuple[str, str]:
    words = _tidy(text).split(" ")
    if len(words) == 1:
        return words[0], ""
    return " ".join(words[:-1]), words[-1]


def _check_name(first: str, last: str, number: int) -> None:
    if not first and not last:
        raise RosterError("there is no name.", number)
    if not first:
        raise RosterError("there is no first name.", number)
    for part in (first, last):
        if len(part) > MAX_NAME_LENGTH:
            raise RosterError(f"a name can be at most {MAX_NAME_LENGTH} characters long.", number)
        if "\ufffd" in part:
            raise RosterError("the name holds characters we could not read. Type it again.", number)
        if any(unicodedata.category(char) in ("Cc", "Cs") for char in part):
            raise RosterError("the name holds control characters. Type it again.", number)


def roster_text_from_upload(data: bytes) -> str:
    """The text of an uploaded .csv or .txt file, which must be UTF-8 (a byte order mark is fine)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise RosterError(
            f"The file is larger than {MAX_UPLOAD_BYTES // 1000} KB; a list of {MAX_STUDENTS_AT_ONCE} names "
            "needs far less. Is it the right file?"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterError(
            "The file is saved as UTF-16 (\u201cUnicode text\u201d). Save it as \u201cCSV UTF-8\u201d and upload it again."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(
            "The file is not UTF-8 text. In your spreadsheet, choose \u201cSave as\u201d \u2192 "
            "\u201cCSV UTF-8\u201d and upload it again."
        ) from None
    if "\x00" in text:
        raise RosterError("The file is not a text file. Upload a .csv or .txt file.")
    return text
