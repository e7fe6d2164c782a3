"""A live session in real browsers: the projector (keyboard shortcuts), a student's phone and a guest's phone
without JavaScript; axe finds nothing on the projector's lobby, question and reveal and the phone's question."""

import re

import pytest
from playwright.sync_api import expect

from quizzes.live import services
from quizzes.models import LiveAnswer, LiveSession
from tests.browser.conftest import assert_accessible, log_in, settled

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_projector_and_phones_through_a_question(live_server, school, browser_context, scheme):
    session = services.live_session_start(
        teacher=school.teacher,
        classroom=school.classroom,
        quiz_set=school.assignment.quiz_set,
        allow_guests=True,
        seconds_per_question=60,
    )
    projector = browser_context(width=1920, height=1080).new_page()
    projector.emulate_media(color_scheme=scheme)
    log_in(projector, live_server, "teacher")
    projector.goto(f"{live_server.url}/live/{session.pk}/projector/")
    expect(projector.locator(".live-code")).to_have_text(session.code)
    expect(projector.get_by_role("img", name=re.compile("QR code"))).to_be_visible()

    phone = browser_context(width=390, height=844).new_page()
    phone.emulate_media(color_scheme=scheme)
    log_in(phone, live_server, "sasha")
    phone.get_by_role("button", name=re.compile("^Join")).click()
    expect(phone.get_by_text("Waiting for the teacher to start")).to_be_visible()

    guest = browser_context(javascript=False, width=390, height=844).new_page()
    guest.goto(f"{live_server.url}/live/join/?code={session.code}")
    guest.get_by_label("Nickname").fill("Red Fox")
    guest.get_by_role("button", name="Join").click()
    expect(guest.get_by_text("You're in, Red Fox")).to_be_visible()

    projector.reload()
    expect(projector.get_by_role("heading", name="2 joined")).to_be_visible()
    assert_accessible(projector, f"projector lobby ({scheme})")

    projector.keyboard.press("Space")  # Start
    expect(projector.get_by_text("0 of 2 answered")).to_be_visible()
    settled(projector)
    assert LiveSession.objects.get(pk=session.pk).state == "question"
    assert_accessible(projector, f"projector question ({scheme})")

    phone.reload()
    expect(phone.get_by_role("button", name="Lock in my answer")).to_be_visible()
    assert_accessible(phone, f"phone question ({scheme})")
    phone.get_by_label("It ignored them").check()
    phone.get_by_role("button", name="Lock in my answer").click()
    expect(phone.get_by_text("Answer locked in.")).to_be_visible()

    guest.get_by_role("link", name="Refresh").click()
    guest.get_by_label("It ignored them").check()
    guest.get_by_role("button", name="Lock in my answer").click()
    expect(guest.get_by_text("Answer locked in.")).to_be_visible()
    assert LiveAnswer.objects.count() == 2

    projector.reload()
    expect(projector.get_by_text("2 of 2 answered")).to_be_visible()
    projector.keyboard.press("ArrowRight")  # Reveal
    expect(projector.get_by_text("How many chose each answer")).to_be_visible()
    settled(projector)
    assert_accessible(projector, f"projector reveal ({scheme})")

    phone.reload()
    expect(phone.get_by_text("Correct", exact=True)).to_be_visible()


def test_a_student_joins_and_answers_by_keyboard_alone(live_server, school, browser_context):
    session = services.live_session_start(
        teacher=school.teacher, classroom=school.classroom, quiz_set=school.assignment.quiz_set
    )
    phone = browser_context(width=390, height=844).new_page()
    log_in(phone, live_server, "sasha")
    join = phone.get_by_role("button", name=re.compile("^Join"))
    join.focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_text("Waiting for the teacher to start")).to_be_visible()
    services.live_open_next(session=session, by=school.teacher)
    phone.get_by_role("link", name="Refresh").focus()
    phone.keyboard.press("Enter")
    first = phone.get_by_label("It ignored them")
    expect(first).to_be_visible()
    settled(phone)
    phone.keyboard.press("Tab")  # from the page's start to the first link or control, then on to the choices
    for _ in range(12):
        if phone.evaluate("document.activeElement.name") == "choice":
            break
        phone.keyboard.press("Tab")
    phone.keyboard.press("Space")
    expect(phone.locator("input[name=choice]:checked")).to_have_count(1)
    phone.keyboard.press("Tab")  # a radio group is one stop: on to the button
    phone.keyboard.press("Enter")
    expect(phone.get_by_text("Answer locked in.")).to_be_visible()
    assert LiveAnswer.objects.filter(player__user=school.student, position=1).exists()
