"""Questions with their content (parts and citations), kept per process while they do not change.

A question's content is fixed for a given (id, updated_at): every way of editing a question saves its row, which
bumps updated_at (auto_now), in the same transaction as the changes to its parts (admin's change form and its
inlines, bank.fixtures.save_question for the YAML loader, GIFT import and teachers' own questions) or sets
updated_at itself (admin's publish and unpublish actions, which update rows in bulk; editing a source bumps the
questions that cite it). So a question read with a newer updated_at misses the cache and loads again.

The cached instances are shared by the requests of a process: read them, never change them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from quizzes.bank.models import PART_RELATIONS
from quizzes.bank.types import question_type
from quizzes.models import Citation, Question

MAX_QUESTIONS = 2000  # a few MB; the bank holds a few hundred


@dataclass(frozen=True)
class _Cached:
    question: Question
    citations: bool  # whether its citations (with their sources) are loaded too


_cache: OrderedDict[tuple, _Cached] = OrderedDict()
_lock = threading.Lock()


def with_content(questions: Sequence[Question], *, citations: bool = True) -> list[Question]:
    """These questions (in this order) with the parts their types use and, when asked, their citations with sources:
    the cached instances for those unchanged since they were cached, the others loaded (a query per part table some
    of them needs, one more for citations) and cached."""
    found: dict[tuple, Question] = {}
    missing: dict[tuple, Question] = {}
    with _lock:
        for question in questions:
            key = (question.pk, question.updated_at)
            cached = _cache.get(key)
            if cached is not None and (cached.citations or not citations):
                _cache.move_to_end(key)
                found[key] = cached.question
            elif key not in found:
                missing[key] = question
    if missing:
        loading = list(missing.values())
        for relation in PART_RELATIONS:
            needing = [q for q in loading if relation in question_type(q.type).parts]
            if needing:
                prefetch_related_objects(needing, relation)
        if citations:
            prefetch_related_objects(loading, Prefetch("citations", Citation.objects.select_related("source")))
        with _lock:
            for key, question in missing.items():
                _cache[key] = _Cached(question, citations)
                _cache.move_to_end(key)
            while len(_cache) > MAX_QUESTIONS:
                _cache.popitem(last=False)
        found |= missing
    return [found[(q.pk, q.updated_at)] for q in questions]


def clear() -> None:
    """Forget every cached question (tests start from an empty cache)."""
    with _lock:
        _cache.clear()
