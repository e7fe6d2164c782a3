"""A teacher's own questions: writing, editing and copying them, checked by the same rules as the bank."""

from __future__ import annotations

from django.db import transaction

from quizzes.bank_io import question_to_dict, save_question
from quizzes.models import Choice, Question, Source, Topic
from quizzes.question_rules import question_problems

_SUBJECTLESS = ("has ", "is ", "needs ")


class QuestionInvalid(ValueError):
    """The question breaks the bank's rules; problems are check_bank's own sentences."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems

    @property
    def messages(self) -> list[str]:
        """The problems as sentences for the teacher: check_bank's words, given a subject where they lack one."""
        return [
            (f"This question {problem}" if problem.startswith(_SUBJECTLESS) else problem[:1].upper() + problem[1:])
            + "."
            for problem in self.problems
        ]


class QuestionNotUsable(LookupError):
    """Neither a published bank question nor one of the teacher's own."""


def _sources_and_topics(data: dict) -> tuple[dict[str, Source], dict[str, Topic]]:
    names = {str(c.get("source")) for c in data.get("citations") or []}
    slugs = {str(t) for t in data.get("topics") or []}
    sources = {s.file_name: s for s in Source.objects.filter(file_name__in=names)}
    topics = {t.slug: t for t in Topic.objects.filter(slug__in=slugs)}
    return sources, topics


def own_question_problems(data: dict) -> list[str]:
    """check_bank's rules, with evidence optional (teachers need not cite a document), plus sources we know."""
    problems = question_problems(data, None, require_evidence=False)
    sources, _ = _sources_and_topics(data)
    for number, citation in enumerate(data.get("citations") or [], start=1):
        if citation.get("source") and citation["source"] not in sources:
            problems.append(f"citation {number} names source {citation['source']}, which is not one of ours")
    return problems


def own_question_save(*, teacher, data: dict, question: Question | None = None) -> Question:
    """Create a teacher's question from its dict form, or update one of theirs in place (its type stays).

    Child rows are matched by identity (a choice's text), as the bank loader does, so saved answers keep
    their meaning."""
    data = {**data, "key": "", "status": Question.Status.PUBLISHED}
    if question is not None:
        data["type"] = question.type
    problems = own_question_problems(data)
    if problems:
        raise QuestionInvalid(problems)
    sources, topics = _sources_and_topics(data)
    with transaction.atomic():
        if question is None:
            return save_question(data, sources=sources, topics=topics, owner=teacher)
        locked = Question.objects.select_for_update().get(pk=question.pk, owner=teacher)
        # save_question updates a question found by its key; teachers' questions have none, so this one
        # gets a passing key for the length of the transaction.
        passing_key = f"own-question-{locked.pk}-being-edited"
        Question.objects.filter(pk=locked.pk).update(key=passing_key)
        saved = save_question({**data, "key": passing_key}, sources=sources, topics=topics, owner=teacher)
        Question.objects.filter(pk=saved.pk).update(key="")
        saved.key = ""
        _keep_typed_order(saved, data)
    return saved


def _keep_typed_order(question: Question, data: dict) -> None:
    """A keyed question's choices get a fixed shuffle from the loader; a teacher's stay in the order typed."""
    order = {str(c["text"]): n for n, c in enumerate(data.get("choices") or [])}
    choices = list(question.choices.all())
    for choice in choices:
        choice.position = order.get(choice.text, choice.position)
    Choice.objects.bulk_update(choices, ["position"])


def question_duplicate(*, teacher, question_id: int) -> Question:
    """A copy the teacher owns (and may edit) of a published bank question or of one of their own."""
    original = Question.objects.usable_by(teacher).with_answers().prefetch_related("topics").filter(pk=question_id)
    original = original.first()
    if original is None:
        raise QuestionNotUsable("That question is not in the bank or among your own questions.")
    data = question_to_dict(original) | {"key": "", "status": Question.Status.PUBLISHED}
    sources, topics = _sources_and_topics(data)
    with transaction.atomic():
        copy = save_question(data, sources=sources, topics=topics, owner=teacher)
        copy.copied_from = original
        copy.save(update_fields=["copied_from"])
    return copy
