"""Results per historical thinking skill (Question.Skill): the row every skills table shows, and one attempt's own
figures, counted from its reviewed responses (no query). The class's and a student's figures over many attempts
are quizzes/scores/skills.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from quizzes.models import Question

NO_SKILL = "No skill set"


@dataclass(frozen=True)
class SkillResult:
    """One skill's row: how many questions practise it, and the share of their points earned (a whole percent) by
    the class and by one student. None: nothing to count, or not shown on this page."""

    skill: str  # a Question.Skill value, "" for questions with none (teachers' own drafts)
    questions: int
    class_percent: int | None = None
    student_percent: int | None = None

    @property
    def label(self) -> str:
        return Question.Skill(self.skill).label if self.skill in Question.Skill.values else NO_SKILL

    @property
    def class_bar(self) -> int:
        return _bar(self.class_percent)

    @property
    def student_bar(self) -> int:
        return _bar(self.student_percent)


def _bar(percent: int | None) -> int:
    return 0 if percent is None else max(0, min(100, percent))


def share(points, available) -> int | None:
    """The whole percent of the available points earned (none earned when points is None), rounded half to even
    as every percent on the pages."""
    if not available:
        return None
    return round(float(points or 0) * 100 / float(available))


def in_skill_order(results: list[SkillResult]) -> list[SkillResult]:
    """Question.Skill's order, questions with no skill last."""
    order = {value: n for n, value in enumerate(Question.Skill.values)}
    return sorted(results, key=lambda r: order.get(r.skill, len(order)))


def attempt_skills(responses) -> list[SkillResult]:
    """One attempt's own results per skill, from its responses with their questions loaded."""
    earned: dict[str, Decimal] = {}
    available: dict[str, Decimal] = {}
    questions: dict[str, set[int]] = {}
    for response in responses:
        skill = response.question.skill
        earned[skill] = earned.get(skill, Decimal(0)) + (response.points or 0)
        available[skill] = available.get(skill, Decimal(0)) + response.question.points
        questions.setdefault(skill, set()).add(response.question_id)
    return in_skill_order(
        [
            SkillResult(
                skill=skill, questions=len(questions[skill]), student_percent=share(earned[skill], available[skill])
            )
            for skill in questions
        ]
    )
