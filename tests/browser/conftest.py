"""Playwright driving Debian's Chromium against pytest-django's live server."""

import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import testcases
from playwright.sync_api import expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


class OneAnswerAtATimeServer(ThreadedWSGIServer):
    """The live server, answering one request at a time when it shares the test's in-memory SQLite connection.

    Its threads still read requests side by side (a browser keeps idle connections open), but the app, the response
    body and its close run under one lock: two threads using one sqlite3 connection at once can deadlock (one waits
    inside SQLite for the GIL while the other holds the GIL and waits for SQLite), which hung a test where the
    teacher's results page polls while students answer. PostgreSQL connections are per thread and stay concurrent.
    """

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()

        return super().set_app(one_at_a_time)


testcases.LiveServerThread.server_class = OneAnswerAtATimeServer


def pytest_collection_modifyitems(items):
    """Mark the browser tests, and run them last: Playwright's sync API keeps an event loop running in the main
    thread from the first browser test to the end of the session, and the tests of async views (the live event
    stream) cannot run inside one."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: "tests/browser/" in str(item.fspath))


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: scripts/test installs it with apt-get")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium):
    contexts = []

    def make(*, javascript: bool = True, width: int = 1280, height: int = 900):
        context = chromium.new_context(java_script_enabled=javascript, viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser_context):
    return browser_context().new_page()


def log_in(page, live_server, username: str, password: str = "october1917") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


_axe = Axe()


def assert_accessible(page, what: str) -> None:
    """axe-core finds no WCAG 2.x A/AA violation on the page; lists each rule and element otherwise."""
    results = _axe.run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
    )
    violations = results.response["violations"]
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(' '.join(n['target']) for n in v['nodes'][:5])}"
        for v in violations
    ]
    assert not violations, f"{what}: " + "; ".join(lines)


def settled(page) -> None:
    """Wait until htmx has finished a swap: new content is wired to htmx only when it settles (about 20 ms later),
    and a form sent before that goes as a plain post."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)
