"""Results per historical thinking skill (Question.Skill): how a class, and one student, did on the questions that
practise close reading, sourcing, corroboration, contextualisation and chronology.

The rows (SkillResult) and one attempt's own figures are quizzes/attempts/skills.py. Each figure is the share of the points available that was earned, over each student's latest submitted attempt
at each assignment (as the results page's question figures), an unanswered question counting as none. Each read is
one aggregate query, grouped by skill, whatever the size of the class or the bank.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from quizzes.attempts.skills import SkillResult, in_skill_order, share
from quizzes.models import Attempt, Enrollment, Response


def _latest_submitted() -> Q:
    """A response of a submitted attempt with no later submitted attempt by the same student at the same
    assignment."""
    later = Attempt.objects.filter(
        student_id=OuterRef("attempt__student_id"),
        assignment_id=OuterRef("attempt__assignment_id"),
        submitted_at__isnull=False,
        number__gt=OuterRef("attempt__number"),
    )
    return Q(attempt__submitted_at__isnull=False) & ~Q(Exists(later))


def _in_class(classroom_id: int) -> Exists:
    """The response's student is in the class now (the class's figures leave out those who left)."""
    return Exists(
        Enrollment.objects.filter(
            classroom_id=classroom_id, left_at__isnull=True, student_id=OuterRef("attempt__student_id")
        )
    )


def _grouped(responses: QuerySet[Response], **sums) -> list[dict]:
    return list(
        responses.values("question__skill")
        .annotate(questions=Count("question_id", distinct=True), **sums)
        .order_by("question__skill")
    )


def class_skills(
    classroom_id: int, *, assignment_id: int | None = None, student_id: int | None = None
) -> list[SkillResult]:
    """The class's results per skill over its assignments (or one assignment), in one query; with a student, theirs
    beside the class's (a student who left the class keeps their own figures)."""
    in_class = _in_class(classroom_id)
    responses = Response.objects.filter(_latest_submitted())
    if assignment_id is not None:
        responses = responses.filter(attempt__assignment_id=assignment_id)
    else:
        responses = responses.filter(attempt__assignment__classroom_id=classroom_id)
    sums = {"class_points": Sum("points", filter=Q(in_class)), "class_max": Sum("question__points", filter=Q(in_class))}
    if student_id is None:
        responses = responses.filter(in_class)
    else:
        theirs = Q(attempt__student_id=student_id)
        responses = responses.filter(Q(in_class) | theirs)
        sums |= {"student_points": Sum("points", filter=theirs), "student_max": Sum("question__points", filter=theirs)}
    return in_skill_order(
        [
            SkillResult(
                skill=row["question__skill"],
                questions=row["questions"],
                class_percent=share(row["class_points"], row["class_max"]),
                student_percent=share(row.get("student_points"), row.get("student_max")) if student_id else None,
            )
            for row in _grouped(responses, **sums)
        ]
    )


def own_skills_by_class(attempt_ids: list[int]) -> dict[int, list[SkillResult]]:
    """A student's own results per skill in each class (class id -> rows), over the given attempts (those whose
    results they may see), in one query."""
    if not attempt_ids:
        return {}
    rows = (
        Response.objects.filter(attempt_id__in=attempt_ids)
        .values("attempt__assignment__classroom_id", "question__skill")
        .annotate(
            questions=Count("question_id", distinct=True),
            student_points=Sum("points"),
            student_max=Sum("question__points"),
        )
        .order_by("attempt__assignment__classroom_id", "question__skill")
    )
    by_class: dict[int, list[SkillResult]] = {}
    for row in rows:
        by_class.setdefault(row["attempt__assignment__classroom_id"], []).append(
            SkillResult(
                skill=row["question__skill"],
                questions=row["questions"],
                student_percent=share(row["student_points"], row["student_max"]),
            )
        )
    return {classroom_id: in_skill_order(results) for classroom_id, results in by_class.items()}
