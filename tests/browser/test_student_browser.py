"""A student in a real browser: joining, every question type, HTMX swaps, reloads, no JavaScript, the timer."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import Attempt, Enrollment, User
from tests.browser.conftest import assert_accessible, log_in, settled

pytestmark = pytest.mark.django_db(transaction=True)

# How to answer the conftest questions right, in the order the quiz set holds them.
RIGHT = ["single", "multiple", "true_false", "short_text", "numeric", "ordering", "matching"]


def answer(page, qtype: str) -> None:
    settled(page)  # the card's form goes through htmx only once htmx has wired it
    card = page.locator("#quiz-card")
    match qtype:
        case "single":
            card.get_by_label("It ignored them").check()
        case "multiple":
            card.get_by_label("Zinoviev").check()
            card.get_by_label("Kamenev").check()
        case "true_false":
            card.get_by_label("False").check()
        case "short_text":
            card.get_by_label("Your answer").fill("  novaya zhizn’ ")
        case "numeric":
            card.get_by_label("Your answer (a number)").fill("10")
        case "ordering":
            for label, item in zip(
                ["First (earliest)", "Number 2", "Last (latest)"],
                ["Kornilov affair", "10 October meeting", "16 October meeting"],
                strict=True,
            ):
                card.get_by_label(label).select_option(label=item)
        case "matching":
            card.get_by_label("Lenin").select_option(label="called for a rising")
            card.get_by_label("Kamenev").select_option(label="opposed it in print")
            card.get_by_label("Trotsky").select_option(label="chaired the MRC")


def test_student_joins_takes_every_type_with_htmx_resumes_after_reload_and_reads_results(
    live_server, school, browser_context
):
    page = browser_context(width=390, height=844).new_page()
    page.goto(f"{live_server.url}/signup/?code={school.classroom.join_code}")
    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password", exact=True).fill("Winter-Palace-1917")
    page.get_by_label("Password confirmation").fill("Winter-Palace-1917")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("You have joined History 10A")).to_be_visible()
    assert Enrollment.objects.filter(student__username="nadia", classroom=school.classroom).exists()
    assert_accessible(page, "student dashboard")

    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Question 1 of 7")).to_be_visible()
    page.evaluate("window.__stillTheSamePage = true")
    for number, qtype in enumerate(RIGHT, start=1):
        expect(page.get_by_text(f"Question {number} of 7")).to_be_visible()
        if number == 4:
            page.reload()
            expect(page.get_by_text("Question 4 of 7")).to_be_visible()
            assert page.get_by_label("It ignored them").count() == 0
            page.evaluate("window.__stillTheSamePage = true")
        assert_accessible(page, f"{qtype} question")
        answer(page, qtype)
        page.get_by_role("button", name="Check answer").click()
        feedback = page.locator("#quiz-card .feedback")
        expect(feedback).to_contain_text("Correct")
        expect(feedback).to_contain_text("Orlando Figes")
        assert page.evaluate("window.__stillTheSamePage === true"), "answering reloaded the page"
        assert page.evaluate("document.getElementById('quiz-card').contains(document.activeElement)")
        if number == 1:
            assert_accessible(page, "feedback")
        next_step = "Next question" if number < 7 else "Review and submit"
        page.get_by_role("link", name=next_step).click()
    expect(page.get_by_text("You have answered all 7 questions")).to_be_visible()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".score")).to_contain_text("7 out of 7")
    page.locator("details.result summary").first.click()
    expect(page.locator("details.result blockquote").first).to_contain_text("The Central Committee ignored Lenin")
    assert_accessible(page, "results")
    attempt = Attempt.objects.get(student__username="nadia")
    assert attempt.score == 7 and attempt.responses.filter(is_correct=True).count() == 7


def test_the_same_quiz_works_with_javascript_disabled(live_server, school, browser_context):
    page = browser_context(javascript=False).new_page()
    log_in(page, live_server, "sasha")
    page.get_by_role("button", name="Start").click()
    for number, qtype in enumerate(RIGHT, start=1):
        expect(page.get_by_text(f"Question {number} of 7")).to_be_visible()
        answer(page, qtype)
        page.get_by_role("button", name="Check answer").click()
        expect(page.locator(".feedback")).to_contain_text("Correct")
        page.get_by_role("link", name="Next question" if number < 7 else "Review and submit").click()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".score")).to_contain_text("7 out of 7")


def test_bad_input_shows_a_message_and_keeps_the_question(live_server, school, page):
    log_in(page, live_server, "sasha")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose an answer.")
    expect(page.get_by_text("Question 1 of 7")).to_be_visible()


def test_a_timed_quiz_is_submitted_with_the_answers_given_when_time_runs_out(live_server, school, page):
    school.assignment.time_limit_minutes = 10
    school.assignment.feedback = "submission"
    school.assignment.save()
    log_in(page, live_server, "sasha")
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".timer")).to_contain_text("left")
    answer(page, "single")
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_text("Question 2 of 7")).to_be_visible()
    Attempt.objects.filter(student=school.student).update(deadline=timezone.now() + timedelta(seconds=3))
    page.reload()
    expect(page.locator(".timer")).to_have_class(re.compile("is-low"))
    page.wait_for_url(re.compile(r"/results/$"), timeout=15_000)
    expect(page.get_by_text("Time ran out")).to_be_visible()
    attempt = Attempt.objects.get(student=school.student)
    assert attempt.auto_submitted and attempt.score == 1


def test_a_whole_quiz_with_the_keyboard_alone(live_server, school, page):
    school.assignment.quiz_set.items.exclude(question__type__in=["single", "true_false", "short_text"]).delete()
    log_in(page, live_server, "sasha")
    expect(page.get_by_role("heading", name="My quizzes")).to_be_visible()
    focus_on(page, "button", "Start")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    focus_on(page, "input", "")  # the first radio button of the choices
    page.keyboard.press("Space")
    focus_on(page, "button", "Check answer")
    page.keyboard.press("Enter")
    expect(page.locator(".feedback")).to_be_visible()
    focus_on(page, "a", "Next question")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question 2 of 3")).to_be_visible()
    focus_on(page, "input", "")
    page.keyboard.press("Space")
    focus_on(page, "button", "Check answer")
    page.keyboard.press("Enter")
    focus_on(page, "a", "Next question")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question 3 of 3")).to_be_visible()
    focus_on(page, "input", "")
    page.keyboard.type("Novaya Zhizn")
    page.keyboard.press("Enter")
    expect(page.locator(".feedback")).to_contain_text("Correct")
    focus_on(page, "a", "Review and submit")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
    focus_on(page, "button", "Submit my answers")
    page.keyboard.press("Enter")
    expect(page.locator(".score")).to_contain_text("out of 3")
    assert User.objects.get(username="sasha").attempts.get().is_submitted


def focus_on(page, tag: str, text: str, limit: int = 40) -> None:
    """Press Tab until an element of that tag whose text starts with text has the focus."""
    page.wait_for_load_state()
    settled(page)
    for _ in range(limit):
        page.keyboard.press("Tab")
        found = page.evaluate(
            "([tag, text]) => { const e = document.activeElement;"
            " return e && e.tagName.toLowerCase() === tag && (e.innerText || '').trim().startsWith(text); }",
            [tag, text],
        )
        if found:
            return
    raise AssertionError(f"Tab never reached <{tag}> {text!r}")


def test_login_and_signup_pages_are_accessible_in_light_and_dark(live_server, school, browser_context):
    for scheme in ("light", "dark"):
        page = browser_context().new_page()
        page.emulate_media(color_scheme=scheme)
        page.goto(f"{live_server.url}/accounts/login/")
        assert_accessible(page, f"login ({scheme})")
        page.goto(f"{live_server.url}/signup/")
        assert_accessible(page, f"signup ({scheme})")
        log_in(page, live_server, "sasha")
        assert_accessible(page, f"dashboard ({scheme})")
        page.get_by_role("button", name=re.compile("Start|Continue")).click()
        if scheme == "light":
            answer(page, "single")
            page.get_by_role("button", name="Check answer").click()
        else:
            page.goto(page.url.split("?")[0] + "?q=1")
        expect(page.locator(".feedback")).to_be_visible()
        assert_accessible(page, f"feedback ({scheme})")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_wrong_ordering_and_matching_feedback_reads_as_a_list_on_a_phone(live_server, school, browser_context, scheme):
    source = school.questions["ordering"].citations.get().source
    source.standpoint = "A liberal historian, writing for general readers."
    source.save()
    page = browser_context(width=390, height=844).new_page()
    page.emulate_media(color_scheme=scheme)
    log_in(page, live_server, "sasha")
    page.get_by_role("button", name=re.compile("Start|Continue")).click()
    expect(page.get_by_text("Question 1 of 7")).to_be_visible()
    for position, qtype in ((6, "ordering"), (7, "matching")):
        page.goto(page.url.split("?")[0] + f"?q={position}")
        settled(page)
        card = page.locator("#quiz-card")
        if qtype == "ordering":  # the last two swapped
            for label, item in zip(
                ["First (earliest)", "Number 2", "Last (latest)"],
                ["Kornilov affair", "16 October meeting", "10 October meeting"],
                strict=True,
            ):
                card.get_by_label(label).select_option(label=item)
        else:  # Kamenev and Trotsky swapped
            card.get_by_label("Lenin").select_option(label="called for a rising")
            card.get_by_label("Kamenev").select_option(label="chaired the MRC")
            card.get_by_label("Trotsky").select_option(label="opposed it in print")
        page.get_by_role("button", name="Check answer").click()
        lines = page.locator("#quiz-card .answer-lines > li")
        expect(lines).to_have_count(3)
        expect(lines.nth(0)).to_contain_text("Right")
        expect(lines.nth(1)).to_contain_text("Wrong")
        expect(lines.nth(1)).to_contain_text("Belongs in place 3" if qtype == "ordering" else "Right match: opposed")
        expect(page.locator("#quiz-card .source-card")).to_contain_text("Who is speaking: A liberal historian")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert_accessible(page, f"{qtype} feedback ({scheme})")


def test_the_accessibility_check_does_catch_violations(page):
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, "a page made to fail")
