"""Teachers' sources in a real browser: select a passage to quote it (JavaScript), the paragraph link without it,
and the library, reader and editor accessible (axe) on a phone and a desktop, light and dark."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from quizzes.models import Citation, Question, Source
from tests import factories
from tests.browser.conftest import assert_accessible, log_in, settled
from tests.browser.test_teacher_browser import sticking_out

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/oq-source-shots")

SELECT = """(wanted) => {
  const text = document.querySelector('#p2 .paragraph-text');
  const node = text.firstChild;
  const start = node.textContent.indexOf(wanted);
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, start + wanted.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def fill_true_false(page) -> None:
    page.locator('input[value="true_false"]').check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Question", exact=True).fill("Did Lenin think delay was fatal?")
    page.get_by_label("Explanation").fill("He wrote so to the Central Committee.")
    page.get_by_label("True", exact=True).check()


def test_a_teacher_selects_a_passage_and_writes_a_question_quoting_it(live_server, browser_context):
    teacher = factories.TeacherFactory(username="tamara")
    source = factories.TeacherSourceFactory(owner=teacher)
    page = browser_context().new_page()
    log_in(page, live_server, "tamara")
    page.goto(f"{live_server.url}/teach/sources/{source.pk}/")
    bar = page.locator("#quote-bar")
    expect(bar).to_be_hidden()
    page.evaluate(SELECT, "The situation is utterly critical.")
    expect(bar).to_be_visible()
    page.get_by_role("link", name="Write a question quoting this", exact=True).click()
    expect(page.get_by_text("paragraph 2")).to_be_visible()
    fill_true_false(page)
    expect(page.get_by_label("Evidence: quote")).to_have_value("The situation is utterly critical.")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_text("Your question is saved")).to_be_visible()
    citation = Citation.objects.get(question__owner=teacher)
    assert (citation.source, citation.paragraph) == (source, 2)


def test_without_javascript_each_paragraph_links_to_the_editor(live_server, browser_context):
    teacher = factories.TeacherFactory(username="tamara")
    source = factories.TeacherSourceFactory(owner=teacher)
    page = browser_context(javascript=False).new_page()
    log_in(page, live_server, "tamara")
    page.goto(f"{live_server.url}/teach/sources/{source.pk}/")
    expect(page.locator("#quote-bar")).to_be_hidden()
    page.get_by_role("link", name="Write a question quoting this paragraph (2)").click()
    fill_true_false(page)
    expect(page.locator(".quoting-paragraph")).to_contain_text("Delay is fatal.")
    page.get_by_label("Evidence: quote").fill("Delay is deadly.")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_role("alert")).to_contain_text("your quote has \u201cdeadly.\u201d")
    assert not Question.objects.filter(owner=teacher).exists()
    page.get_by_label("Evidence: quote").fill("Delay is fatal.")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_text("Your question is saved")).to_be_visible()
    assert Citation.objects.get(question__owner=teacher).paragraph == 2


def test_searching_the_text_without_javascript_marks_the_hits(live_server, browser_context):
    teacher = factories.TeacherFactory(username="tamara")
    source = factories.TeacherSourceFactory(owner=teacher)
    page = browser_context(javascript=False).new_page()
    log_in(page, live_server, "tamara")
    page.goto(f"{live_server.url}/teach/sources/{source.pk}/")
    page.get_by_label("Find in the text").fill("winter palace")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", name=re.compile("in 1 paragraph"))).to_be_visible()
    expect(page.locator("mark.hit")).to_have_text("Winter Palace")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_library_reader_and_editor_are_accessible(live_server, browser_context, scheme, width):
    teacher = factories.TeacherFactory(username="tamara")
    factories.CitationFactory()  # a shared document, quoted
    source = factories.TeacherSourceFactory(owner=teacher, visibility=Source.Visibility.SHARED, allow_context=True)

    factories.quoting_question(source, teacher)
    pages = {
        "library": "/teach/sources/",
        "reader": f"/teach/sources/{source.pk}/?q=palace",
        "editor": f"/teach/questions/new/?source={source.pk}&paragraph=2&type=single",
        "add a source": "/teach/sources/new/",
        "provenance": f"/teach/sources/{source.pk}/edit/",
    }
    page = browser_context(width=width, height=900).new_page()
    page.emulate_media(color_scheme=scheme)
    log_in(page, live_server, "tamara")
    SHOTS.mkdir(exist_ok=True)
    for what, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        settled(page)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page, f"{what} ({scheme}, {width} px)")
        overflow = sticking_out(page)
        assert overflow["wider_by"] <= 0, f"{what} is wider than {width} px: {overflow}"
        page.screenshot(path=str(SHOTS / f"{what.replace(' ', '-')}-{width}-{scheme}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_student_reads_the_passage_in_context_after_answering(live_server, browser_context, width):
    from quizzes.models import Assignment

    teacher = factories.TeacherFactory(username="tamara")
    student = factories.UserFactory(username="sasha")
    classroom = factories.ClassroomFactory(teacher=teacher)
    factories.EnrollmentFactory(classroom=classroom, student=student)
    source = factories.TeacherSourceFactory(owner=teacher, allow_context=True, standpoint="An American socialist.")
    from quizzes.authoring.services import own_question_save

    question = own_question_save(
        teacher=teacher,
        data={
            "type": "true_false",
            "prompt": "Did Lenin think delay was fatal?",
            "explanation": "He wrote so.",
            "difficulty": 1,
            "points": 1,
            "answer": True,
            "citations": [{"source": source.file_name, "quote": "Delay is fatal."}],
        },
    )
    quiz_set = factories.QuizSetFactory(owner=teacher, questions=[question])
    factories.AssignmentFactory(quiz_set=quiz_set, classroom=classroom, feedback=Assignment.Feedback.EACH_QUESTION)
    page = browser_context(width=width, height=900).new_page()
    log_in(page, live_server, "sasha")
    page.get_by_role("button", name="Start").click()
    page.get_by_label("True", exact=True).check()
    page.get_by_role("button", name="Check answer").click()
    page.get_by_role("link", name=re.compile("Read it in context")).click()
    expect(page.locator("mark.this-quote")).to_have_text("Delay is fatal.")
    expect(page.get_by_text("Write a question quoting this")).to_have_count(0)
    assert_accessible(page, f"student reader ({width} px)")
    assert sticking_out(page)["wider_by"] <= 0
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"student-reader-{width}.png"), full_page=True)
