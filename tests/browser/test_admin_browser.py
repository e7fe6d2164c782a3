"""An administrator fixes a question in Django admin, and a student's next attempt shows the fix."""

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Choice, Question
from tests import factories
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

OLD_PROMPT = "According to Figes, what did the Central Committe do?"
NEW_PROMPT = "According to Figes, what did the Central Committee do with Lenin's letters of September 1917?"


def start_and_read(page, live_server, button: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name=re.compile(f"^{button}")).click()
    expect(page.get_by_text("Question 1 of 1")).to_be_visible()


def test_a_question_fixed_in_the_admin_shows_fixed_in_the_next_attempt(live_server, browser_context):
    factories.UserFactory(username="ada", is_staff=True, is_superuser=True, role="teacher")
    question = factories.QuestionFactory(prompt=OLD_PROMPT)
    classroom = factories.ClassroomFactory(name="History 10A")
    student = factories.UserFactory(username="sasha")
    factories.EnrollmentFactory(classroom=classroom, student=student)
    quiz_set = factories.QuizSetFactory(questions=[question])
    factories.AssignmentFactory(quiz_set=quiz_set, classroom=classroom, attempts_allowed=2)

    # The student's first attempt shows the question with its typo and a weak distractor.
    sasha = browser_context(width=390, height=844).new_page()
    log_in(sasha, live_server, "sasha")
    start_and_read(sasha, live_server, "Start")
    card = sasha.locator("#quiz-card")
    expect(card.get_by_role("heading", level=1)).to_have_text(OLD_PROMPT)
    expect(card.get_by_label("It expelled him")).to_be_visible()
    card.get_by_label("It ignored them").check()
    sasha.get_by_role("button", name="Check answer").click()
    expect(card.locator(".feedback")).to_contain_text("Correct")
    sasha.get_by_role("link", name="Review and submit").click()
    sasha.get_by_role("button", name="Submit my answers").click()
    expect(sasha.locator(".score")).to_contain_text("1 out of 1")

    # The administrator puts the prompt and the choice right on the question's change page.
    admin = browser_context().new_page()
    log_in(admin, live_server, "ada")
    admin.goto(f"{live_server.url}/admin/quizzes/question/?q=Committe")
    admin.get_by_role("link", name=re.compile("^According to Figes")).click()
    expect(admin.get_by_role("heading", name="Change question")).to_be_visible()
    expect(admin.get_by_role("link", name="Preview as a student")).to_be_visible()
    admin.locator("#id_prompt").fill(NEW_PROMPT)
    choice_text = admin.locator("input[name^=choices-][name$=-text]:not([name*=__prefix__])")
    expect(choice_text).to_have_count(4)  # the three choices and a blank row
    wrong = next(n for n in range(3) if choice_text.nth(n).input_value() == "It expelled him")
    choice_text.nth(wrong).fill("It burned all but one of them")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    question.refresh_from_db()
    assert question.prompt == NEW_PROMPT
    assert set(Choice.objects.filter(question=question).values_list("text", flat=True)) == {
        "It ignored them",
        "It voted to rise",
        "It burned all but one of them",
    }
    assert question.status == Question.Status.PUBLISHED

    # The student's next attempt shows the fix.
    start_and_read(sasha, live_server, "Try again")
    expect(card.get_by_role("heading", level=1)).to_have_text(NEW_PROMPT)
    expect(card.get_by_label("It burned all but one of them")).to_be_visible()
    expect(card.get_by_text("It expelled him")).to_have_count(0)
    card.get_by_label("It ignored them").check()
    sasha.get_by_role("button", name="Check answer").click()
    expect(card.locator(".feedback")).to_contain_text("Correct")
    expect(card.locator(".feedback blockquote")).to_contain_text("The Central Committee ignored Lenin")


def test_the_admin_refuses_a_fix_that_breaks_the_question_and_students_keep_the_old_one(live_server, browser_context):
    factories.UserFactory(username="ada", is_staff=True, is_superuser=True, role="teacher")
    question = factories.QuestionFactory(prompt=OLD_PROMPT)
    admin = browser_context().new_page()
    log_in(admin, live_server, "ada")
    admin.goto(f"{live_server.url}/admin/quizzes/question/{question.pk}/change/")
    admin.locator("#id_prompt").fill(NEW_PROMPT)
    right = admin.locator("input[name^=choices-][name$=-is_correct]:not([name*=__prefix__]):checked")
    expect(right).to_have_count(1)
    right.uncheck()  # now no choice is right: a single-choice question needs exactly one
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".errornote, .errorlist").first).to_be_visible()
    question.refresh_from_db()
    assert question.prompt == OLD_PROMPT
    assert Choice.objects.filter(question=question, is_correct=True).count() == 1
