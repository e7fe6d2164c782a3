"""Reads for the assignment pages: what the students of the class did, their accommodations, and the choices
a teacher has when assigning."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from quizzes.models import (
    Accommodation,
    Assignment,
    Attempt,
    Enrollment,
    Question,
    QuizSetItem,
    User,
)


@dataclass(frozen=True)
class AssignmentCounts:
    """Current students of the class, and how many of them did what; one query whatever the class size."""

    students: int
    started: int
    in_progress: int
    submitted: int
    late: int
    accommodated: int
    questions: int


def assignment_counts(assignment: Assignment) -> AssignmentCounts:
    attempts = Attempt.objects.filter(assignment=assignment, student=OuterRef("student"))
    accommodations = Accommodation.objects.filter(assignment=assignment, student=OuterRef("student"))
    counts = (
        Enrollment.objects.current()
        .filter(classroom_id=assignment.classroom_id)
        .aggregate(
            students=Count("pk"),
            started=Count("pk", filter=Q(Exists(attempts))),
            in_progress=Count("pk", filter=Q(Exists(attempts.filter(submitted_at__isnull=True)))),
            submitted=Count("pk", filter=Q(Exists(attempts.filter(submitted_at__isnull=False)))),
            late=Count("pk", filter=Q(Exists(attempts.filter(submitted_at__isnull=False, is_late=True)))),
            accommodated=Count("pk", filter=Q(Exists(accommodations))),
        )
    )
    if assignment.quiz_set.is_random:
        questions = assignment.quiz_set.rule_count
    else:
        # What an attempt gets: draft questions in the set are left out when it starts.
        questions = QuizSetItem.objects.filter(
            quiz_set_id=assignment.quiz_set_id, question__status=Question.Status.PUBLISHED
        ).count()
    return AssignmentCounts(**counts, questions=questions)


@dataclass(frozen=True)
class AccommodationRow:
    """A current student of the class and what they have beyond the assignment's settings, if anything."""

    student: User
    accommodation: Accommodation | None


def accommodation_rows(assignment: Assignment) -> list[AccommodationRow]:
    """Every current student of the class with their accommodation, in two queries whatever the class size."""
    enrollments = (
        Enrollment.objects.current()
        .filter(classroom_id=assignment.classroom_id)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student__username")
    )
    accommodations = {a.student_id: a for a in Accommodation.objects.filter(assignment=assignment)}
    return [AccommodationRow(e.student, accommodations.get(e.student_id)) for e in enrollments]


def current_students(assignment: Assignment):
    """The class's current students, for choosing one; a queryset so that forms refuse anyone else."""
    return User.objects.filter(
        enrollments__classroom_id=assignment.classroom_id, enrollments__left_at__isnull=True
    ).order_by("last_name", "first_name", "username")
