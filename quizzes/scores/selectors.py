"""Reads for the score pages: the gradebook, a student's record, one attempt, an assignment's results, a history.

Each loads its rows in a fixed number of queries, whatever the size of the class, and leaves the arithmetic
to quizzes/scores.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Prefetch,
    TextChoices,
)
from django.db.models.functions import Cast, NullIf
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from quizzes.attempts.skills import SkillResult
from quizzes.attempts.terms import after_due_unlocked
from quizzes.bank.answers import answer_from_json
from quizzes.bank.types import question_type
from quizzes.models import Assignment, Attempt, Classroom, Enrollment, Question, Response, User
from quizzes.permissions import review_visible
from quizzes.scores import arithmetic as scores
from quizzes.scores.arithmetic import AttemptFacts, Counted
from quizzes.scores.skills import class_skills, own_skills_by_class
from quizzes.spreadsheet import csv_text

# An attempt's percent computed by the database (its state too: AttemptQuerySet.with_state), so that thousands of
# rows need no Decimal or datetime parsing in Python. A max_score of 0 gives NULL rather than a division error.
PERCENT = ExpressionWrapper(
    Cast("score", FloatField()) * 100.0 / NullIf(Cast("max_score", FloatField()), 0.0), output_field=FloatField()
)
TIME_TAKEN = ExpressionWrapper(F("submitted_at") - F("started_at"), output_field=DurationField())


def class_assignments(classroom: Classroom):
    """The class's assignments in gradebook order: by due date (none last), then when they opened."""
    return (
        Assignment.objects.filter(classroom=classroom)
        .select_related("quiz_set")
        .order_by(F("due_at").asc(nulls_last=True), "opens_at", "pk")
    )


def _plain_rows(rows) -> list[tuple]:
    """A values_list queryset's rows straight from the database cursor.

    For the tens of thousands of attempts of a large gradebook, Django's per-value converters cost more than the
    query itself, and these values are plain numbers and words already (see PERCENT and with_state).
    """
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _counted_by_student(attempts, counting_of: dict[int, str]) -> dict[int, dict[int, Counted]]:
    """Counted scores as student id -> assignment id -> Counted, from one query of plain values."""
    rows = (
        attempts.order_by()
        .with_state()
        .annotate(percent_done=PERCENT)
        .values_list("student_id", "assignment_id", "number", "percent_done", "state")
    )
    return scores.counted_by_student(_plain_rows(rows), counting_of)


def _name_key(student: User) -> tuple[str, str, str]:
    return (student.last_name.casefold(), student.first_name.casefold(), student.username.casefold())


# -- The gradebook ----------------------------------------------------------------------------------------------

SORT_NAME = "name"
SORT_AVERAGE = "average"
ASCENDING = "asc"
DESCENDING = "desc"

_CELL_MARK = '<span class="cell-mark">{}</span>'
_LATE = _CELL_MARK.format("late")
_IN_PROGRESS = _CELL_MARK.format("in progress")


@dataclass
class GradebookColumn:
    assignment: Assignment
    key: str
    average: float | None = None
    sort_query: str = ""
    aria_sort: str = ""

    @property
    def average_shown(self) -> int | None:
        return scores.whole_percent(self.average)


@dataclass
class GradebookRow:
    student: User
    left: bool
    record_url: str
    counted: list[Counted]
    fragments: list[str]  # "#assignment-<id>" per column: where each cell leads on the student's record

    @cached_property
    def average(self) -> float | None:
        return scores.mean(c.percent for c in self.counted if c.percent is not None)

    @property
    def average_shown(self) -> int | None:
        return scores.whole_percent(self.average)

    @property
    def average_band(self) -> str:
        return scores.band(self.average)

    @property
    def html(self) -> SafeString:
        """The whole table row, built here rather than in the template: a gradebook of 1000 students and 40
        assignments has 40,000 cells, and the template language would spend most of a second on them. The
        student's name is escaped; everything else is numbers, fixed words and a URL reverse() made from ids."""
        url = self.record_url
        mark_left = f" {_CELL_MARK.format('left the class')}" if self.left else ""
        parts = [
            '<tr class="row-left">' if self.left else "<tr>",
            f'<th scope="row"><a href="{url}">{escape(self.student.display_name)}</a>{mark_left}</th>',
        ]
        band_of = scores.BAND_OF_WHOLE
        for fragment, counted in zip(self.fragments, self.counted, strict=True):
            percent = counted.percent
            if percent is None:
                words = "in progress" if counted.in_progress else "not started"
                parts.append(f'<td class="cell cell-empty"><a href="{url}{fragment}">{words}</a></td>')
                continue
            shown = round(percent)
            band = band_of[shown] if 0 <= shown <= 100 else scores.band(percent)
            marks = ""
            if counted.late:
                marks = _LATE
            if counted.in_progress:
                marks += _IN_PROGRESS
            parts.append(f'<td class="cell band-{band}"><a href="{url}{fragment}">{shown}%</a>{marks}</td>')
        if self.average is None:
            parts.append('<td class="cell cell-empty">none yet</td></tr>')
        else:
            parts.append(f'<td class="cell band-{self.average_band}">{self.average_shown}%</td></tr>')
        return mark_safe("".join(parts))  # escaped above: see the docstring


@dataclass
class Gradebook:
    classroom: Classroom
    columns: list[GradebookColumn]
    rows: list[GradebookRow]
    sort: str
    order: str
    name_sort_query: str = ""
    name_aria_sort: str = ""
    average_sort_query: str = ""
    average_aria_sort: str = ""

    @property
    def current_rows(self) -> list[GradebookRow]:
        return [row for row in self.rows if not row.left]

    @property
    def left_count(self) -> int:
        return sum(1 for row in self.rows if row.left)

    @property
    def class_average(self) -> int | None:
        return scores.whole_percent(scores.mean(r.average for r in self.current_rows if r.average is not None))


def _parse_sort(sort: str, order: str, column_keys: set[str]) -> tuple[str, str]:
    """A known sort, or the name order: a stale or mistyped link still shows the gradebook."""
    if sort not in column_keys and sort != SORT_AVERAGE:
        sort = SORT_NAME
    if order not in (ASCENDING, DESCENDING):
        order = ASCENDING if sort == SORT_NAME else DESCENDING
    return sort, order


def _sort_link(key: str, sort: str, order: str) -> tuple[str, str]:
    """The query string a column heading links to (the other direction when it is the sorted one), and its
    aria-sort value."""
    first = ASCENDING if key == SORT_NAME else DESCENDING
    if key != sort:
        return f"?sort={key}&order={first}", ""
    flipped = DESCENDING if order == ASCENDING else ASCENDING
    return f"?sort={key}&order={flipped}", "ascending" if order == ASCENDING else "descending"


def _sorted_rows(rows: list[GradebookRow], sort: str, order: str, columns: list[GradebookColumn]) -> list:
    """Rows in the asked order; students with no score in the sorted column come last either way, and students
    who left the class come after those still in it."""
    rows = sorted(rows, key=lambda row: _name_key(row.student))
    if sort == SORT_NAME:
        ordered = rows[::-1] if order == DESCENDING else rows
    else:
        index = next((n for n, column in enumerate(columns) if column.key == sort), None)

        def value(row: GradebookRow) -> float | None:
            return row.average if index is None else row.counted[index].percent

        scored = [row for row in rows if value(row) is not None]
        unscored = [row for row in rows if value(row) is None]
        scored.sort(key=value, reverse=order == DESCENDING)  # stable: equal scores stay in name order
        ordered = scored + unscored
    return [row for row in ordered if not row.left] + [row for row in ordered if row.left]


def _record_urls(classroom: Classroom):
    """student id -> the URL of their record in this class, asking reverse() once rather than once a row."""
    marker = 987654321
    prefix, _, suffix = reverse("student_record", args=[classroom.pk, marker]).rpartition(str(marker))
    return lambda student_id: f"{prefix}{student_id}{suffix}"


def class_gradebook(classroom: Classroom, *, sort: str = SORT_NAME, order: str = "") -> Gradebook:
    """Current students, and those who left but have attempts, against the class's assignments: 3 queries."""
    assignments = list(class_assignments(classroom))
    columns = [GradebookColumn(assignment=a, key=f"a{a.pk}") for a in assignments]
    assignment_ids = [a.pk for a in assignments]
    enrollments = list(Enrollment.objects.filter(classroom=classroom).select_related("student"))
    counted_cells = _counted_by_student(
        Attempt.objects.filter(assignment_id__in=assignment_ids), {a.pk: a.counting for a in assignments}
    )
    fragments = [f"#assignment-{a.pk}" for a in assignments]
    not_started = scores.NOT_STARTED
    record_url = _record_urls(classroom)

    rows = []
    for enrollment in enrollments:
        student = enrollment.student
        cells = counted_cells.get(student.id, {})
        left = enrollment.left_at is not None
        if left and not cells:
            continue
        counted = [cells.get(assignment_id, not_started) for assignment_id in assignment_ids]
        rows.append(
            GradebookRow(
                student=student,
                left=left,
                record_url=record_url(student.id),
                counted=counted,
                fragments=fragments,
            )
        )

    for n, column in enumerate(columns):
        column.average = scores.mean(
            row.counted[n].percent for row in rows if not row.left and row.counted[n].percent is not None
        )
    sort, order = _parse_sort(sort, order, {c.key for c in columns})
    for column in columns:
        column.sort_query, column.aria_sort = _sort_link(column.key, sort, order)
    gradebook = Gradebook(
        classroom=classroom, columns=columns, rows=_sorted_rows(rows, sort, order, columns), sort=sort, order=order
    )
    gradebook.name_sort_query, gradebook.name_aria_sort = _sort_link(SORT_NAME, sort, order)
    gradebook.average_sort_query, gradebook.average_aria_sort = _sort_link(SORT_AVERAGE, sort, order)
    return gradebook


def gradebook_csv(gradebook: Gradebook) -> str:
    """One row per student: name, username, status, a percent (or nothing) per assignment, then the average.
    Formula-safe, with a byte order mark (quizzes.spreadsheet.csv_text)."""
    header = ["Student", "Username", "Status"] + [c.assignment.display_title for c in gradebook.columns] + ["Average"]
    rows = []
    for row in gradebook.rows:
        percents = [scores.whole_percent(c.percent) for c in row.counted]
        rows.append(
            [row.student.display_name, row.student.username, "left" if row.left else "in class"]
            + ["" if p is None else p for p in percents]
            + ["" if row.average_shown is None else row.average_shown]
        )
    return csv_text(header, rows)


# -- One student in one class -----------------------------------------------------------------------------------


@dataclass
class RecordAssignment:
    assignment: Assignment
    attempts: list[Attempt]
    counted: Counted

    @property
    def counted_shown(self) -> int | None:
        return scores.whole_percent(self.counted.percent)

    @property
    def band(self) -> str:
        return scores.band(self.counted.percent)


@dataclass
class StudentRecord:
    classroom: Classroom
    enrollment: Enrollment
    assignments: list[RecordAssignment]
    skills: list[SkillResult] = field(default_factory=list)  # the class's and the student's, over every assignment

    @property
    def student(self) -> User:
        return self.enrollment.student

    @property
    def left(self) -> bool:
        return self.enrollment.left_at is not None

    @cached_property
    def _average(self) -> float | None:
        return scores.mean(a.counted.percent for a in self.assignments if a.counted.percent is not None)

    @property
    def average(self) -> int | None:
        return scores.whole_percent(self._average)

    @property
    def average_band(self) -> str:
        return scores.band(self._average)


def _facts(attempt: Attempt) -> AttemptFacts:
    return AttemptFacts(
        attempt.number, scores.percent_of(attempt.score, attempt.max_score), attempt.is_submitted, attempt.is_late
    )


def student_record(classroom: Classroom, student_pk: int) -> StudentRecord:
    """A student who is or was in the class, with every assignment and their attempts at it; 404 for anyone else."""
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("student"), classroom=classroom, student_id=student_pk
    )
    attempts = Attempt.objects.filter(student_id=student_pk).order_by("number")
    assignments = class_assignments(classroom).prefetch_related(Prefetch("attempts", attempts, to_attr="theirs"))
    return StudentRecord(
        classroom=classroom,
        enrollment=enrollment,
        assignments=[
            RecordAssignment(
                assignment=a,
                attempts=a.theirs,
                counted=scores.counted_score([_facts(t) for t in a.theirs], a.counting),
            )
            for a in assignments
        ],
        skills=class_skills(classroom.pk, student_id=student_pk),
    )


# -- One attempt, as the teacher sees it --------------------------------------------------------------------------


# -- An assignment's results --------------------------------------------------------------------------------------


@dataclass
class ChoiceCount:
    text: str
    is_correct: bool
    count: int
    total: int

    @property
    def percent(self) -> int:
        return round(self.count * 100 / self.total) if self.total else 0

    @property
    def bar(self) -> int:
        return scores.share_width(self.count, self.total)


@dataclass
class QuestionStats:
    question: Question
    attempts: int
    facility: float | None
    discrimination: float | None
    choices: list[ChoiceCount] = field(default_factory=list)
    answered: int = 0

    @property
    def facility_percent(self) -> int | None:
        return None if self.facility is None else round(self.facility * 100)

    @property
    def facility_bar(self) -> int:
        return 0 if self.facility is None else max(0, min(100, round(self.facility * 100)))

    @property
    def discrimination_shown(self) -> str:
        if self.discrimination is None:
            return "n/a"
        return f"{self.discrimination:+.2f}".replace("-", "−")


@dataclass
class AssignmentResults:
    assignment: Assignment
    is_open: bool
    students: int
    submitted: int
    in_progress: int
    not_started: int
    counted_percents: list[float]
    median_minutes: float | None
    questions: list[QuestionStats]
    analysed: int
    skills: list[SkillResult] = field(default_factory=list)

    @cached_property
    def bins(self) -> list[scores.Bin]:
        return scores.histogram_bins(self.counted_percents)

    @cached_property
    def histogram(self) -> scores.Histogram:
        return scores.histogram_geometry(self.bins)

    @property
    def median(self) -> int | None:
        return scores.whole_percent(scores.median(self.counted_percents))

    @property
    def mean(self) -> int | None:
        return scores.whole_percent(scores.mean(self.counted_percents))

    @property
    def time_taken(self) -> str:
        """The median time from starting to submitting, in whole minutes."""
        if self.median_minutes is None:
            return ""
        return "under 1 min" if self.median_minutes < 1 else f"{round(self.median_minutes)} min"

    @property
    def histogram_summary(self) -> str:
        if not self.counted_percents:
            return "No scores yet."
        parts = ", ".join(f"{b.count} scored {b.label}%" for b in self.bins if b.count)
        return f"Scores of {len(self.counted_percents)} students: {parts}."


def _share(points, question_points) -> float:
    if points is None or not question_points:
        return 0.0
    return max(0.0, min(1.0, float(points) / float(question_points)))


def _choice_counts(question: Question, answers: list) -> list[ChoiceCount]:
    """How many of the given answers picked each option (a choice, or True and False), in written order."""
    return [
        ChoiceCount(text=text, is_correct=is_correct, count=count, total=len(answers))
        for text, is_correct, count in question_type(question.type).choice_tally(question, answers)
    ]


def assignment_results(assignment: Assignment, now=None) -> AssignmentResults:
    """Scores and item analysis of the students now in the class, in 6 queries whatever its size.

    The histogram, median and mean use each student's counted score; the questions use each student's latest
    submitted attempt.
    """
    now = now or timezone.now()
    students = Enrollment.objects.current().filter(classroom_id=assignment.classroom_id).count()
    attempts = (
        Attempt.objects.filter(
            assignment=assignment,
            student__enrollments__classroom_id=assignment.classroom_id,
            student__enrollments__left_at__isnull=True,
        )
        .order_by()
        .with_state()
        .annotate(percent_done=PERCENT, taken=TIME_TAKEN)
        .values_list("pk", "student_id", "number", "percent_done", "state", "taken")
    )
    by_student: dict[int, list[AttemptFacts]] = defaultdict(list)
    latest: dict[int, tuple[int, int, float]] = {}  # student -> (number, attempt id, percent)
    minutes = []
    for pk, student_id, number, percent, state, taken in attempts:
        done = state != Attempt.State.IN_PROGRESS
        by_student[student_id].append(AttemptFacts(number, percent, done, state == Attempt.State.LATE))
        if done and percent is not None:
            if taken is not None:
                minutes.append(taken.total_seconds() / 60)
            if student_id not in latest or number > latest[student_id][0]:
                latest[student_id] = (number, pk, percent)

    counted = {sid: scores.counted_score(facts, assignment.counting) for sid, facts in by_student.items()}
    submitted = sum(1 for c in counted.values() if c.submitted)
    in_progress = sum(1 for c in counted.values() if not c.submitted and c.in_progress)
    percent_of_attempt = {pk: percent for _, pk, percent in latest.values()}

    responses = Response.objects.filter(
        attempt__assignment=assignment, attempt__submitted_at__isnull=False
    ).values_list("attempt_id", "question_id", "answer", "points")
    by_question: dict[int, list[tuple[float, object, object]]] = defaultdict(list)
    for attempt_id, question_id, answer, points in responses:
        if attempt_id in percent_of_attempt:
            by_question[question_id].append((percent_of_attempt[attempt_id], answer, points))
    questions = Question.objects.filter(pk__in=list(by_question)).prefetch_related("choices")

    stats = []
    for question in questions:
        rows = by_question[question.pk]
        shares = [_share(points, question.points) for _, _, points in rows]
        answers = [answer_from_json(question.type, answer) for _, answer, _ in rows if answer is not None]
        stats.append(
            QuestionStats(
                question=question,
                attempts=len(rows),
                facility=scores.facility(shares),
                discrimination=scores.discrimination(
                    [(percent, share) for (percent, _, _), share in zip(rows, shares, strict=True)]
                ),
                choices=_choice_counts(question, answers) if question_type(question.type).is_choice else [],
                answered=len(answers),
            )
        )
    stats.sort(key=lambda s: (s.facility if s.facility is not None else 2.0, s.question.pk))
    return AssignmentResults(
        assignment=assignment,
        is_open=assignment.is_open(now),
        students=students,
        submitted=submitted,
        in_progress=in_progress,
        not_started=students - submitted - in_progress,
        counted_percents=[c.percent for c in counted.values() if c.percent is not None],
        median_minutes=scores.median(minutes),
        questions=stats,
        analysed=len(latest),
        skills=class_skills(assignment.classroom_id, assignment_id=assignment.pk),
    )


# -- A student's own history --------------------------------------------------------------------------------------

# Fewer counted scores than this and a median would give away classmates' scores.
CLASS_MEDIAN_MINIMUM = 5


class MedianState(TextChoices):
    """Whether a student sees their class's median for an assignment, and if not, why."""

    SHOWN = "shown"
    BEFORE_DUE = "before_due"
    TOO_FEW = "too_few"
    HIDDEN = "hidden"


@dataclass
class HistoryAttempt:
    attempt: Attempt
    visible: bool

    @property
    def time_taken(self) -> timedelta | None:
        if self.attempt.submitted_at is None:
            return None
        return self.attempt.submitted_at - self.attempt.started_at


@dataclass
class HistoryAssignment:
    assignment: Assignment
    attempts: list[HistoryAttempt]
    class_median: int | None
    median_state: MedianState

    @property
    def median_shown(self) -> bool:
        return self.median_state == MedianState.SHOWN

    @property
    def median_before_due(self) -> bool:
        return self.median_state == MedianState.BEFORE_DUE

    @property
    def median_too_few(self) -> bool:
        return self.median_state == MedianState.TOO_FEW

    @property
    def counted(self) -> int | None:
        """The student's counted score, when every submitted attempt's score may be shown."""
        submitted = [a for a in self.attempts if a.attempt.is_submitted]
        if not submitted or not all(a.visible for a in submitted):
            return None
        return scores.whole_percent(
            scores.counted_score([_facts(a.attempt) for a in self.attempts], self.assignment.counting).percent
        )


@dataclass
class HistoryClass:
    classroom: Classroom
    left: bool
    assignments: list[HistoryAssignment]
    skills: list[SkillResult] = field(default_factory=list)  # the student's own, over the results they may see


def _class_medians(assignments: list[Assignment]) -> dict[int, tuple[int | None, int]]:
    """Assignment id -> (median of the counted scores of the students now in its class, how many), one query."""
    if not assignments:
        return {}
    counting = {a.pk: a.counting for a in assignments}
    attempts = Attempt.objects.filter(
        assignment_id__in=list(counting),
        student__enrollments__classroom_id=F("assignment__classroom_id"),
        student__enrollments__left_at__isnull=True,
    )
    percents: dict[int, list[float]] = defaultdict(list)
    for cells in _counted_by_student(attempts, counting).values():
        for assignment_id, counted in cells.items():
            if counted.percent is not None:
                percents[assignment_id].append(counted.percent)
    return {aid: (scores.whole_percent(scores.median(values)), len(values)) for aid, values in percents.items()}


def student_history(student: User, now=None) -> list[HistoryClass]:
    """The student's own attempts grouped by class and assignment, with their own results per skill, in 4 queries
    however many there are, and one more when a submitted attempt waits for feedback after the due date (terms.after_due_unlocked, for all of them
    at once).

    Scores follow each assignment's feedback policy; a class median shows only once the due date has passed,
    never when results are never shown, and only when enough students have a score to hide each one.
    """
    now = now or timezone.now()
    mine = list(
        Attempt.objects.filter(student=student)
        .select_related("assignment__classroom", "assignment__quiz_set")
        .order_by(
            "assignment__classroom__name",
            "assignment__classroom_id",
            F("assignment__due_at").asc(nulls_last=True),
            "assignment_id",
            "number",
        )
    )
    left = set(Enrollment.objects.filter(student=student, left_at__isnull=False).values_list("classroom_id", flat=True))
    assignments: dict[int, Assignment] = {}
    grouped: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in mine:
        assignments[attempt.assignment_id] = attempt.assignment
        grouped[attempt.assignment_id].append(attempt)
    waiting = [
        assignment
        for assignment_id, assignment in assignments.items()
        if assignment.feedback == Assignment.Feedback.AFTER_DUE and any(a.is_submitted for a in grouped[assignment_id])
    ]
    unlocked = after_due_unlocked(student, waiting, now)
    median_allowed = [a for a in assignments.values() if a.is_past_due(now) and a.feedback != Assignment.Feedback.NEVER]
    medians = _class_medians(median_allowed)
    allowed = {a.pk for a in median_allowed}

    classes: dict[int, HistoryClass] = {}
    for assignment_id, attempts in grouped.items():
        assignment = assignments[assignment_id]
        median, count = medians.get(assignment_id, (None, 0))
        if assignment_id not in allowed:
            never = assignment.feedback == Assignment.Feedback.NEVER
            state, median = (MedianState.HIDDEN if never else MedianState.BEFORE_DUE), None
        elif count < CLASS_MEDIAN_MINIMUM:
            state, median = MedianState.TOO_FEW, None
        else:
            state = MedianState.SHOWN
        classroom = assignment.classroom
        if classroom.pk not in classes:
            classes[classroom.pk] = HistoryClass(classroom=classroom, left=classroom.pk in left, assignments=[])
        classes[classroom.pk].assignments.append(
            HistoryAssignment(
                assignment=assignment,
                attempts=[
                    HistoryAttempt(a, review_visible(a, now, after_due_unlocked=assignment_id in unlocked))
                    for a in attempts
                ],
                class_median=median,
                median_state=state,
            )
        )
    skills = own_skills_by_class(_latest_visible(classes.values()))
    for group in classes.values():
        group.skills = skills.get(group.classroom.pk, [])
    return list(classes.values())


def _latest_visible(classes) -> list[int]:
    """Each assignment's latest submitted attempt whose results the student may see: what their skills count."""
    latest = []
    for group in classes:
        for item in group.assignments:
            shown = [a.attempt for a in item.attempts if a.visible and a.attempt.is_submitted]
            if shown:
                latest.append(max(shown, key=lambda attempt: attempt.number).pk)
    return latest
