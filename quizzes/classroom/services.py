"""Classes and their rosters: the teacher's writes, the reads their pages need, and reading lists of names."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from quizzes.classroom.models import new_join_code, normalise_join_code
from quizzes.models import Assignment, Attempt, Classroom, Enrollment, QuizSetItem, User

MAX_STUDENTS_AT_ONCE = 200
MAX_NAME_LENGTH = 100
MAX_UPLOAD_BYTES = 100_000
MAX_LINE_LENGTH = 1_000

# Readable one-time passwords: no 0/o, 1/l/i, in groups, e.g. "k7mq-xp4t-rw9h" (about 59 bits).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_GROUPS = 3
PASSWORD_GROUP_LENGTH = 4

# A one-time password is random (59 bits) and replaced at the first login, so a PBKDF2 hash needs far fewer
# rounds than a password a person chose; at the default rounds, 200 accounts would take over a minute to hash.
# The account is rehashed at full strength when its password changes, which the first login forces.
ONE_TIME_PASSWORD_ITERATIONS = 20_000

SHEET_MAX_AGE_SECONDS = 24 * 60 * 60
BATCH_MEMORY_SECONDS = 24 * 60 * 60


class RosterError(ValueError):
    """A list of names, or a file of them, that cannot be used; the message is shown to the teacher."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"Line {line}: {message}" if line else message)
        self.line = line


class RosterRepeated(RosterError):
    """The same add-students form was sent twice (a reload or a double click): nothing more was created."""


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


# -- Classes -------------------------------------------------------------------------------------------------


def classroom_create(*, teacher: User, name: str) -> Classroom:
    with transaction.atomic():
        return Classroom.objects.create(teacher=teacher, name=name.strip())


def classroom_rename(*, classroom: Classroom, name: str) -> Classroom:
    with transaction.atomic():
        classroom.name = name.strip()
        classroom.save(update_fields=["name"])
    return classroom


def classroom_archive(*, classroom: Classroom, archived: bool) -> Classroom:
    """Archived classes vanish from students' dashboards and their join code stops working; nothing is deleted."""
    with transaction.atomic():
        if archived and classroom.archived_at is None:
            classroom.archived_at = timezone.now()
        elif not archived:
            classroom.archived_at = None
        classroom.save(update_fields=["archived_at"])
    return classroom


def join_code_regenerate(*, classroom: Classroom) -> Classroom:
    """A fresh join code; the old one stops working at once."""
    old = classroom.join_code
    for _ in range(10):
        code = new_join_code()
        if code == old:
            continue
        try:
            with transaction.atomic():
                classroom.join_code = code
                classroom.save(update_fields=["join_code"])
        except IntegrityError:  # another class has that code: draw again
            classroom.join_code = old
            continue
        return classroom
    raise RuntimeError("Could not find a free join code.")


# -- Enrollments ---------------------------------------------------------------------------------------------


def enrollment_remove(*, classroom: Classroom, student: User) -> Enrollment:
    """Take the student off the roster; their attempts stay, and the gradebook shows them as having left."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(classroom=classroom, student=student)
        if enrollment.left_at is None:
            enrollment.left_at = timezone.now()
            enrollment.save(update_fields=["left_at"])
    return enrollment


def enrollment_restore(*, classroom: Classroom, student: User) -> Enrollment:
    """Put a student who left back on the roster, with everything they did before."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(classroom=classroom, student=student)
        if enrollment.left_at is not None:
            enrollment.left_at = None
            enrollment.save(update_fields=["left_at"])
    return enrollment


def student_password_reset(*, classroom: Classroom, student: User) -> NewStudent:
    """A new one-time password for a student on this class's roster (they forgot theirs): the old one stops
    working at once, their sessions end, and they choose their own password at their next login."""
    if not student.is_student:
        raise RosterError("Only a student's password can be reset here.")
    if not Enrollment.objects.filter(classroom=classroom, student=student, left_at__isnull=True).exists():
        raise RosterError(f"{student.display_name} is not in {classroom.name}.")
    password = one_time_password()
    student.password = make_password(password, hasher=_one_time_hasher())
    student.must_change_password = True
    student.save(update_fields=["password", "must_change_password"])
    return NewStudent(student, password)


# -- Many students at once -----------------------------------------------------------------------------------


def students_bulk_create(*, classroom: Classroom, names: list[tuple[str, str]], batch: str = "") -> list[NewStudent]:
    """Make a student account with a one-time password for each (first, last) name and enroll them all.

    Every account is made or none is. A non-empty `batch` (a token from the form) can be used once only,
    so reloading the result page cannot make the same students twice.
    """
    _check_names(names)
    passwords = [one_time_password() for _ in names]
    hasher = _one_time_hasher()
    hashes = [make_password(password, hasher=hasher) for password in passwords]
    if batch and not cache.add(_batch_key(classroom, batch), True, BATCH_MEMORY_SECONDS):
        raise RosterRepeated(
            "These students were already added when this form was first sent, so nothing more was created. "
            "Their passwords were shown only then."
        )
    try:
        with transaction.atomic():
            usernames = usernames_for(names)
            User.objects.bulk_create(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    password=hashed,
                    role=User.Role.STUDENT,
                    must_change_password=True,
                )
                for username, (first, last), hashed in zip(usernames, names, hashes, strict=True)
            )
            by_username = User.objects.in_bulk(usernames, field_name="username")
            users = [by_username[username] for username in usernames]
            Enrollment.objects.bulk_create(Enrollment(classroom=classroom, student=user) for user in users)
    except BaseException as error:
        if batch:  # nothing was made, so the same form may be sent again
            cache.delete(_batch_key(classroom, batch))
        if isinstance(error, IntegrityError):
            raise RosterError(
                "Another account took one of these usernames at the same moment, so nothing was created. "
                "Send the list again."
            ) from None
        raise
    return [NewStudent(user, password) for user, password in zip(users, passwords, strict=True)]


def _check_names(names: list[tuple[str, str]]) -> None:
    if not names:
        raise RosterError("There are no names in the list.")
    if len(names) > MAX_STUDENTS_AT_ONCE:
        raise RosterError(f"At most {MAX_STUDENTS_AT_ONCE} students at once; this list has {len(names)}.")
    for number, (first, last) in enumerate(names, start=1):
        if not first.strip():
            raise RosterError(f"Name {number} has no first name.")
        if len(first) > MAX_NAME_LENGTH or len(last) > MAX_NAME_LENGTH:
            raise RosterError(f"Name {number} is longer than {MAX_NAME_LENGTH} characters.")


def _batch_key(classroom: Classroom, batch: str) -> str:
    digest = hashlib.sha256(batch.encode("utf-8", "surrogatepass")).hexdigest()
    return f"roster-batch:{classroom.pk}:{digest}"


def _one_time_hasher():
    """The project's password hasher, with fewer rounds when it is PBKDF2 (see ONE_TIME_PASSWORD_ITERATIONS)."""
    hasher = get_hasher("default")
    if isinstance(hasher, PBKDF2PasswordHasher) and hasher.iterations > ONE_TIME_PASSWORD_ITERATIONS:
        hasher = copy.copy(hasher)
        hasher.iterations = ONE_TIME_PASSWORD_ITERATIONS
    return hasher


def one_time_password() -> str:
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH)) for _ in range(PASSWORD_GROUPS)
    )


# Letters NFKD does not take apart; Cyrillic because classes studying 1917 may well have Russian names.
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


# -- The sheet of new accounts -------------------------------------------------------------------------------


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
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["First name", "Last name", "Username", "One-time password", "Class", "Log in at"])
    for row in rows:
        writer.writerow(
            _spreadsheet_safe(value)
            for value in (row.first_name, row.last_name, row.username, row.password, classroom.name, login_url)
        )
    return out.getvalue()


def _spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet will show as text rather than run as a formula."""
    return f"'{value}" if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


# -- Reads for the teacher's pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    """One student on a class's roster, with when they last did anything in it."""

    enrollment: Enrollment
    last_started: datetime | None
    last_submitted: datetime | None

    @property
    def student(self) -> User:
        return self.enrollment.student

    @property
    def latest_activity(self) -> tuple[str, datetime] | None:
        """("submitted", when) or ("started", when), whichever came last; None before any attempt."""
        if self.last_submitted and (not self.last_started or self.last_submitted >= self.last_started):
            return "submitted", self.last_submitted
        if self.last_started:
            return "started", self.last_started
        return None


@dataclass(frozen=True)
class Roster:
    current: list[RosterEntry]
    left: list[RosterEntry]


def classroom_roster(classroom: Classroom) -> Roster:
    """Everyone who is or was in the class, in one query whatever its size."""
    attempts = Attempt.objects.filter(student=OuterRef("student"), assignment__classroom=classroom)
    enrollments = (
        Enrollment.objects.filter(classroom=classroom)
        .select_related("student")
        .annotate(
            last_started=Subquery(attempts.order_by("-started_at").values("started_at")[:1]),
            last_submitted=Subquery(
                attempts.filter(submitted_at__isnull=False).order_by("-submitted_at").values("submitted_at")[:1]
            ),
        )
        .order_by(F("student__last_name").asc(), "student__first_name", "student__username")
    )
    entries = [RosterEntry(e, e.last_started, e.last_submitted) for e in enrollments]
    return Roster(
        current=[entry for entry in entries if entry.enrollment.left_at is None],
        left=[entry for entry in entries if entry.enrollment.left_at is not None],
    )


def teacher_classes(teacher: User) -> list[Classroom]:
    """The teacher's classes, archived ones too, each with `student_count` (current students)."""
    return list(
        Classroom.objects.filter(teacher=teacher)
        .annotate(student_count=Count("enrollments", filter=Q(enrollments__left_at__isnull=True)))
        .order_by("name", "pk")
    )


def teacher_assignments(teacher: User) -> list[Assignment]:
    """Assignments in the teacher's active classes, each with `question_count`, `student_count` and
    `submitted_count` (current students with a submitted attempt), in one query."""
    current_students = (
        Enrollment.objects.current()
        .filter(classroom=OuterRef("classroom"))
        .order_by()
        .values("classroom")
        .annotate(n=Count("pk"))
        .values("n")
    )
    submitted = (
        Attempt.objects.submitted()
        .filter(
            assignment=OuterRef("pk"),
            student__enrollments__classroom=OuterRef("classroom"),
            student__enrollments__left_at__isnull=True,
        )
        .order_by()
        .values("assignment")
        .annotate(n=Count("student", distinct=True))
        .values("n")
    )
    items = QuizSetItem.objects.filter(quiz_set=OuterRef("quiz_set")).order_by().values("quiz_set")
    items = items.annotate(n=Count("pk")).values("n")
    zero = Value(0)
    return list(
        Assignment.objects.filter(classroom__teacher=teacher, classroom__archived_at__isnull=True)
        .select_related("classroom", "quiz_set")
        .annotate(
            student_count=Coalesce(Subquery(current_students, output_field=IntegerField()), zero),
            submitted_count=Coalesce(Subquery(submitted, output_field=IntegerField()), zero),
            item_count=Coalesce(Subquery(items, output_field=IntegerField()), zero),
        )
        .order_by("classroom__name", "classroom_id", F("due_at").asc(nulls_last=True), "pk")
    )


class JoinRefused(ValueError):
    """The code does not lead to a class the student may join; the message is shown."""


def classroom_for_code(code: str) -> Classroom:
    classroom = Classroom.objects.filter(join_code=normalise_join_code(code), archived_at__isnull=True).first()
    if classroom is None:
        raise JoinRefused("No open class has that code. Check it with your teacher.")
    return classroom


def enrollment_join(*, student, code: str) -> Enrollment:
    """Put the student in the class with that code; joining twice changes nothing."""
    if not student.is_student:
        raise JoinRefused("Only student accounts join classes.")
    classroom = classroom_for_code(code)
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(classroom=classroom, student=student)
        if not created and enrollment.left_at is not None:
            enrollment.left_at = None
            enrollment.save(update_fields=["left_at"])
    return enrollment
