"""The quiz loop's statements in hand-written SQL: what every quiz page, every answer, the dashboard and the start
run.

Why not the ORM here: building and compiling an ORM query costs about a millisecond of CPU, several times running
it, and the classroom benchmark (bench/classroom.py) falls from about 0.58 to about 0.36 with ordinary querysets
on this loop. The dashboard and the start are here too (a class's students all load them at the same moment: on
the ORM the dashboard took twice the CPU, and the start's six reads are one statement here); finish, submit and
results share the attempt's statements; everything else uses the ORM. On PostgreSQL the server prepares what a connection runs often (Django's
own server_side_binding and prepare_threshold OPTIONS, set in october_quiz.settings.base): nothing here touches a
cursor beyond connection.cursor().

Each statement is built once, when this module loads, from the models' _meta: a renamed field raises
FieldDoesNotExist at import, not mid-request. Values always travel as parameters. Each business condition is
written once below, next to the QuerySet method that says the same (tests/attempts/test_queries.py checks that
each pair selects the same rows). Instances are made by the public Model.from_db after each field's own
converters, as the ORM makes them; related rows are attached through the public relation descriptors. The SQL
runs on SQLite and PostgreSQL alike: double-quoted names, %s placeholders, no vendor functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Model

from quizzes.attempts.models import grace
from quizzes.models import (
    Accommodation,
    Assignment,
    Attempt,
    Classroom,
    Enrollment,
    Question,
    QuizSet,
    QuizSetItem,
    Response,
)


def col(model: type[Model], name: str, alias: str | None = None) -> str:
    """A field's column for SQL: 'alias."column"' (or '"column"'); FieldDoesNotExist if the model has no such field."""
    column = f'"{model._meta.get_field(name).column}"'
    return f"{alias}.{column}" if alias else column


def table(model: type[Model], alias: str) -> str:
    return f'"{model._meta.db_table}" AS {alias}'


def _select_list(model: type[Model], alias: str) -> str:
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def _join(model: type[Model], alias: str, parent: type[Model], parent_alias: str, fk: str) -> str:
    """JOIN model's table to the parent's row through the parent's foreign key fk."""
    target = parent._meta.get_field(fk).target_field.name
    return f" JOIN {table(model, alias)} ON {col(model, target, alias)} = {col(parent, fk, parent_alias)}"


# -- Business conditions, each the twin of a QuerySet method ------------------------------------------------------

# Attempt.objects.taking_answers(now) over alias a: not submitted, and no deadline or one passed by no more
# than the grace period. Its one parameter: taking_answers_params(now).
ATTEMPT_TAKING_ANSWERS = (
    f"{col(Attempt, 'submitted_at', 'a')} IS NULL "
    f"AND ({col(Attempt, 'deadline', 'a')} IS NULL OR {col(Attempt, 'deadline', 'a')} >= %s)"
)


# Attempt.objects.student_in_class() over alias a: the attempt's student is in the assignment's class now (not
# removed) and the class is not archived; a student answers and submits only then. No parameter.
ATTEMPT_STUDENT_IN_CLASS = (
    f"EXISTS (SELECT 1 FROM {table(Enrollment, 'ie')}"
    f" JOIN {table(Assignment, 'ia')} ON {col(Assignment, 'classroom', 'ia')} = {col(Enrollment, 'classroom', 'ie')}"
    f"{_join(Classroom, 'ic', Enrollment, 'ie', 'classroom')}"
    f" WHERE {col(Assignment, 'id', 'ia')} = {col(Attempt, 'assignment', 'a')}"
    f" AND {col(Enrollment, 'student', 'ie')} = {col(Attempt, 'student', 'a')}"
    f" AND {col(Enrollment, 'left_at', 'ie')} IS NULL AND {col(Classroom, 'archived_at', 'ic')} IS NULL)"
)


# Assignment.objects.for_student(student) over alias s: of a class the student is in now (not left), not archived.
# Its one parameter: the student's id.
ASSIGNMENT_FOR_STUDENT = (
    f"{col(Assignment, 'classroom', 's')} IN (SELECT {col(Enrollment, 'classroom', 'e')} FROM {table(Enrollment, 'e')}"
    f"{_join(Classroom, 'c', Enrollment, 'e', 'classroom')}"
    f" WHERE {col(Enrollment, 'student', 'e')} = %s AND {col(Enrollment, 'left_at', 'e')} IS NULL"
    f" AND {col(Classroom, 'archived_at', 'c')} IS NULL)"
)

# Assignment.objects.not_closed() over alias s: not closed early by the teacher. No parameter.
ASSIGNMENT_NOT_CLOSED = f"{col(Assignment, 'closed_at', 's')} IS NULL"


# Question.objects.published() over alias q. Its one parameter: Question.Status.PUBLISHED.
QUESTION_PUBLISHED = f"{col(Question, 'status', 'q')} = %s"


def taking_answers_params(now) -> list:
    return [Attempt._meta.get_field("deadline").get_db_prep_value(now - grace(), connection)]


# -- Statements ---------------------------------------------------------------------------------------------------

# The student's attempt with its assignment and quiz set, and a row per position with whether it has an answer.
ATTEMPT_AND_POSITIONS = (
    f"SELECT {_select_list(Attempt, 'a')}, {_select_list(Assignment, 's')}, {_select_list(QuizSet, 'qs')}, "
    f"{col(Response, 'position', 'r')}, {col(Response, 'answered_at', 'r')} IS NOT NULL "
    f"FROM {table(Attempt, 'a')}"
    f"{_join(Assignment, 's', Attempt, 'a', 'assignment')}"
    f"{_join(QuizSet, 'qs', Assignment, 's', 'quiz_set')}"
    f" LEFT JOIN {table(Response, 'r')} ON {col(Response, 'attempt', 'r')} = {col(Attempt, 'id', 'a')}"
    f" WHERE {col(Attempt, 'id', 'a')} = %s AND {col(Attempt, 'student', 'a')} = %s"
    f" ORDER BY {col(Response, 'position', 'r')}"
)

# The attempt's responses at two positions (the same one twice for one card), each with its question's row.
RESPONSES_AT = (
    f"SELECT {_select_list(Response, 'r')}, {_select_list(Question, 'q')} FROM {table(Response, 'r')}"
    f"{_join(Question, 'q', Response, 'r', 'question')}"
    f" WHERE {col(Response, 'attempt', 'r')} = %s AND {col(Response, 'position', 'r')} IN (%s, %s)"
    f" ORDER BY {col(Response, 'position', 'r')}"
)

# Every response of the attempt in position order, each with its question's row (review, submit, results).
RESPONSES_OF = (
    f"SELECT {_select_list(Response, 'r')}, {_select_list(Question, 'q')} FROM {table(Response, 'r')}"
    f"{_join(Question, 'q', Response, 'r', 'question')}"
    f" WHERE {col(Response, 'attempt', 'r')} = %s ORDER BY {col(Response, 'position', 'r')}"
)

# Submitting: lock the attempt's row (where the database locks rows) and read whether it is already submitted and
# whether its student is still in the class (ATTEMPT_STUDENT_IN_CLASS); then, in a statement of its own so that it
# sees every answer saved before the lock was granted, the total of the answered responses; then write the
# attempt's result.
LOCK_ATTEMPT = (
    f"SELECT {col(Attempt, 'submitted_at', 'a')}, {ATTEMPT_STUDENT_IN_CLASS}"
    f" FROM {table(Attempt, 'a')} WHERE {col(Attempt, 'id', 'a')} = %s"
)
ANSWERED_TOTAL = (
    f"SELECT SUM({col(Response, 'points', 'r')}) FROM {table(Response, 'r')}"
    f" WHERE {col(Response, 'attempt', 'r')} = %s AND {col(Response, 'answered_at', 'r')} IS NOT NULL"
)
RESULT_FIELDS = ("score", "submitted_at", "auto_submitted", "is_late")
SAVE_RESULT = (
    f"UPDATE {table(Attempt, 'a')} SET {', '.join(f'{col(Attempt, name)} = %s' for name in RESULT_FIELDS)}"
    f" WHERE {col(Attempt, 'id', 'a')} = %s"
)

# Save an answer while its attempt is open and its student still in the class; with keep_first only into a
# response with no answer yet. The
# sub-select locks the attempt's row where the database locks rows (PostgreSQL), which orders the answer against
# a submit (which locks that row too) and against other answers to the attempt; SQLite writes one at a time.
ANSWER_FIELDS = ("answer", "points", "is_correct", "answered_at")
_SAVE_ANSWER = (
    f"UPDATE {table(Response, 'r')} SET {', '.join(f'{col(Response, name)} = %s' for name in ANSWER_FIELDS)}"
    f" WHERE {col(Response, 'id', 'r')} = %s{{keep_first}} AND {col(Response, 'attempt', 'r')} IN"
    f" (SELECT {col(Attempt, 'id', 'a')} FROM {table(Attempt, 'a')} WHERE {col(Attempt, 'id', 'a')} = %s"
    f" AND {ATTEMPT_TAKING_ANSWERS} AND {ATTEMPT_STUDENT_IN_CLASS}{{lock}})"
)
SAVE_ANSWER = {
    (keep_first, lock): _SAVE_ANSWER.format(
        keep_first=f" AND {col(Response, 'answered_at', 'r')} IS NULL" if keep_first else "",
        lock=" FOR UPDATE" if lock else "",
    )
    for keep_first in (False, True)
    for lock in (False, True)
}


# The dashboard (every student's first page, at the same moment when a class starts): the student's assignments
# with their quiz sets and classes, soonest due first; the student's attempts at them; their accommodations. Each
# takes the student's id for every %s.
_DASHBOARD = f"{ASSIGNMENT_FOR_STUDENT} AND {ASSIGNMENT_NOT_CLOSED}"
DASHBOARD_ASSIGNMENTS = (
    f"SELECT {_select_list(Assignment, 's')}, {_select_list(QuizSet, 'qs')}, {_select_list(Classroom, 'c')}"
    f" FROM {table(Assignment, 's')}"
    f"{_join(QuizSet, 'qs', Assignment, 's', 'quiz_set')}"
    f"{_join(Classroom, 'c', Assignment, 's', 'classroom')}"
    f" WHERE {_DASHBOARD} ORDER BY {col(Assignment, 'due_at', 's')}, {col(Assignment, 'id', 's')}"
)
DASHBOARD_ATTEMPTS = (
    f"SELECT {_select_list(Attempt, 'a')} FROM {table(Attempt, 'a')} WHERE {col(Attempt, 'student', 'a')} = %s"
    f" AND {col(Attempt, 'assignment', 'a')} IN (SELECT {col(Assignment, 'id', 's')} FROM {table(Assignment, 's')}"
    f" WHERE {_DASHBOARD}) ORDER BY {col(Attempt, 'number', 'a')}"
)
DASHBOARD_ACCOMMODATIONS = (
    f"SELECT {_select_list(Accommodation, 'm')} FROM {table(Accommodation, 'm')}"
    f" WHERE {col(Accommodation, 'student', 'm')} = %s AND {col(Accommodation, 'assignment', 'm')} IN"
    f" (SELECT {col(Assignment, 'id', 's')} FROM {table(Assignment, 's')} WHERE {_DASHBOARD})"
)


# Starting an attempt (a whole class presses Start at the bell). START_FACTS: the assignment with its class and quiz
# set, whether the student may take it (ASSIGNMENT_FOR_STUDENT), the student's accommodation for it and the student's
# attempts at it by number: one row per attempt, or one row with no attempt. Parameters: the student's id three
# times, then the assignment's id.
START_FACTS = (
    f"SELECT {_select_list(Assignment, 's')}, {_select_list(Classroom, 'c')}, {_select_list(QuizSet, 'qs')},"
    f" CASE WHEN {ASSIGNMENT_FOR_STUDENT} THEN 1 ELSE 0 END,"
    f" {_select_list(Accommodation, 'm')}, {_select_list(Attempt, 'a')}"
    f" FROM {table(Assignment, 's')}"
    f"{_join(Classroom, 'c', Assignment, 's', 'classroom')}"
    f"{_join(QuizSet, 'qs', Assignment, 's', 'quiz_set')}"
    f" LEFT JOIN {table(Accommodation, 'm')} ON {col(Accommodation, 'assignment', 'm')} = {col(Assignment, 'id', 's')}"
    f" AND {col(Accommodation, 'student', 'm')} = %s"
    f" LEFT JOIN {table(Attempt, 'a')} ON {col(Attempt, 'assignment', 'a')} = {col(Assignment, 'id', 's')}"
    f" AND {col(Attempt, 'student', 'a')} = %s"
    f" WHERE {col(Assignment, 'id', 's')} = %s ORDER BY {col(Attempt, 'number', 'a')}"
)
# Inside the start's transaction: the assignment's row, locked where the database locks rows, if it is not closed.
LOCK_OPEN_ASSIGNMENT = (
    f"SELECT {col(Assignment, 'id', 's')} FROM {table(Assignment, 's')}"
    f" WHERE {col(Assignment, 'id', 's')} = %s AND {ASSIGNMENT_NOT_CLOSED}"
)
# A hand-picked set's published questions in the set's order. Parameters: the set's id, then QUESTION_PUBLISHED's.
SET_QUESTIONS = (
    f"SELECT {_select_list(Question, 'q')} FROM {table(QuizSetItem, 'i')}"
    f"{_join(Question, 'q', QuizSetItem, 'i', 'question')}"
    f" WHERE {col(QuizSetItem, 'quiz_set', 'i')} = %s AND {QUESTION_PUBLISHED}"
    f" ORDER BY {col(QuizSetItem, 'position', 'i')}, {col(QuizSetItem, 'id', 'i')}"
)

# -- Running them -------------------------------------------------------------------------------------------------


def _fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@cache
def _converters(model: type[Model], vendor: str) -> tuple[tuple, ...]:
    """(index, column, converter) for each converter the ORM applies to the model's values, in field order."""
    found = []
    for n, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        found += [(n, column, convert) for convert in converters]
    return tuple(found)


@cache
def _attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def _make(model: type[Model], row: Sequence, start: int):
    """The instance whose columns (all concrete fields, in order) begin at row[start], made as the ORM makes it."""
    attnames = _attnames(model)
    values = list(row[start : start + len(attnames)])
    for n, column, convert in _converters(model, connection.vendor):
        values[n] = convert(values[n], column, connection)
    return model.from_db(connection.alias, attnames, values), start + len(attnames)


def _make_or_none(model: type[Model], row: Sequence, start: int):
    """_make for the columns of an outer join: None when the row has no such record (its primary key is NULL)."""
    width = len(_attnames(model))
    pk_index = start + [f.attname for f in model._meta.concrete_fields].index(model._meta.pk.attname)
    if row[pk_index] is None:
        return None, start + width
    return _make(model, row, start)


def attempt_and_positions(pk: int, student_id: int) -> tuple[Attempt, list[tuple[int, bool]]] | None:
    """The student's attempt (its assignment and quiz set attached) and each of its positions with whether it has
    an answer, in one query; None when the student has no such attempt."""
    found = _fetch(ATTEMPT_AND_POSITIONS, [pk, student_id])
    if not found:
        return None
    attempt, start = _make(Attempt, found[0], 0)
    assignment, start = _make(Assignment, found[0], start)
    quiz_set, _ = _make(QuizSet, found[0], start)
    assignment.quiz_set = quiz_set
    attempt.assignment = assignment
    positions = [(row[-2], bool(row[-1])) for row in found if row[-2] is not None]
    return attempt, positions


def dashboard(student_id: int) -> tuple[list[Assignment], list[Attempt], list[Accommodation]]:
    """The student's assignments not closed (quiz set and class attached, soonest due first), the student's
    attempts at them (by number) and accommodations for them: three queries, one when there is no assignment."""
    assignments = []
    for row in _fetch(DASHBOARD_ASSIGNMENTS, [student_id]):
        assignment, start = _make(Assignment, row, 0)
        quiz_set, start = _make(QuizSet, row, start)
        classroom, _ = _make(Classroom, row, start)
        assignment.quiz_set = quiz_set
        assignment.classroom = classroom
        assignments.append(assignment)
    if not assignments:
        return [], [], []
    attempts = [_make(Attempt, row, 0)[0] for row in _fetch(DASHBOARD_ATTEMPTS, [student_id, student_id])]
    found = _fetch(DASHBOARD_ACCOMMODATIONS, [student_id, student_id])
    return assignments, attempts, [_make(Accommodation, row, 0)[0] for row in found]


def responses_at(attempt: Attempt, positions: Sequence[int]) -> list[Response]:
    """The attempt's responses at one or two positions, in position order, each with its question attached."""
    wanted = list(positions) * 2 if len(positions) == 1 else list(positions)
    return _responses(attempt, RESPONSES_AT, [attempt.pk, *wanted])


def responses_of(attempt: Attempt) -> list[Response]:
    """Every response of the attempt in position order, each with its question attached (no parts)."""
    return _responses(attempt, RESPONSES_OF, [attempt.pk])


def _responses(attempt: Attempt, sql: str, params: list) -> list[Response]:
    found = []
    for row in _fetch(sql, params):
        response, start = _make(Response, row, 0)
        question, _ = _make(Question, row, start)
        response.attempt = attempt
        response.question = question
        found.append(response)
    return found


class Locked(NamedTuple):
    """What lock_attempt read with the attempt's row locked."""

    submitted: bool
    total: Decimal  # of the answered responses; 0 when submitted already
    student_in_class: bool  # ATTEMPT_STUDENT_IN_CLASS


def lock_attempt(pk: int) -> Locked:
    """Inside a transaction: lock the attempt's row; whether it is already submitted and its student still in the
    class, and the total of its answered responses read after the lock is held (SUM over points, 0 when nothing is
    answered)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(LOCK_ATTEMPT + lock, [pk])
        row = cursor.fetchone()
        if row is None:
            raise Attempt.DoesNotExist(f"No attempt {pk}.")
        in_class = bool(row[1])
        if row[0] is not None:
            return Locked(True, Decimal(0), in_class)
        cursor.execute(ANSWERED_TOTAL, [pk])
        total = cursor.fetchone()[0]
    return Locked(False, Decimal(0) if total is None else Attempt._meta.get_field("score").to_python(total), in_class)


def save_result(attempt: Attempt) -> None:
    """Write the attempt's RESULT_FIELDS, prepared as a save prepares them."""
    values = [
        Attempt._meta.get_field(name).get_db_prep_save(getattr(attempt, name), connection) for name in RESULT_FIELDS
    ]
    with connection.cursor() as cursor:
        cursor.execute(SAVE_RESULT, [*values, attempt.pk])


def save_answer(response: Response, attempt: Attempt, values: dict, *, now, keep_first: bool) -> bool:
    """Write the answer's fields (ANSWER_FIELDS, prepared as a save prepares them) while the attempt is open at now
    and its student still in the class; with keep_first only when the response has no answer yet. Whether the row
    changed."""
    prepared = [Response._meta.get_field(name).get_db_prep_save(values[name], connection) for name in ANSWER_FIELDS]
    sql = SAVE_ANSWER[keep_first, connection.features.has_select_for_update]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*prepared, response.pk, attempt.pk, *taking_answers_params(now)])
        return cursor.rowcount == 1


@dataclass
class StartFacts:
    """What starting an attempt decides on: the assignment (class and quiz set attached), whether the student may
    take it (a current student of a class not archived), their accommodation and their attempts by number."""

    assignment: Assignment
    may_take: bool
    accommodation: Accommodation | None
    attempts: list[Attempt]


def start_facts(assignment_id: int, student_id: int) -> StartFacts | None:
    """START_FACTS in one query; None when there is no such assignment."""
    found = _fetch(START_FACTS, [student_id, student_id, student_id, assignment_id])
    if not found:
        return None
    assignment, start = _make(Assignment, found[0], 0)
    classroom, start = _make(Classroom, found[0], start)
    quiz_set, start = _make(QuizSet, found[0], start)
    assignment.classroom = classroom
    assignment.quiz_set = quiz_set
    may_take = bool(found[0][start])
    accommodation, start = _make_or_none(Accommodation, found[0], start + 1)
    attempts = [_make_or_none(Attempt, row, start)[0] for row in found]
    return StartFacts(
        assignment=assignment,
        may_take=may_take,
        accommodation=accommodation,
        attempts=[attempt for attempt in attempts if attempt is not None],
    )


def lock_open_assignment(pk: int) -> bool:
    """Inside a transaction: lock the assignment's row where the database locks rows; whether it is not closed."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return bool(_fetch(LOCK_OPEN_ASSIGNMENT + lock, [pk]))


def set_questions(quiz_set_id: int) -> list[Question]:
    """A hand-picked set's published questions, in the set's order."""
    return [_make(Question, row, 0)[0] for row in _fetch(SET_QUESTIONS, [quiz_set_id, Question.Status.PUBLISHED])]
