"""Teachers' sources in the bank's tools: check_bank checks quotes against stored texts, export_bank and export_gift
include teachers' questions, the builder's source filter lists what the teacher may use."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from quizzes.models import Citation, Source
from tests import factories
from tests.conftest import client_for


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def quoted(school):
    source = factories.TeacherSourceFactory(owner=school.teacher)
    question = factories.quoting_question(source, school.teacher)
    return source, question


def test_check_bank_passes_quotes_that_stand_in_the_stored_text(quoted):
    assert "0 problems" in run("check_bank")


def test_check_bank_names_a_quote_that_is_not_in_the_stored_text(quoted):
    source, question = quoted
    Citation.objects.filter(question=question).update(quote="the telegraph and the post office")
    with pytest.raises(CommandError, match="1 problems"):
        out = StringIO()
        call_command("check_bank", stdout=out)
    assert f"question {question.pk}: quote from {source.file_name}" in out.getvalue()
    assert "\u201cpost\u201d" in out.getvalue()


def test_export_bank_has_teachers_questions_with_their_citations(quoted):
    source, question = quoted
    rows = [json.loads(line) for line in run("export_bank").splitlines()]
    row = next(r for r in rows if r["id"] == str(question.pk))
    assert row["owner"] == "teacher"
    assert row["citations"] == [
        {
            "source_file": source.file_name,
            "evidence": "the telegraph and the railway stations",
            "author": "John Reed",
            "title": source.title,
            "paragraph": 1,
        }
    ]


def test_export_gift_writes_a_teachers_own_questions(quoted):
    _, question = quoted
    text = run("export_gift", "--teacher", "teacher")
    assert f"::q{question.pk}::" in text and "Did the MRC take the telegraph?" in text
    assert "Did the MRC take the telegraph?" not in run("export_gift")
    with pytest.raises(CommandError, match="No account named nobody"):
        run("export_gift", "--teacher", "nobody")


def test_the_builders_source_filter_offers_the_teachers_and_shared_sources_only(school, quoted):
    source, question = quoted
    private = factories.TeacherSourceFactory(owner=school.other_teacher, title="Their private notes")
    shared = factories.TeacherSourceFactory(
        owner=school.other_teacher, title="Their shared speech", visibility=Source.Visibility.SHARED
    )
    quiz_set = factories.QuizSetFactory(owner=school.teacher)
    client = client_for(school.teacher)
    page = client.get(reverse("set_builder", args=[quiz_set.pk])).content.decode()
    assert source.title in page and shared.title in page and private.title not in page
    page = client.get(reverse("set_builder", args=[quiz_set.pk]), {"source": source.pk, "whose": "mine"})
    assert "Did the MRC take the telegraph?" in page.content.decode()
    page = client.get(reverse("set_builder", args=[quiz_set.pk]), {"source": private.pk})
    assert page.status_code == 200  # a source they may not use is ignored, never shown
