"""Build the form a student would post for a question, right or wrong, as the page shows it."""

from django.http import QueryDict

from quizzes.attempts.selectors import attempt_responses
from quizzes.attempts.services import attempt_start, attempt_submit, response_record
from quizzes.bank.answers import parse_answer
from quizzes.bank.presentation import present
from quizzes.bank.types import question_type
from quizzes.models import Assignment, Attempt, Question


def _rotated(items: list) -> list:
    return items[1:] + items[:1]


# An answer of each type that earns nothing, in grading's terms, from the question and what the page shows.
WRONG_ANSWERS = {
    "single": lambda question, shown: next(c.id for c in shown.choices if not c.is_correct),
    "multiple": lambda question, shown: sorted(c.id for c in shown.choices if not c.is_correct),
    "true_false": lambda question, shown: not question.answer_bool,
    "short_text": lambda question, shown: "Pravda",
    "numeric": lambda question, shown: str(question.number + 5),
    "ordering": lambda question, shown: _rotated([i.id for i in question.ordering_items.all()]),
    "matching": lambda question, shown: dict(
        zip([p.id for p in shown.rights], [p.id for p in _rotated(shown.rights)], strict=True)
    ),
}


def form_for(attempt: Attempt, question: Question, *, right: bool = True) -> dict:
    shown = present(question, seed=attempt.seed, shuffle_choices=attempt.assignment.shuffle_choices)
    kind = question_type(question.type)
    answer = kind.right_answer(question) if right else WRONG_ANSWERS[question.type](question, shown)
    return kind.form_data(shown, answer)


def take(student, assignment: Assignment, *, right: set[str], now=None) -> Attempt:
    """A submitted attempt, answered as the page would post it, with the question types in `right` right (all of
    it at `now`, when given)."""
    taken = attempt_start(student=student, assignment=assignment, now=now)
    for response in attempt_responses(taken):
        question = response.question
        form = QueryDict(mutable=True)
        for name, value in form_for(taken, question, right=question.type in right).items():
            form.setlist(name, value if isinstance(value, list) else [value])
        shown = present(question, seed=taken.seed, shuffle_choices=assignment.shuffle_choices)
        response_record(attempt=taken, response=response, answer=parse_answer(shown, form), now=now)
    return attempt_submit(attempt=taken, now=now)
