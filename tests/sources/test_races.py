"""Races on a source's text, with real threads on PostgreSQL: a question saved while its source's text is replaced
never ends up quoting a passage the stored text lacks."""

import threading

import pytest
from django.db import connection

from quizzes.authoring.services import QuestionInvalid
from quizzes.models import Citation, Source
from quizzes.sources.selectors import stored_quote_problems
from quizzes.sources.services import SourceRefused, source_replace_text
from tests import factories
from tests.system.test_races import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL (CI runs it)"),
]


def test_saving_questions_while_the_text_is_replaced_leaves_no_broken_quote():
    source = factories.TeacherSourceFactory()
    counter = iter(range(100))
    lock = threading.Lock()

    def save_or_replace():
        with lock:
            n = next(counter)
        if n == 0:
            return source_replace_text(source=Source.objects.get(pk=source.pk), paragraphs=["Nothing else."])
        return factories.quoting_question(source, source.owner, prompt=f"Question {n}: did the MRC take the telegraph?")

    results = at_once(save_or_replace)
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, QuestionInvalid | SourceRefused)]
    assert not unexpected, unexpected
    assert stored_quote_problems() == []
    replaced = Source.objects.get(pk=source.pk).paragraph_count == 1
    assert replaced is (not Citation.objects.filter(source=source).exists())
