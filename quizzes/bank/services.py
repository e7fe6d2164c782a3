"""Writes on the bank that more than one part of the site makes."""

from __future__ import annotations

from django.db import transaction

from quizzes.bank.fixtures import question_to_dict, save_question
from quizzes.bank.models import Question


def question_copy(*, question: Question, owner=None, status: str = Question.Status.DRAFT) -> Question:
    """A copy of a question with every part, no key, the given owner (None: the shared bank) and status, that
    remembers what it was copied from. The question's relations must be prefetched (with_answers() and topics).

    The admin's "duplicate" keeps the owner and makes drafts; a teacher's "duplicate" makes their own, published.
    """
    data = question_to_dict(question) | {"key": "", "status": status}
    sources = {c.source.file_name: c.source for c in question.citations.all()}
    topics = {t.slug: t for t in question.topics.all()}
    with transaction.atomic():
        copy = save_question(data, sources=sources, topics=topics, owner=owner)
        copy.copied_from = question
        copy.save(update_fields=["copied_from"])
    return copy
