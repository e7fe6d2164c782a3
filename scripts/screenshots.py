"""Screenshots of the main pages, for docs/screenshots/: run against the demo school, on a phone and a wide screen.

    DATABASE_URL=sqlite:////tmp/shots.sqlite3 .venv/bin/python manage.py demo
    DATABASE_URL=sqlite:////tmp/shots.sqlite3 .venv/bin/python manage.py runserver 127.0.0.1:8000
    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]

It uses the site as its people would: demo-student and demo-student2 take "Deciding on the rising" (answering
whatever comes first or last, so the scores are mixed), and demo-teacher builds a quiz set from the bank, so the
gradebook and the results have something to show. Use a fresh demo database: each run spends students' attempts.
Drives Debian's Chromium (/usr/bin/chromium), as the browser tests do.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PHONE, WIDE = {"width": 390, "height": 844}, {"width": 1920, "height": 1080}
TALLEST = 1800  # px: longer pages are cut here
PRACTICE = "Deciding on the rising"
NEW_SET = "The night of 24 to 25 October"


def settled(page: Page) -> None:
    """Wait until htmx has finished a swap: until then the new content's forms are not yet wired to htmx."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)


def shoot(page: Page, name: str, *, full: bool = True) -> None:
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    height = min(page.evaluate("document.documentElement.scrollHeight"), TALLEST) if full else None
    width = page.viewport_size["width"]
    clip = {"x": 0, "y": 0, "width": width, "height": height} if full else None
    page.screenshot(path=OUT / f"{name}.png", full_page=full, clip=clip)
    wider = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    print(f"docs/screenshots/{name}.png" + (f"  (the page is {wider} px wider than the window)" if wider > 0 else ""))


def new_page(browser: Browser, url: str, username: str, viewport: dict, scheme: str = "light") -> Page:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("october1917")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def start(page: Page, title: str) -> None:
    card = page.locator(".assignment-card", has=page.get_by_role("heading", name=title))
    card.get_by_role("button", name=re.compile("^(Start|Continue|Try again)")).click()
    expect(page.locator("#quiz-card")).to_be_visible()


def answer(page: Page, key: dict[str, str]) -> None:
    """Answer the question on the card: right when the key knows it, otherwise with the first of each control."""
    card = page.locator("#quiz-card")
    known = key.get(card.locator("h1").inner_text())
    form = card.locator("form.answer-form")
    radios, boxes, texts = (
        form.locator("input[type=radio]"),
        form.locator("input[type=checkbox]"),
        form.locator("input[type=text]"),
    )
    selects = form.locator("select")
    if radios.count():
        (form.get_by_label(known, exact=True) if known else radios.first).check()
    elif boxes.count():
        for box in [form.get_by_label(text, exact=True) for text in known.split(" | ")] if known else [boxes.first]:
            box.check()
    elif texts.count():
        number = texts.first.get_attribute("inputmode") == "decimal"
        texts.first.fill(known or ("1917" if number else "Trotsky"))
    elif known and " = " in known:  # matching: "left = right | left = right"
        for pair in known.split(" | "):
            left, right = pair.split(" = ", 1)
            form.get_by_label(left, exact=True).select_option(label=right)
    elif known:  # ordering: "earliest > ... > latest"
        for select, item in zip(selects.all(), known.split(" > "), strict=True):
            select.select_option(label=item)
    else:
        for n, select in enumerate(selects.all()):
            select.select_option(index=1 + n % (select.locator("option").count() - 1))
    form.get_by_role("button", name=re.compile("Check answer|Save and next")).click()
    expect(card.locator(".feedback")).to_be_visible()


def next_question(page: Page) -> bool:
    """Go on to the next question; False at the end, on the review page."""
    step = page.locator("#quiz-card").get_by_role("link", name=re.compile("^(Next question|Review and submit)$"))
    last = step.inner_text() == "Review and submit"
    step.click()
    if last:
        expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
    else:
        expect(page.locator("#quiz-card form.answer-form")).to_be_visible()
        settled(page)
    return not last


def finish(page: Page, key: dict[str, str]) -> None:
    """Answer every question from the current one on, and submit."""
    while True:
        answer(page, key)
        if not next_question(page):
            break
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".score")).to_be_visible()


def students(browser: Browser, url: str) -> None:
    """demo-student answers as best she can and learns the answers from the feedback; demo-student2 then knows them."""
    key: dict[str, str] = {}
    phone = new_page(browser, url, "demo-student", PHONE)
    expect(phone.get_by_role("heading", name="My quizzes")).to_be_visible()
    shoot(phone, "student-dashboard-390")
    start(phone, PRACTICE)
    shoot(phone, "student-question-390")
    answer(phone, {})
    expect(phone.locator("#quiz-card .evidence")).to_be_visible()
    shoot(phone, "student-feedback-390")
    next_question(phone)
    finish(phone, {})
    phone.locator("details.result summary").nth(1).click()
    shoot(phone, "student-results-390")
    phone.goto(phone.url)  # the first attempt's answers, as the results page shows them, are the key
    for row in phone.locator("details.result").all():
        row.locator("summary").click()
        prompt = row.locator(".result-prompt").inner_text()
        key[prompt] = row.locator("dt", has_text="The answer").locator("xpath=following-sibling::dd[1]").inner_text()

    dark = new_page(browser, url, "demo-student2", PHONE, scheme="dark")
    start(dark, PRACTICE)
    answer(dark, key)
    expect(dark.locator("#quiz-card .evidence")).to_be_visible()
    shoot(dark, "student-feedback-dark-390")
    next_question(dark)
    finish(dark, key)

    wide = new_page(browser, url, "demo-student2", WIDE)
    start(wide, PRACTICE)  # a second attempt, left in progress: the gradebook shows it
    wide.goto(wide.url.split("?")[0] + "?q=13")  # the matching question
    shoot(wide, "student-question-1920", full=False)


def teacher(browser: Browser, url: str) -> None:
    wide = new_page(browser, url, "demo-teacher", WIDE)
    expect(wide.get_by_role("heading", name="My classes")).to_be_visible()
    shoot(wide, "teacher-home-1920")

    wide.get_by_role("link", name="Quiz sets").click()
    existing = wide.get_by_role("link", name=NEW_SET, exact=True)
    if existing.count():
        existing.click()
    else:
        wide.get_by_role("link", name="New quiz set").click()
        wide.get_by_label("Title").fill(NEW_SET)
        wide.get_by_label("Description").fill("The Military Revolutionary Committee takes the city.")
        wide.get_by_role("button", name="Make the set").click()
    wide.get_by_label("Source").select_option(index=2)
    settled(wide)
    wide.get_by_label("Difficulty").select_option(index=2)
    settled(wide)
    expect(wide.locator("#bank-count")).not_to_have_text(re.compile("^0 "))
    settled(wide)
    adds = wide.locator("#bank-results").get_by_role("button", name=re.compile("^Add"))
    for _ in range(min(4, adds.count())):
        adds.first.click()
        expect(wide.locator("#set-status")).to_contain_text("Added")
        settled(wide)
    shoot(wide, "teacher-builder-1920", full=False)

    wide.get_by_role("link", name="Classes").click()
    wide.locator(".class-card").get_by_role("link", name=re.compile("^Gradebook")).first.click()
    expect(wide.locator("table.gradebook")).to_be_visible()
    shoot(wide, "teacher-gradebook-1920", full=False)
    gradebook = wide.url

    wide.get_by_role("link", name=re.compile(f"^results of {PRACTICE}")).click()
    expect(wide.locator(".histogram")).to_be_visible()
    shoot(wide, "teacher-results-1920")

    phone = new_page(browser, url, "demo-teacher", PHONE)
    phone.goto(gradebook)
    shoot(phone, "teacher-gradebook-390")


def main(url: str = "http://127.0.0.1:8000") -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        students(browser, url.rstrip("/"))
        teacher(browser, url.rstrip("/"))
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:2])
