"""Writes of authoring: making quiz sets, putting bank questions in order, saving a random set's rule, and
teachers' own questions."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from quizzes.bank.fixtures import save_question
from quizzes.bank.rules import question_problems
from quizzes.bank.services import question_copy
from quizzes.models import Choice, Question, QuizSet, QuizSetItem, Source, Topic
from quizzes.permissions import can_edit_question, can_edit_quiz_set, can_see_question, can_use_question
from quizzes.sources.quotes import QuoteNotFound, QuoteTooLong
from quizzes.sources.services import citations_anchor, quote_check

MAX_RULE_COUNT = 100


class QuizSetRefused(ValueError):
    """A change the set cannot take; the message is shown to the teacher, with this HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


# -- Writes ---------------------------------------------------------------------------------------------------


def quiz_set_create(*, owner, title: str, description: str = "", kind: str = QuizSet.Kind.FIXED) -> QuizSet:
    if kind not in QuizSet.Kind.values:
        raise QuizSetRefused("Choose a fixed list of questions or a random draw.")
    with transaction.atomic():
        return QuizSet.objects.create(owner=owner, title=title.strip(), description=description.strip(), kind=kind)


def _locked(quiz_set: QuizSet) -> QuizSet:
    """The set's row, locked so that two tabs changing one set take turns (positions stay contiguous)."""
    return QuizSet.objects.select_for_update().get(pk=quiz_set.pk)


def _renumber(quiz_set: QuizSet, order: list[QuizSetItem] | None = None) -> None:
    """Positions 1, 2, 3, ... in the given order (the stored order by default), saving only what changed."""
    items = order if order is not None else list(quiz_set.items.order_by("position", "id"))
    changed = []
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            changed.append(item)
    if changed:
        QuizSetItem.objects.bulk_update(changed, ["position"])


def _fixed(quiz_set: QuizSet) -> None:
    if quiz_set.is_random:
        raise QuizSetRefused("This set draws its questions at random by its rule; change the rule instead.")


def quiz_set_add_question(*, quiz_set: QuizSet, teacher, question_id: int) -> QuizSetItem:
    """Put a question at the end of the set. Adding one that is already there changes nothing (a double click)."""
    if not can_edit_quiz_set(teacher, quiz_set):
        raise QuizSetRefused("That quiz set is not yours.", status=404)
    _fixed(quiz_set)
    with transaction.atomic():
        locked = _locked(quiz_set)
        question = Question.objects.filter(pk=question_id).first()
        if question is None or not can_see_question(teacher, question):
            raise QuizSetRefused("That question is not in the bank or among your own questions.", status=404)
        if not can_use_question(teacher, question):
            raise QuizSetRefused("That bank question is a draft, not ready to be used in a quiz yet.")
        existing = locked.items.filter(question=question).first()
        if existing:
            return existing
        last = locked.items.aggregate(last=Max("position"))["last"] or 0
        return QuizSetItem.objects.create(quiz_set=locked, question=question, position=last + 1)


def quiz_set_remove_question(*, quiz_set: QuizSet, question_id: int) -> None:
    """Take a question out of the set; removing one that is not there changes nothing."""
    _fixed(quiz_set)
    with transaction.atomic():
        locked = _locked(quiz_set)
        locked.items.filter(question_id=question_id).delete()
        _renumber(locked)


def quiz_set_move_question(*, quiz_set: QuizSet, question_id: int, direction: str) -> None:
    """Swap a question with the one before ("up") or after ("down") it; at either end nothing moves."""
    if direction not in ("up", "down"):
        raise QuizSetRefused("Move a question up or down.")
    _fixed(quiz_set)
    with transaction.atomic():
        locked = _locked(quiz_set)
        items = list(locked.items.order_by("position", "id"))
        index = next((n for n, item in enumerate(items) if item.question_id == question_id), None)
        if index is None:
            raise QuizSetRefused("That question is not in this set.", status=404)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        _renumber(locked, items)


def quiz_set_update_rule(
    *,
    quiz_set: QuizSet,
    count: int,
    topics: Iterable[Topic] = (),
    sources: Iterable[Source] = (),
    types: Iterable[str] = (),
    difficulty_min: int = 1,
    difficulty_max: int = 3,
) -> QuizSet:
    types = [t for t in Question.Type.values if t in set(types)]
    if not 1 <= count <= MAX_RULE_COUNT:
        raise QuizSetRefused(f"Draw between 1 and {MAX_RULE_COUNT} questions.")
    if not 1 <= difficulty_min <= difficulty_max <= 3:
        raise QuizSetRefused("Difficulty runs from 1 to 3, and the lowest cannot be above the highest.")
    if not quiz_set.is_random:
        raise QuizSetRefused("Only a random set has a rule; this one is a fixed list of questions.")
    with transaction.atomic():
        locked = _locked(quiz_set)
        locked.rule_count = count
        locked.rule_types = types
        locked.rule_difficulty_min = difficulty_min
        locked.rule_difficulty_max = difficulty_max
        locked.save(update_fields=["rule_count", "rule_types", "rule_difficulty_min", "rule_difficulty_max"])
        locked.rule_topics.set(list(topics))
        locked.rule_sources.set(list(sources))
    return locked


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


def _sources_and_topics(data: dict, teacher=None) -> tuple[dict[str, Source], dict[str, Topic]]:
    """The sources the question cites that the teacher may cite (all, for the bank's own loaders), and its topics."""
    names = {str(c.get("source")) for c in data.get("citations") or []}
    slugs = {str(t) for t in data.get("topics") or []}
    usable = Source.objects.visible_to(teacher) if teacher is not None else Source.objects.all()
    sources = {s.file_name: s for s in usable.filter(file_name__in=names)}
    topics = {t.slug: t for t in Topic.objects.filter(slug__in=slugs)}
    return sources, topics


def own_question_problems(data: dict, teacher=None) -> list[str]:
    """check_bank's rules, with evidence optional (teachers need not cite a document), plus sources the teacher may
    cite, and each quote of a source whose text is stored found in that text (saying what does not match)."""
    problems = question_problems(data, None, require_evidence=False)
    sources, _ = _sources_and_topics(data, teacher)
    for number, citation in enumerate(data.get("citations") or [], start=1):
        name = citation.get("source")
        if name and name not in sources:
            problems.append(f"citation {number} names source {name}, which is not one of ours")
        elif name and str(citation.get("quote") or "").strip():
            try:
                quote_check(source=sources[name], quote=str(citation["quote"]))
            except QuoteNotFound as error:
                problems.append(f"citation {number} ({sources[name].title}): {str(error).rstrip('.')}")
            except QuoteTooLong:
                pass  # question_problems says so, in check_bank's words
    return problems


def own_question_save(*, teacher, data: dict, question: Question | None = None) -> Question:
    """Create a teacher's question from its dict form, or update one of theirs in place (its type stays).

    Child rows are matched by identity (a choice's text), as the bank loader does, so saved answers keep
    their meaning."""
    if question is not None and not can_edit_question(teacher, question):
        raise QuestionNotUsable("That question is not one of your own.")
    data = {**data, "key": "", "status": Question.Status.PUBLISHED}
    if question is not None:
        data["type"] = question.type
    sources, topics = _sources_and_topics(data, teacher)
    with transaction.atomic():
        # The stored texts the quotes are checked against stay as they are until the question is saved: a text
        # replaced meanwhile (quizzes.sources.services.source_replace_text locks the same rows) cannot break them.
        stored = sorted(s.pk for s in sources.values() if s.has_text)
        list(Source.objects.select_for_update().filter(pk__in=stored).order_by("pk").values_list("pk", flat=True))
        problems = own_question_problems(data, teacher)
        if problems:
            raise QuestionInvalid(problems)
        if question is None:
            saved = save_question(data, sources=sources, topics=topics, owner=teacher)
            citations_anchor(saved)
            return saved
        locked = Question.objects.select_for_update().get(pk=question.pk)
        # save_question updates a question found by its key; teachers' questions have none, so this one
        # gets a passing key for the length of the transaction.
        passing_key = f"own-question-{locked.pk}-being-edited"
        Question.objects.filter(pk=locked.pk).update(key=passing_key)
        saved = save_question({**data, "key": passing_key}, sources=sources, topics=topics, owner=teacher)
        Question.objects.filter(pk=saved.pk).update(key="")
        saved.key = ""
        _keep_typed_order(saved, data)
        citations_anchor(saved)
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
    with transaction.atomic():
        copy = question_copy(question=original, owner=teacher, status=Question.Status.PUBLISHED)
        citations_anchor(copy)
    return copy
