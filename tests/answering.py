"""Build the form a student would post for a question, right or wrong, as the page shows it."""

from django.http import QueryDict

from quizzes.attempts.selectors import attempt_responses
from quizzes.attempts.services import attempt_start, attempt_submit, response_record
from quizzes.bank.answers import parse_answer
from quizzes.bank.presentation import present
from quizzes.models import Assignment, Attempt, Question


def form_for(attempt: Attempt, question: Question, *, right: bool = True) -> dict:
    shown = present(question, seed=attempt.seed, shuffle_choices=attempt.assignment.shuffle_choices)
    match question.type:
        case "single":
            index = next(n for n, c in enumerate(shown.choices) if c.is_correct == right)
            return {"choice": str(index)}
        case "multiple":
            return {"choices": [str(n) for n, c in enumerate(shown.choices) if c.is_correct == right]}
        case "true_false":
            return {"answer": "true" if question.answer_bool == right else "false"}
        case "short_text":
            return {"answer": question.accepted_answers.first().text if right else "Pravda"}
        case "numeric":
            return {"answer": str(question.number if right else question.number + 5)}
        case "ordering":
            correct = list(question.ordering_items.all())
            order = correct if right else correct[1:] + correct[:1]
            return {f"slot-{n}": str(shown.items.index(item)) for n, item in enumerate(order)}
        case "matching":
            rights = shown.rights
            form = {}
            for n, pair in enumerate(shown.lefts):
                target = pair if right else rights[(rights.index(pair) + 1) % len(rights)]
                form[f"match-{n}"] = str(rights.index(target))
            return form
    raise ValueError(question.type)


def take(student, assignment: Assignment, *, right: set[str]) -> Attempt:
    """A submitted attempt, answered as the page would post it, with the question types in `right` right."""
    taken = attempt_start(student=student, assignment=assignment)
    for response in attempt_responses(taken):
        question = response.question
        form = QueryDict(mutable=True)
        for name, value in form_for(taken, question, right=question.type in right).items():
            form.setlist(name, value if isinstance(value, list) else [value])
        shown = present(question, seed=taken.seed, shuffle_choices=assignment.shuffle_choices)
        response_record(attempt=taken, response=response, answer=parse_answer(shown, form))
    return attempt_submit(attempt=taken)
