"""A live session served as production serves its event streams (ASGI, uvicorn): the phone holds one open stream,
and the next question and the reveal reach it as step events (quizzes.live.steps), swapped in by htmx's SSE
extension without the phone fetching its page. (The other browser tests run on the WSGI live server, where the
stream answers at once and the browser polls: there every change is a fetch.)"""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest
import uvicorn
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.db import connections
from playwright.sync_api import expect

from october_quiz.handlers import CharsetSafeASGIHandler
from quizzes.live import broker, services
from quizzes.models import LiveAnswer, LivePlayer
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


class AsgiServer:
    """The whole app under uvicorn, in a thread of the test's process (so it shares the test database and the
    in-process broker)."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            ASGIStaticFilesHandler(CharsetSafeASGIHandler()),
            host="127.0.0.1",
            port=self.port,
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> AsgiServer:
        # As october_quiz/asgi.py does: no persistent connections under ASGI, where each request's sync code runs in
        # a thread of its own (a connection kept there would outlive it, and keep the test database from being
        # dropped).
        broker.forget()  # session ids repeat from one test's database to the next; the broker remembers versions
        self.conn_max_age = connections.settings["default"].get("CONN_MAX_AGE", 0)
        connections.settings["default"]["CONN_MAX_AGE"] = 0
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        connections.settings["default"]["CONN_MAX_AGE"] = self.conn_max_age
        broker.forget()


@pytest.fixture
def asgi_server():
    with AsgiServer() as server:
        yield server


def test_the_next_question_and_the_reveal_reach_the_phone_in_its_stream(asgi_server, school, browser_context):
    session = services.live_session_start(
        teacher=school.teacher, classroom=school.classroom, quiz_set=school.assignment.quiz_set
    )
    phone = browser_context(width=390, height=844).new_page()
    log_in(phone, asgi_server, "sasha")
    fetches = []
    phone.on("requestfinished", lambda request: fetches.append(request.url) if "/play/" in request.url else None)
    phone.get_by_role("button", name=re.compile("^Join")).click()
    expect(phone.get_by_text("Waiting for the teacher to start")).to_be_visible()
    player = LivePlayer.objects.get(session=session, user=school.student)
    # The stream is open once its first event (the version the page shows) has made the page ask, and get a 204.
    deadline = time.monotonic() + 10
    while not any("?seen=" in url for url in fetches) and time.monotonic() < deadline:
        phone.wait_for_timeout(100)
    assert any("?seen=" in url for url in fetches), fetches
    fetches.clear()

    services.live_open_next(session=session, by=school.teacher)
    expect(phone.get_by_role("button", name="Lock in my answer")).to_be_visible()
    expect(phone.get_by_text("Question 1 of 7")).to_be_visible()
    assert fetches == [], "the question came in the stream, not by fetching the page"

    phone.get_by_label("It ignored them").check()
    phone.get_by_role("button", name="Lock in my answer").click()  # the answer is an ordinary POST
    expect(phone.get_by_text("Answer locked in.")).to_be_visible()
    assert LiveAnswer.objects.filter(player=player, position=1).exists()
    fetches.clear()

    services.live_reveal(session=session, by=school.teacher)
    expect(phone.get_by_text("Correct", exact=True)).to_be_visible()
    expect(phone.locator(".live-score")).to_contain_text("1 point")
    assert [url for url in fetches if "/answer/" not in url] == [], "the reveal came in the stream"

    phone.reload()  # and the page fetched afresh shows the same
    expect(phone.get_by_text("Correct", exact=True)).to_be_visible()
    expect(phone.locator(".live-score")).to_contain_text("1 point")
