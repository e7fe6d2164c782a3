"""Reads for the teacher's class pages: the roster, the classes on the dashboard and their assignments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from quizzes.models import Assignment, Attempt, Classroom, Enrollment, QuizSetItem, User


@dataclass(frozen=True)
class RosterEntry:
    """One student on a class's roster, with when they last did anything in it, and whether the class's teacher may
    give them a new one-time password (``User.objects.resettable_by``; otherwise an admin does)."""

    enrollment: Enrollment
    last_started: datetime | None
    last_submitted: datetime | None
    teacher_resets_password: bool = False

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

    @property
    def admin_resets(self) -> bool:
        """Whether an admin, not the teacher, resets the password of someone on the roster."""
        return any(not entry.teacher_resets_password for entry in self.current)


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
            teacher_resets_password=Exists(
                User.objects.resettable_by(classroom.teacher_id).filter(pk=OuterRef("student"))
            ),
        )
        .order_by(F("student__last_name").asc(), "student__first_name", "student__username")
    )
    entries = [RosterEntry(e, e.last_started, e.last_submitted, e.teacher_resets_password) for e in enrollments]
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


@dataclass(frozen=True)
class TeacherDashboard:
    """The classes the dashboard lists (active ones, or with ?archived=1 the archived ones) and their assignments."""

    showing_archived: bool
    classes: list[Classroom]
    archived_count: int
    assignments: list[Assignment]


def teacher_dashboard(teacher: User, *, archived: bool = False) -> TeacherDashboard:
    """The active classes with the assignments of those classes, or the archived classes alone: two queries, one."""
    classes = teacher_classes(teacher)
    archived_classes = [classroom for classroom in classes if classroom.archived_at]
    return TeacherDashboard(
        showing_archived=archived,
        classes=archived_classes if archived else [c for c in classes if not c.archived_at],
        archived_count=len(archived_classes),
        assignments=[] if archived else teacher_assignments(teacher),
    )
