"""What the quiz card and the results page show of a response, gathered in one place for templates."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

from django.http import Http404
from django.utils import timezone

from quizzes.attempts.selectors import attempt_responses, responses_at
from quizzes.bank.answers import answer_from_json
from quizzes.bank.presentation import (
    Presentation,
    answer_lines,
    correct_answer_lines,
    describe_answer,
    form_values,
    present,
)
from quizzes.models import Attempt, Response


def next_position(positions: list[tuple[int, bool]], *, after: int) -> int | None:
    """The next unanswered question after this one, else the first unanswered one, else None."""
    unanswered = [p for p, answered in positions if not answered]
    later = [p for p in unanswered if p > after]
    return (later or unanswered or [None])[0]


@dataclass
class Verdict:
    """Right or wrong in words and an icon name, never colour alone."""

    correct: bool
    partly: bool
    points: object
    max_points: object

    @property
    def word(self) -> str:
        if self.correct:
            return "Correct"
        return "Partly right" if self.partly else "Not quite"

    @property
    def icon(self) -> str:
        return "check" if self.correct else ("partial" if self.partly else "cross")

    @property
    def css(self) -> str:
        return "right" if self.correct else ("partial" if self.partly else "wrong")


def verdict_for(response: Response) -> Verdict | None:
    if not response.is_answered:
        return None
    return Verdict(
        correct=bool(response.is_correct),
        partly=not response.is_correct and response.points > 0,
        points=response.points,
        max_points=response.question.points,
    )


@dataclass(frozen=True)
class AfterAnswer:
    """The card to show after an answer (None: every question has an answer, so the finish page), and whether it
    is another question than the one answered (then its URL goes into the browser's history)."""

    card: QuizCard | None
    moves_on: bool

    @property
    def finished(self) -> bool:
        return self.card is None


@dataclass
class QuizCard:
    attempt: Attempt
    response: Response
    presentation: Presentation
    positions: list[tuple[int, bool]]  # every position of the attempt and whether it has an answer
    error: str = ""
    kept_earlier: bool = False
    now: object = field(default_factory=timezone.now)

    @classmethod
    def load(cls, attempt: Attempt, positions: list[tuple[int, bool]], position: int | None = None) -> QuizCard | None:
        """The card for a position (the first unanswered one when it is missing or not in the attempt); None when
        every question has an answer. positions: from student_attempt_and_positions."""
        if position not in {p for p, _ in positions}:
            position = next((p for p, answered in positions if not answered), None)
            if position is None:
                return None
        return cls._load(attempt, positions, [position])[0]

    @classmethod
    def load_answering(
        cls, attempt: Attempt, position: int, positions: list[tuple[int, bool]]
    ) -> tuple[QuizCard, QuizCard | None]:
        """The card an answer is sent from and, when the student moves straight on once it is saved, the card
        that comes next, loaded in the queries of one card. positions: from student_attempt_and_positions."""
        if position not in {p for p, _ in positions}:
            raise Http404("This quiz has no such question.")
        following = None
        if not attempt.assignment.feedback_after_each_question:
            following = next_position([(p, done or p == position) for p, done in positions], after=position)
        cards = cls._load(attempt, positions, [position] if following is None else [position, following])
        return cards[0], (cards[1] if len(cards) > 1 else None)

    @classmethod
    def _load(cls, attempt: Attempt, positions: list[tuple[int, bool]], wanted: list[int]) -> list[QuizCard]:
        # Citations show only in feedback after each question; the results page loads its own.
        responses = responses_at(attempt, wanted, citations=attempt.assignment.feedback_after_each_question)
        shuffle = attempt.assignment.shuffle_choices
        return [
            cls(
                attempt=attempt,
                response=response,
                presentation=present(response.question, seed=attempt.seed, shuffle_choices=shuffle),
                positions=positions,
            )
            for response in responses
        ]

    def answered(self) -> list[tuple[int, bool]]:
        """The positions once this card's question has an answer."""
        return [(p, answered or p == self.position) for p, answered in self.positions]

    def after_answer(self, following: QuizCard | None, *, kept_earlier: bool = False) -> AfterAnswer:
        """What the student sees once this card's answer is saved: with feedback after each question, this card
        with its verdict; otherwise the following card (from load_answering), or the finish page when none is
        left. `kept_earlier`: the answer was not saved because an earlier one stands (feedback after each
        question keeps the first)."""
        self.kept_earlier = kept_earlier
        self.positions = self.answered()  # the progress bar counts the answer just given
        if self.shows_feedback:
            return AfterAnswer(card=self, moves_on=False)
        if following is None:
            return AfterAnswer(card=None, moves_on=True)
        following.positions = self.positions
        return AfterAnswer(card=following, moves_on=True)

    @property
    def question(self):
        return self.response.question

    @property
    def question_template(self) -> str:
        """The form fields for the question's type."""
        return self.presentation.template

    @property
    def position(self) -> int:
        return self.response.position

    @property
    def total(self) -> int:
        return len(self.positions)

    @property
    def answered_count(self) -> int:
        return sum(1 for _, answered in self.positions if answered)

    @property
    def progress_percent(self) -> int:
        return round(self.answered_count * 100 / self.total) if self.total else 0

    @cached_property
    def answer(self):
        return answer_from_json(self.question.type, self.response.answer)

    @cached_property
    def values(self) -> dict:
        return form_values(self.presentation, self.answer)

    @property
    def checks_each_answer(self) -> bool:
        """Feedback after each question: the answer button checks the answer rather than moving on."""
        return self.attempt.assignment.feedback_after_each_question

    @property
    def shows_feedback(self) -> bool:
        return self.response.is_answered and self.attempt.assignment.feedback_after_each_question

    @property
    def verdict(self) -> Verdict | None:
        return verdict_for(self.response) if self.shows_feedback else None

    @property
    def your_answer(self) -> str:
        return describe_answer(self.question, self.answer)

    @property
    def your_answer_lines(self):
        """The answer one line a part (ordering, matching), marked right or wrong when the right answer is shown."""
        return answer_lines(self.question, self.answer, mark=self.show_correct_answer)

    @property
    def correct_answer(self) -> str:
        return self.question.correct_answer_text() if self.shows_feedback else ""

    @property
    def correct_answer_lines(self):
        return correct_answer_lines(self.question) if self.shows_feedback else None

    @property
    def show_correct_answer(self) -> bool:
        return self.shows_feedback and self.attempt.assignment.show_correct_answers

    @property
    def previous_position(self) -> int | None:
        return self.position - 1 if self.position > 1 else None

    @property
    def following_position(self) -> int | None:
        return self.position + 1 if self.position < self.total else None

    @property
    def seconds_left(self) -> int | None:
        if self.attempt.deadline is None:
            return None
        return max(0, math.ceil((self.attempt.deadline - self.now).total_seconds()))


@dataclass
class ReviewRow:
    response: Response
    verdict: Verdict | None
    your_answer: str
    correct_answer: str
    # Ordering and matching: one line a part, marked right or wrong when the right answer is shown.
    your_answer_lines: list | None = None
    correct_answer_lines: list | None = None


def reviewed_responses(attempt: Attempt, *, show_correct: bool) -> list[ReviewRow]:
    """Each response with its verdict and the answers in words, and the right answer when show_correct: the
    student's results page passes permissions.correct_answers_visible, the teacher always sees it."""
    rows = []
    for response in attempt_responses(attempt):
        question = response.question
        answer = answer_from_json(question.type, response.answer)
        rows.append(
            ReviewRow(
                response=response,
                verdict=verdict_for(response),
                your_answer=describe_answer(question, answer),
                correct_answer=question.correct_answer_text() if show_correct else "",
                your_answer_lines=answer_lines(question, answer, mark=show_correct),
                correct_answer_lines=correct_answer_lines(question) if show_correct else None,
            )
        )
    return rows
