"""Adding, describing, replacing and deleting teachers' sources; their questions' quotes are placed in the text."""

import pytest

from quizzes.authoring.services import QuestionInvalid, own_question_save
from quizzes.models import Citation, Source, SourceParagraph, SourceText
from quizzes.sources.services import (
    SourceRefused,
    quote_check,
    source_add,
    source_delete,
    source_replace_text,
    source_update_provenance,
)
from tests import factories

TEXT = [
    "On the night of 24 October the Military Revolutionary Committee took the bridges.",
    "Lenin wrote: \u201cDelay is fatal.\u201d",
    "By morning the Provisional Government held only the Winter Palace.",
]


def own_question(teacher, source, quote):
    return own_question_save(
        teacher=teacher,
        data={
            "type": "true_false",
            "prompt": "The MRC took the bridges first?",
            "explanation": "Reed says so.",
            "difficulty": 1,
            "points": 1,
            "answer": True,
            "citations": [{"source": source.file_name, "quote": quote}],
        },
    )


@pytest.fixture
def teacher(db):
    return factories.TeacherFactory()


@pytest.fixture
def source(teacher):
    return source_add(owner=teacher, paragraphs=TEXT, rights_confirmed=True, author="John Reed", title="Ten Days")


def test_a_source_is_stored_as_paragraphs_with_a_folded_copy(source, teacher):
    assert source.owner == teacher and source.is_private
    assert source.file_name.startswith("own-")
    assert (source.paragraph_count, source.word_count) == (3, 28)
    assert list(SourceParagraph.objects.filter(source=source).values_list("text", flat=True)) == TEXT
    stored = SourceText.objects.get(source=source)
    assert '"Delay is fatal."' in stored.folded
    assert len(stored.starts) == 3


def test_nothing_is_stored_without_the_teachers_confirmation(teacher):
    with pytest.raises(SourceRefused, match="Confirm"):
        source_add(owner=teacher, paragraphs=TEXT, rights_confirmed=False, author="A", title="B")
    assert not Source.objects.exists() and not SourceParagraph.objects.exists()


def test_an_empty_text_is_refused(teacher):
    with pytest.raises(SourceRefused, match="empty"):
        source_add(owner=teacher, paragraphs=["  ", ""], rights_confirmed=True, author="A", title="B")
    assert not Source.objects.exists()


def test_a_full_date_gives_the_year_and_its_calendar_is_said(source):
    import datetime

    source_update_provenance(source=source, date=datetime.date(1917, 10, 25), calendar=Source.Calendar.OLD_STYLE)
    source.refresh_from_db()
    assert source.year == 1917
    assert source.date_in_words == "25 October 1917 (Old Style)"


def test_a_quote_is_checked_against_the_stored_text(source):
    match = quote_check(source=source, quote="Delay is fatal.")
    assert match.paragraph == 2
    assert quote_check(source=factories.SourceFactory(), quote="anything") is None  # a shared document: no text


def test_saving_a_question_places_its_quote_in_the_text(source, teacher):
    question = own_question(teacher, source, "held only the Winter Palace")
    citation = Citation.objects.get(question=question)
    assert (citation.paragraph, citation.paragraph_last) == (3, 3)


def test_a_question_whose_quote_is_not_in_the_text_is_refused_and_not_stored(source, teacher):
    with pytest.raises(QuestionInvalid) as refused:
        own_question(teacher, source, "held only the Smolny Institute")
    assert "your quote has \u201cSmolny\u201d where the text goes on \u201cWinter\u201d" in refused.value.messages[0]
    assert not Citation.objects.exists()


def test_another_teachers_private_source_cannot_be_cited(source):
    other = factories.TeacherFactory()
    with pytest.raises(QuestionInvalid, match="not one of ours"):
        own_question(other, source, "Delay is fatal.")


def test_a_shared_source_can_be_cited_by_other_teachers(source):
    source_update_provenance(source=source, visibility=Source.Visibility.SHARED)
    other = factories.TeacherFactory()
    question = own_question(other, source, "Delay is fatal.")
    assert question.citations.get().paragraph == 2


def test_replacing_the_text_keeps_the_quotes_and_moves_their_places(source, teacher):
    question = own_question(teacher, source, "Delay is fatal.")
    source = source_replace_text(source=source, paragraphs=["A new first paragraph.", *TEXT])
    assert Citation.objects.get(question=question).paragraph == 3
    assert source.paragraph_count == 4


def test_replacing_the_text_is_refused_with_the_questions_it_would_break(source, teacher):
    question = own_question(teacher, source, "Delay is fatal.")
    with pytest.raises(SourceRefused) as refused:
        source_replace_text(source=source, paragraphs=["Something else entirely."])
    assert refused.value.questions == [question]
    assert SourceParagraph.objects.filter(source=source).count() == 3  # nothing changed


def test_deleting_a_cited_source_is_refused_with_the_list(source, teacher):
    question = own_question(teacher, source, "Delay is fatal.")
    with pytest.raises(SourceRefused) as refused:
        source_delete(source=source)
    assert refused.value.questions == [question]
    assert Source.objects.filter(pk=source.pk).exists()


def test_deleting_a_source_nobody_cites_deletes_its_text(source):
    source_delete(source=source)
    assert not Source.objects.exists() and not SourceParagraph.objects.exists() and not SourceText.objects.exists()


def test_the_shared_documents_get_a_category_from_their_kind_when_the_bank_loads(db):
    from quizzes.bank.fixtures import load_bank

    load_bank()
    categories = dict(Source.objects.values_list("file_name", "category"))
    assert categories["001_bfa4ff9e36ab06e5.txt"] == Source.Category.JOURNALISM
    assert categories["003_d2084e1c6c5dfc8e.txt"] == Source.Category.SECONDARY
