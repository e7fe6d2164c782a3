"""The source library, adding a source (paste and upload), the reader, provenance, replacing and deleting the text,
quoting from the reader into the question editor, and a student's "Read it in context"."""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.attempts.services import attempt_start
from quizzes.models import Assignment, Citation, Question, Source, SourceParagraph
from quizzes.sources.selectors import WINDOW
from quizzes.sources.services import source_add
from tests import factories
from tests.conftest import HTMX, client_for
from tests.sources import documents

TEXT = [
    "On the night of 24 October the Military Revolutionary Committee took the bridges.",
    "Lenin wrote: \u201cDelay is fatal.\u201d",
    "By morning the Provisional Government held only the Winter Palace.",
]


def text_of(response) -> str:
    return unescape(response.content.decode())


def provenance(**changes) -> dict:
    return {
        "author": "John Reed",
        "title": "Ten Days That Shook the World",
        "category": "journalism",
        "kind": "",
        "year": "1919",
        "date": "",
        "calendar": "",
        "published_in": "Boni & Liveright, New York",
        "standpoint": "An American socialist journalist who sided with the Bolsheviks.",
        "visibility": "private",
        **changes,
    }


@pytest.fixture
def teacher_client(school):
    return client_for(school.teacher)


@pytest.fixture
def source(school):
    return source_add(
        owner=school.teacher, paragraphs=TEXT, rights_confirmed=True, author="John Reed", title="Ten Days"
    )


def own_question(client, source, quote, **changes):
    data = {
        "type": "true_false",
        "prompt": "The MRC took the bridges first?",
        "explanation": "Reed says so.",
        "difficulty": "1",
        "points": "1",
        "answer": "true",
        "citation_source": str(source.pk),
        "citation_quote": quote,
        **changes,
    }
    return client.post(reverse("question_create"), data)


# -- Library -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_the_library_lists_the_bank_the_shared_and_the_teachers_own_but_not_others_private(school, source, headers):
    factories.SourceFactory()
    theirs = factories.TeacherSourceFactory(owner=school.other_teacher, title="Their private notes")
    shared = factories.TeacherSourceFactory(
        owner=school.other_teacher, title="Their shared speech", visibility=Source.Visibility.SHARED
    )
    response = client_for(school.teacher).get(reverse("source_library"), headers=headers)
    page = text_of(response)
    assert "Ten Days" in page and "Lenin and the October Coup" in page and shared.title in page
    assert theirs.title not in page
    assert page.index("Ten Days") < page.index(shared.title) < page.index("Lenin and the October Coup")  # mine first
    assert ("<html" in page) is (not headers)
    assert "HX-Request" in response["Vary"]


def test_the_library_filters_by_whose_and_words(school, source):
    factories.SourceFactory()
    page = text_of(client_for(school.teacher).get(reverse("source_library"), {"whose": "mine", "q": "ten"}))
    assert "Ten Days" in page and "Lenin and the October Coup" not in page


def test_the_library_takes_a_constant_number_of_queries(school, source, django_assert_num_queries):
    client = client_for(school.teacher)
    client.get(reverse("source_library"))
    for n in range(5):
        factories.TeacherSourceFactory(owner=school.teacher, visibility=Source.Visibility.SHARED, title=f"More {n}")
    with django_assert_num_queries(3):  # the session, the user, the sources with their counts and owners
        client.get(reverse("source_library"))


# -- Adding ------------------------------------------------------------------------------------------------------


def test_a_teacher_adds_a_pasted_source_and_lands_in_the_reader(school, teacher_client):
    data = provenance(text="First paragraph here.\n\nSecond one, with \u201cquotes\u201d.", rights_confirmed="on")
    response = teacher_client.post(reverse("source_create"), data)
    source = Source.objects.get(owner=school.teacher)
    assert response.status_code == 302 and response["Location"] == reverse("source_read", args=[source.pk])
    assert source.paragraph_count == 2 and source.is_private and source.rights_confirmed
    page = text_of(teacher_client.get(response["Location"]))
    assert "Second one, with \u201cquotes\u201d." in page and 'id="p2"' in page


def test_pasted_markup_is_stored_as_text_and_shown_as_text(school, teacher_client):
    data = provenance(text="<script>alert(1)</script> <b>Bold</b> claims.", rights_confirmed="on")
    response = teacher_client.post(reverse("source_create"), data, follow=True)
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;b&gt;Bold&lt;/b&gt; claims." in page


def test_a_teacher_adds_an_uploaded_text_file(school, teacher_client):
    upload = SimpleUploadedFile("reed.txt", "One.\n\nTwo \u2014 with a dash.".encode(), content_type="text/plain")
    data = provenance(rights_confirmed="on", visibility="shared", upload=upload)
    response = teacher_client.post(reverse("source_create"), data)
    assert response.status_code == 302
    source = Source.objects.get(owner=school.teacher)
    assert source.upload_name == "reed.txt" and not source.is_private
    assert list(source.paragraphs.values_list("text", flat=True)) == ["One.", "Two \u2014 with a dash."]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rights_confirmed": ""}, "Confirm that you may use this text"),
        ({"text": "   "}, "Paste the document"),
        ({"upload": SimpleUploadedFile("x.txt", b"\xff\xfe\x00\x00\x00binary\x00")}, ""),
        ({"upload": SimpleUploadedFile("empty.txt", b"")}, ""),
        ({"year": "99999"}, "less than or equal to"),
        ({"calendar": "old_style"}, "A calendar goes with a full date"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_stores_nothing(school, teacher_client, changes, message):
    data = provenance(rights_confirmed="on", text="A paragraph.") | changes
    if "upload" in changes:
        data["text"] = ""
    if changes.get("rights_confirmed") == "":
        del data["rights_confirmed"]
    response = teacher_client.post(reverse("source_create"), data)
    assert response.status_code == 422
    assert 'role="alert"' in text_of(response)
    assert message in text_of(response)
    assert not Source.objects.filter(owner__isnull=False).exists() and not SourceParagraph.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(school, teacher_client, monkeypatch):
    monkeypatch.setattr("quizzes.sources.forms.MAX_UPLOAD_BYTES", 100)
    upload = SimpleUploadedFile("big.txt", b"word " * 30)
    response = teacher_client.post(reverse("source_create"), provenance(rights_confirmed="on", upload=upload))
    assert response.status_code == 422 and "The file is too large" in text_of(response)
    assert not Source.objects.filter(owner__isnull=False).exists()


def test_pasting_and_uploading_at_once_is_refused(school, teacher_client):
    upload = SimpleUploadedFile("a.txt", b"Some text.")
    response = teacher_client.post(
        reverse("source_create"), provenance(rights_confirmed="on", upload=upload, text="Other text.")
    )
    assert response.status_code == 422 and "not both" in text_of(response)


def test_a_student_cannot_add_a_source(school, student_client):
    response = student_client.post(reverse("source_create"), provenance(rights_confirmed="on", text="x"))
    assert response.status_code == 403
    assert not Source.objects.filter(owner__isnull=False).exists()


# -- The reader --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_the_reader_marks_quoted_passages_and_offers_to_quote_each_paragraph(school, source, teacher_client, headers):
    assert own_question(teacher_client, source, "Delay is fatal.").status_code == 302
    response = teacher_client.get(reverse("source_read", args=[source.pk]), headers=headers)
    page = text_of(response)
    assert '<mark class="quoted">\u201cDelay is fatal.\u201d</mark>' in page or '<mark class="quoted">' in page
    assert f"{reverse('question_create')}?source={source.pk}&paragraph=2" in page
    assert "HX-Request" in response["Vary"]
    if not headers:
        assert "Questions quote 1 of 3 paragraphs" in page
        assert "¶ 1</a>, <a" in page or "¶ 1" in page  # paragraph 1 and 3 are not quoted yet


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_search_within_the_text_lists_and_marks_the_hits(school, source, teacher_client, headers):
    page = text_of(teacher_client.get(reverse("source_read", args=[source.pk]), {"q": "winter"}, headers=headers))
    assert "in 1 paragraph" in page
    assert '<mark class="hit">Winter</mark>' in page
    assert "?p=3&q=winter#p3" in page
    # With htmx, the page's status line says what changed, for screen readers.
    assert ("\u201cwinter\u201d in 1 paragraph." in page) is bool(headers)


def test_the_reader_shows_a_window_of_paragraphs_with_next_and_previous(school, teacher_client):
    many = [f"Paragraph number {n} of the long text." for n in range(1, 2 * WINDOW + 5)]
    source = source_add(owner=school.teacher, paragraphs=many, rights_confirmed=True, author="A", title="Long")
    page = text_of(teacher_client.get(reverse("source_read", args=[source.pk]), {"p": WINDOW + 3}))
    assert f'id="p{WINDOW + 1}"' in page and f'id="p{2 * WINDOW}"' in page
    assert 'id="p1"' not in page and f'id="p{2 * WINDOW + 1}"' not in page
    assert "?p=1" in page and f"?p={2 * WINDOW + 1}" in page


@pytest.mark.parametrize("value", ["x", "-4", "99999999999999999999", "0"])
def test_the_reader_takes_any_paragraph_number_without_failing(source, teacher_client, value):
    assert teacher_client.get(reverse("source_read", args=[source.pk]), {"p": value, "q": "x" * 500}).status_code == 200


@pytest.mark.parametrize(("paragraphs", "questions"), [(5, 1), (300, 15)])
def test_the_reader_and_the_editor_take_a_fixed_number_of_queries(
    school, teacher_client, django_assert_num_queries, paragraphs, questions
):
    text = [f"Sentence {n} says something about October." for n in range(paragraphs)]
    source = source_add(owner=school.teacher, paragraphs=text, rights_confirmed=True, author="A", title="T")
    for n in range(questions):
        own_question(teacher_client, source, f"Sentence {n} says", prompt=f"Question {n}?")
    url = reverse("source_read", args=[source.pk])
    # The session, the user, the source; the window's paragraphs, the quotes in it, which paragraphs are quoted.
    with django_assert_num_queries(6):
        teacher_client.get(url, {"p": 2})
    with django_assert_num_queries(7):  # and the paragraphs where the words searched for stand
        teacher_client.get(url, {"p": 2, "q": "October"})
    # The session, the user, the source and its paragraph; the sources and topics offered.
    with django_assert_num_queries(6):
        teacher_client.get(reverse("question_create"), {"source": source.pk, "paragraph": 2, "type": "single"})


def test_the_reader_takes_a_constant_number_of_queries(school, teacher_client, django_assert_num_queries):
    def reader_queries(paragraphs: int, questions: int) -> int:
        text = [f"Sentence {n} says something about October." for n in range(paragraphs)]
        source = source_add(owner=school.teacher, paragraphs=text, rights_confirmed=True, author="A", title="T")
        for n in range(questions):
            own_question(teacher_client, source, f"Sentence {n} says", prompt=f"Question {n}?")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            teacher_client.get(reverse("source_read", args=[source.pk]), {"p": 2, "q": "October"})
        return len(captured)

    assert reader_queries(5, 1) == reader_queries(200, 12)


def test_a_shared_document_shows_provenance_and_quoted_passages_only(school, teacher_client):
    citation = factories.CitationFactory()
    page = text_of(teacher_client.get(reverse("source_read", args=[citation.source.pk])))
    assert citation.quote in page and "Orlando Figes" in page
    assert "Find in the text" not in page


def test_another_teachers_private_source_does_not_exist_for_a_teacher(school, source):
    assert client_for(school.other_teacher).get(reverse("source_read", args=[source.pk])).status_code == 404


# -- Provenance, replacing and deleting --------------------------------------------------------------------------


def test_the_owner_edits_the_provenance(source, teacher_client):
    data = provenance(date="1917-10-25", year="1917", calendar="old_style", allow_context="on")
    response = teacher_client.post(reverse("source_edit", args=[source.pk]), data)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.date_in_words == "25 October 1917 (Old Style)" and source.allow_context
    page = text_of(teacher_client.get(reverse("source_read", args=[source.pk])))
    assert "25 October 1917 (Old Style)" in page and "Boni & Liveright" in page


def test_a_text_change_that_breaks_quotes_is_refused_with_the_list(source, teacher_client):
    own_question(teacher_client, source, "Delay is fatal.")
    question = Question.objects.get(owner__isnull=False)
    response = teacher_client.post(reverse("source_replace", args=[source.pk]), {"text": "Nothing of the sort."})
    assert response.status_code == 409
    assert question.prompt in text_of(response) and reverse("question_edit", args=[question.pk]) in text_of(response)
    assert source.paragraphs.count() == 3


def test_a_text_change_that_keeps_the_quotes_is_stored(source, teacher_client):
    own_question(teacher_client, source, "Delay is fatal.")
    new = "A new opening.\n\n" + "\n\n".join(TEXT)
    response = teacher_client.post(reverse("source_replace", args=[source.pk]), {"text": new})
    assert response.status_code == 302
    assert Citation.objects.get(source=source).paragraph == 3


def test_deleting_a_cited_source_is_refused_with_the_list(source, teacher_client):
    own_question(teacher_client, source, "Delay is fatal.")
    response = teacher_client.post(reverse("source_delete", args=[source.pk]))
    assert response.status_code == 409 and "The MRC took the bridges first?" in text_of(response)
    assert Source.objects.filter(pk=source.pk).exists()


def test_deleting_a_source_nobody_quotes(source, teacher_client):
    asked = text_of(teacher_client.get(reverse("source_delete", args=[source.pk])))
    assert "Delete Ten Days?" in re.sub(r"</?cite>", "", asked) and Source.objects.filter(pk=source.pk).exists()
    response = teacher_client.post(reverse("source_delete", args=[source.pk]))
    assert response.status_code == 302 and not Source.objects.filter(pk=source.pk).exists()


def test_only_the_owner_edits_replaces_or_deletes(school, source):
    source.visibility = Source.Visibility.SHARED
    source.save()
    other = client_for(school.other_teacher)
    assert other.get(reverse("source_read", args=[source.pk])).status_code == 200
    assert other.get(reverse("source_edit", args=[source.pk])).status_code == 404
    assert other.post(reverse("source_replace", args=[source.pk]), {"text": "x"}).status_code == 404
    assert other.post(reverse("source_delete", args=[source.pk])).status_code == 404


# -- Quoting into the editor -------------------------------------------------------------------------------------


def test_the_paragraph_link_opens_the_editor_with_the_paragraph_to_quote(source, teacher_client):
    url = reverse("question_create")
    page = text_of(teacher_client.get(url, {"source": source.pk, "paragraph": 2}))
    assert 'name="source"' in page and 'name="paragraph" value="2"' in page  # carried through the type chooser
    page = text_of(teacher_client.get(url, {"source": source.pk, "paragraph": 2, "type": "true_false"}))
    assert "Lenin wrote: \u201cDelay is fatal.\u201d" in page
    assert f'<option value="{source.pk}" selected>' in page


def test_a_selected_passage_fills_the_quote(source, teacher_client):
    url = reverse("question_create")
    page = text_of(
        teacher_client.get(
            url, {"source": source.pk, "paragraph": 3, "quote": "held only the Winter", "type": "single"}
        )
    )
    assert re.search(r'name="citation_quote"[^>]*>\s*held only the Winter</textarea>', page)


def test_editing_a_question_links_its_quote_in_the_reader(source, teacher_client):
    own_question(teacher_client, source, "Delay is fatal.")
    question = Question.objects.get(owner__isnull=False)
    page = text_of(teacher_client.get(reverse("question_edit", args=[question.pk])))
    assert f"{reverse('source_read', args=[source.pk])}?p=2#p2" in page


def test_the_editor_says_exactly_what_does_not_match(source, teacher_client):
    response = own_question(teacher_client, source, "Delay is deadly.")
    assert response.status_code == 422
    assert (
        "it matches up to \u201cDelay is\u201d, then your quote has \u201cdeadly.\u201d where the text goes on \u201cfatal."
        in text_of(response)
    )
    assert not Question.objects.filter(owner__isnull=False).exists()


def test_the_editor_offers_no_private_source_of_another_teacher(school, source):
    page = text_of(client_for(school.other_teacher).get(reverse("question_create"), {"type": "single"}))
    assert "Ten Days" not in page
    assert client_for(school.other_teacher).get(reverse("question_create"), {"source": source.pk}).status_code == 404


def test_the_editor_takes_a_constant_number_of_queries(school, teacher_client):
    def editor_queries(paragraphs: int) -> int:
        text = [f"Sentence {n} says something." for n in range(paragraphs)]
        source = source_add(owner=school.teacher, paragraphs=text, rights_confirmed=True, author="A", title="T")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            teacher_client.get(reverse("question_create"), {"source": source.pk, "paragraph": 2, "type": "single"})
        return len(captured)

    assert editor_queries(5) == editor_queries(300)


# -- Read it in context ------------------------------------------------------------------------------------------


@pytest.fixture
def quoted(school, source, teacher_client):
    """A question of the teacher's quoting their source, in an assignment of their class with feedback at once."""
    source.allow_context = True
    source.save()
    own_question(teacher_client, source, "Delay is fatal.")
    question = Question.objects.get(owner=school.teacher)
    quiz_set = factories.QuizSetFactory(owner=school.teacher, questions=[question])
    assignment = factories.AssignmentFactory(
        quiz_set=quiz_set, classroom=school.classroom, feedback=Assignment.Feedback.EACH_QUESTION
    )
    attempt = attempt_start(student=school.student, assignment=assignment)
    return question, attempt


def answer(client, attempt):
    return client.post(reverse("attempt_answer", args=[attempt.pk, 1]), {"answer": "true"}, headers=HTMX)


def test_after_answering_a_student_reads_the_passage_in_context(school, quoted, student_client):
    question, attempt = quoted
    page = text_of(answer(student_client, attempt))
    citation = question.citations.get()
    url = reverse("source_context", args=[citation.pk, attempt.pk])
    assert "Read it in context" in page and url in page
    reader = text_of(student_client.get(url))
    assert '<mark class="this-quote">' in reader and "Delay is fatal." in reader
    assert "Write a question quoting this" not in reader and "Questions quote" not in reader
    assert f'href="{reverse("attempt", args=[attempt.pk])}">Back to your quiz' in reader


def test_before_answering_the_student_cannot_read_it(school, quoted, student_client):
    question, attempt = quoted
    url = reverse("source_context", args=[question.citations.get().pk, attempt.pk])
    assert student_client.get(url).status_code == 404


def test_no_link_when_the_teacher_does_not_allow_it(school, quoted, source, student_client):
    question, attempt = quoted
    Source.objects.filter(pk=source.pk).update(allow_context=False)
    page = text_of(answer(student_client, attempt))
    assert "Delay is fatal." in page and "Read it in context" not in page
    url = reverse("source_context", args=[question.citations.get().pk, attempt.pk])
    assert student_client.get(url).status_code == 404


def test_not_for_a_class_the_sources_teacher_does_not_teach(school, quoted, source, student_client):
    question, attempt = quoted
    Source.objects.filter(pk=source.pk).update(owner=school.other_teacher)
    page = text_of(answer(student_client, attempt))
    assert "Read it in context" not in page
    url = reverse("source_context", args=[question.citations.get().pk, attempt.pk])
    assert student_client.get(url).status_code == 404


def test_another_student_cannot_use_the_link(school, quoted, student_client):
    question, attempt = quoted
    answer(student_client, attempt)
    url = reverse("source_context", args=[question.citations.get().pk, attempt.pk])
    assert client_for(school.classmate).get(url).status_code == 404
    assert client_for(school.teacher).get(url).status_code == 404


def test_after_submitting_the_results_page_links_the_passage_in_context(school, quoted, student_client):
    question, attempt = quoted
    Assignment.objects.filter(pk=attempt.assignment_id).update(feedback=Assignment.Feedback.AFTER_SUBMISSION)
    url = reverse("source_context", args=[question.citations.get().pk, attempt.pk])
    student_client.post(reverse("attempt_answer", args=[attempt.pk, 1]), {"answer": "true"})
    assert student_client.get(url).status_code == 404  # no feedback yet: the passage is not shown
    student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    results = text_of(student_client.get(reverse("attempt_results", args=[attempt.pk])))
    assert url in results
    reader = student_client.get(url)
    assert reader.status_code == 200
    assert f'href="{reverse("attempt_results", args=[attempt.pk])}">Back to your quiz' in text_of(reader)


# -- Uploads of every type, made by the tests (tests/sources/documents.py) ---------------------------------------


@pytest.mark.parametrize(
    ("file_name", "make"),
    [
        ("reed.txt", lambda: documents.make_text("Lenin wrote.\n\nDelay is fatal.", encoding="cp1251")),
        ("reed.md", lambda: b"# Reed\n\nLenin wrote.\n\nDelay is *fatal*."),
        ("reed.html", lambda: documents.make_html("<h1>Reed</h1><p>Lenin wrote.</p><p>Delay is <b>fatal</b>.</p>")),
        ("reed.docx", lambda: documents.make_docx(["Lenin wrote.", "Delay is fatal."])),
        ("reed.pdf", lambda: documents.make_pdf_from_paragraphs([["Lenin wrote.", "Delay is fatal."]])),
    ],
)
def test_a_teacher_uploads_each_kind_of_file_and_quotes_it(school, teacher_client, file_name, make):
    upload = SimpleUploadedFile(file_name, make())
    response = teacher_client.post(reverse("source_create"), provenance(rights_confirmed="on", upload=upload))
    assert response.status_code == 302, text_of(response)
    source = Source.objects.get(owner=school.teacher)
    texts = list(source.paragraphs.values_list("text", flat=True))
    assert "Delay is fatal." in texts and not any("<" in text for text in texts)
    assert own_question(teacher_client, source, "Delay is fatal.").status_code == 302


@pytest.mark.parametrize(
    ("file_name", "make", "message"),
    [
        ("scan.pdf", lambda: documents.make_image_only_pdf(), "paste the text"),
        ("broken.docx", lambda: b"PK\x03\x04 not really a document", ""),
        ("bomb.docx", lambda: documents.make_billion_laughs_docx(), ""),
        ("photo.txt", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, ""),
    ],
)
def test_an_unreadable_upload_is_refused_with_the_readers_message_and_stores_nothing(
    school, teacher_client, file_name, make, message
):
    upload = SimpleUploadedFile(file_name, make())
    response = teacher_client.post(reverse("source_create"), provenance(rights_confirmed="on", upload=upload))
    assert response.status_code == 422
    assert 'role="alert"' in text_of(response) and message in text_of(response).lower()
    assert not Source.objects.filter(owner__isnull=False).exists() and not SourceParagraph.objects.exists()


def test_after_a_live_session_the_student_reads_its_passage_in_context_from_their_history(
    school, source, teacher_client, student_client
):
    """A live session ends as an attempt (quizzes.live.services.live_record) whose feedback shows the passage: the
    same rule lets its player read the source in context afterwards, and not a student who did not play."""
    from quizzes.live import services as live

    source.allow_context = True
    source.save()
    own_question(teacher_client, source, "Delay is fatal.")
    question = Question.objects.get(owner=school.teacher)
    quiz_set = factories.QuizSetFactory(owner=school.teacher, questions=[question])
    session = live.live_session_start(teacher=school.teacher, classroom=school.classroom, quiz_set=quiz_set)
    player = live.live_join(session=session, user=school.student)
    live.live_open_next(session=session, by=school.teacher)
    live.live_answer(player=player, position=1, answer=True)
    live.live_end(session=session, by=school.teacher)
    attempt = session.assignment.attempts.get(student=school.student)
    url = reverse("source_context", args=[question.citations.get().pk, attempt.pk])
    assert url in text_of(student_client.get(reverse("attempt_results", args=[attempt.pk])))
    reader = text_of(student_client.get(url))
    assert '<mark class="this-quote">' in reader and "Delay is fatal." in reader
    assert client_for(school.classmate).get(url).status_code == 404
