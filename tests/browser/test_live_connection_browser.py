"""The phone's connection line on the test server, which is WSGI: there the event stream answers at once and the
browser comes back every 3 seconds, an error and an open each time. That polling must stay silent; a phone that goes
offline, or a stream that stays down while the phone is online, is said in words, and the words go when the stream is
back."""

import re
import time

import pytest
from playwright.sync_api import expect

from quizzes.live import services
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

LOST = re.compile("^Connection lost")
EVENTS = re.compile(r"/live/\d+/events/")
#: ms to wait for what the stream brings: the browser comes back every 3 s, and a loss is said after 6 s without.
FOLLOW = 10_000
#: Counts the stream's errors and opens and keeps every text the connection line shows, from now on.
WATCH = """() => {
  window.liveWatch = {messages: [], errors: 0, opens: 0};
  var line = document.getElementById("live-connection");
  new MutationObserver(function () {
    if (line.textContent) window.liveWatch.messages.push(line.textContent);
  }).observe(line, {childList: true, characterData: true, subtree: true});
  document.addEventListener("htmx:sseError", function () { window.liveWatch.errors += 1; });
  document.addEventListener("htmx:sseOpen", function () { window.liveWatch.opens += 1; });
}"""


def test_polling_is_silent_and_a_real_loss_is_said_then_cleared(live_server, school, browser_context):
    session = services.live_session_start(
        teacher=school.teacher, classroom=school.classroom, quiz_set=school.assignment.quiz_set
    )
    context = browser_context(width=390, height=844)
    phone = context.new_page()
    log_in(phone, live_server, "sasha")
    phone.get_by_role("button", name=re.compile("^Join")).click()
    expect(phone.get_by_text("Waiting for the teacher to start")).to_be_visible()
    connection = phone.locator("#live-connection")
    phone.evaluate(WATCH)
    watching = time.monotonic()

    # The phone follows the session through the stream's comings and goings without a word about them.
    services.live_open_next(session=session, by=school.teacher)
    expect(phone.get_by_role("button", name="Lock in my answer")).to_be_visible(timeout=FOLLOW)
    phone.wait_for_timeout(max(0, 8 - (time.monotonic() - watching)) * 1000)
    watch = phone.evaluate("window.liveWatch")
    assert watch["errors"] >= 2 and watch["opens"] >= 2, f"the stream did not come and go as under WSGI: {watch}"
    assert watch["messages"] == []
    expect(connection).to_be_empty()

    # Offline: said at once; what changed meanwhile arrives when the phone is back, and the words go.
    context.set_offline(True)
    expect(connection).to_have_text(LOST)
    services.live_reveal(session=session, by=school.teacher)
    context.set_offline(False)
    expect(phone.get_by_text("No answer", exact=True)).to_be_visible(timeout=FOLLOW)
    expect(connection).to_be_empty(timeout=FOLLOW)

    # The stream refused while the phone stays online: said after a few seconds, cleared when it answers again.
    phone.route(EVENTS, lambda route: route.abort())
    expect(connection).to_have_text(LOST, timeout=FOLLOW)
    phone.unroute(EVENTS)
    expect(connection).to_be_empty(timeout=FOLLOW)
