"""A live session in real browsers: the projector (keyboard shortcuts), students' phones that follow it without
reloading (one reloads, one goes offline) and a guest's phone without JavaScript; axe finds nothing on the lobby,
question, reveal and end pages of the projector and the phone, light and dark."""

import re

import pytest
from playwright.sync_api import expect

from quizzes.live import services
from quizzes.models import LiveAnswer, LiveSession
from tests import factories
from tests.browser.conftest import assert_accessible, log_in, settled
from tests.live.running import answer

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


#: ms to wait for what the event stream brings: the test server is WSGI, where the browser comes back every 3 s.
FOLLOW = 10_000


def score(page, points: str):
    """The phone's own score line ("Sasha: 1 point")."""
    expect(page.locator(".live-score")).to_have_text(re.compile(rf":\s*{points} points?$"), timeout=FOLLOW)


def both_schemes(page, what: str) -> None:
    """axe on the page as it is, in the light scheme and the dark."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page, f"{what} ({scheme})")
    page.emulate_media(color_scheme="light")


def test_a_class_follows_a_session_through_a_reload_and_a_lost_connection(live_server, school, browser_context):
    """The projector, two phones with JavaScript that follow without reloading (one reloads after answering, one goes
    offline during the reveal) and a guest without JavaScript who uses the Refresh link."""
    session = services.live_session_start(
        teacher=school.teacher, classroom=school.classroom, quiz_set=school.assignment.quiz_set, allow_guests=True
    )
    projector = browser_context(width=1280, height=720).new_page()
    log_in(projector, live_server, "teacher")
    projector.goto(f"{live_server.url}/live/{session.pk}/projector/")

    reloading = browser_context(width=390, height=844).new_page()  # sasha
    offline_context = browser_context(width=390, height=844)
    offline = offline_context.new_page()  # misha
    for phone, username in ((reloading, "sasha"), (offline, "misha")):
        log_in(phone, live_server, username)
        phone.get_by_role("button", name=re.compile("^Join")).click()
        expect(phone.get_by_text("Waiting for the teacher to start")).to_be_visible()
    both_schemes(reloading, "phone lobby")
    guest = browser_context(javascript=False, width=390, height=844).new_page()
    guest.goto(f"{live_server.url}/live/join/?code={session.code}")
    guest.get_by_label("Nickname").fill("Red Fox")
    guest.get_by_role("button", name="Join").click()
    expect(guest.get_by_text("You're in, Red Fox")).to_be_visible()
    expect(projector.get_by_role("heading", name="3 joined")).to_be_visible(timeout=FOLLOW)

    # Question 1: the phones with JavaScript show it without a reload.
    projector.keyboard.press("Space")
    expect(projector.get_by_text("0 of 3 answered")).to_be_visible()
    for phone in (reloading, offline):
        expect(phone.get_by_role("button", name="Lock in my answer")).to_be_visible(timeout=FOLLOW)
        settled(phone)
    reloading.get_by_label("It ignored them").check()
    reloading.get_by_role("button", name="Lock in my answer").click()
    expect(reloading.get_by_text("Answer locked in.")).to_be_visible()
    offline.get_by_label("It voted to rise").check()
    offline.get_by_role("button", name="Lock in my answer").click()
    expect(offline.get_by_text("Answer locked in.")).to_be_visible()
    guest.get_by_role("link", name="Refresh").click()
    guest.get_by_label("It ignored them").check()
    guest.get_by_role("button", name="Lock in my answer").click()
    expect(guest.get_by_text("Answer locked in.")).to_be_visible()
    expect(projector.get_by_text("3 of 3 answered")).to_be_visible(timeout=FOLLOW)

    # The reveal, while one phone is offline: it says so, and catches up without a reload once back.
    offline_context.set_offline(True)
    expect(offline.locator("#live-connection")).to_have_text(re.compile("^Connection lost"))
    settled(projector)
    projector.keyboard.press("ArrowRight")
    expect(projector.get_by_text("How many chose each answer")).to_be_visible()
    expect(reloading.get_by_text("Correct", exact=True)).to_be_visible(timeout=FOLLOW)
    score(reloading, "1")
    both_schemes(reloading, "phone reveal")
    expect(offline.get_by_text("Answer locked in.")).to_be_visible()  # still the question: nothing can reach it
    offline_context.set_offline(False)
    expect(offline.get_by_text("Not quite", exact=True)).to_be_visible(timeout=FOLLOW)
    expect(offline.locator(".answers")).to_contain_text("It voted to rise")
    score(offline, "0")
    expect(offline.locator("#live-connection")).to_be_empty()
    guest.get_by_role("link", name="Refresh").click()
    expect(guest.get_by_text("Correct", exact=True)).to_be_visible()
    score(guest, "1")

    # Question 2: the phone that reloads after answering comes back locked in, with its answer and its score.
    settled(projector)
    projector.keyboard.press("ArrowRight")
    expect(projector.get_by_text("Question 2 of 7")).to_be_visible()
    expect(reloading.get_by_label("Zinoviev")).to_be_visible(timeout=FOLLOW)
    settled(reloading)
    reloading.get_by_label("Zinoviev").check()
    reloading.get_by_label("Kamenev").check()
    reloading.get_by_role("button", name="Lock in my answer").click()
    expect(reloading.get_by_text("Answer locked in.")).to_be_visible()
    reloading.reload()
    expect(reloading.get_by_text("Answer locked in.")).to_be_visible()
    expect(reloading.locator(".answers")).to_contain_text("Zinoviev")
    expect(reloading.locator(".answers")).to_contain_text("Kamenev")
    expect(reloading.get_by_text("Question 2 of 7")).to_be_visible()
    score(reloading, "1")

    # The end: every phone shows its final score.
    settled(projector)
    projector.get_by_role("button", name="End the session").click()
    expect(projector.get_by_role("heading", name="The session has ended")).to_be_visible()
    both_schemes(projector, "projector end")
    expect(reloading.get_by_role("heading", name="The session has ended")).to_be_visible(timeout=FOLLOW)
    score(reloading, "2")
    expect(reloading.locator("[sse-connect]")).to_have_count(0, timeout=FOLLOW)  # nothing more to follow
    expect(reloading.locator("#live-connection")).to_be_empty()
    both_schemes(reloading, "phone end")
    expect(offline.get_by_role("heading", name="The session has ended")).to_be_visible(timeout=FOLLOW)
    score(offline, "0")
    guest.get_by_role("link", name="Refresh").click()
    expect(guest.get_by_role("heading", name="The session has ended")).to_be_visible()
    score(guest, "1")
    assert LiveAnswer.objects.filter(session=session).count() == 4


# As long as the bank's longest (fixtures/bank: prompts to 290 characters, explanations to 400, quotes to 30 words).
LONG_PROMPT = (
    "Figes reports that on 16 October the Bolshevik Military Organization and other activists told the Central "
    "Committee that Petrograd's soldiers and workers would not come out on the Party's call alone. Which point in "
    "Bollinger's account fits this report best?"
)
LONG_EXPLANATION = (
    "Figes's report that the masses would not rise on the Party's call alone fits Bollinger's point that their "
    "support was for the soviets rather than for the party as such; Mieville likewise reports troops saying they "
    "would come out only for the Soviet. Bollinger uses this to explain why the rising was prepared through the "
    "soviet and its Military Revolutionary Committee, while Figes shows Lenin pressing on regardless of it all."
)
LONG_QUOTE = (
    "Trotsky and other Bolshevik leaders were better placed to recognize that support for the Bolsheviks was a "
    "product of loyalty to the soviets and soviet power, not to the party, and they acted accordingly."
)
LONG_CHOICES = [
    ("Support for the Bolsheviks was a product of loyalty to the soviets and to soviet power.", True),
    ("Lenin's mass appeal had already brought the garrison out onto the streets of the capital.", False),
    ("The masses wanted a government of the Bolshevik party alone, without the other socialists.", False),
    ("The Provisional Government was still far too strong to be overthrown by a rising in October.", False),
]


def test_the_projector_reveal_fits_a_1280_by_720_wall(live_server, school, browser_context):
    question = factories.QuestionFactory(prompt=LONG_PROMPT, explanation=LONG_EXPLANATION, with_parts=False)
    for position, (text, right) in enumerate(LONG_CHOICES):
        factories.ChoiceFactory(question=question, text=text, is_correct=right, position=position)
    factories.CitationFactory(question=question, quote=LONG_QUOTE)
    session = services.live_session_start(
        teacher=school.teacher,
        classroom=school.classroom,
        quiz_set=factories.QuizSetFactory(questions=[question]),
        show_leaderboard=True,
    )
    players = [services.live_join(session=session, user=student) for student in (school.student, school.classmate)]
    services.live_open_next(session=session, by=school.teacher)
    answer(players[0], right=True)
    answer(players[1], right=False)
    services.live_reveal(session=session, by=school.teacher)

    # Without JavaScript: the layout is the stylesheet's alone, and no swap from the event stream moves it meanwhile.
    projector = browser_context(javascript=False, width=1280, height=720).new_page()
    log_in(projector, live_server, "teacher")
    projector.goto(f"{live_server.url}/live/{session.pk}/projector/")
    for width, height in ((1280, 720), (1920, 1080)):
        projector.set_viewport_size({"width": width, "height": height})
        expect(projector.get_by_text(LONG_EXPLANATION)).to_be_visible()
        assert projector.evaluate("document.scrollingElement.scrollHeight") <= height, f"the reveal scrolls at {width}"
        for part in (
            projector.get_by_text(LONG_EXPLANATION),
            projector.locator(".live-evidence"),
            projector.locator(".live-bar.is-correct"),
            projector.locator(".live-leaderboard"),
            projector.get_by_role("button", name="Finish"),
        ):
            box = part.bounding_box()
            assert box is not None, f"{part} is not shown"
            assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"{part} is out of the window at {width}"


def _fits_the_window(page, width: int, height: int, parts) -> None:
    """At this size the page does not scroll, and each of the parts is shown whole inside the window."""
    page.set_viewport_size({"width": width, "height": height})
    scrolled = page.evaluate("document.scrollingElement.scrollHeight") - height
    assert scrolled <= 0, f"the page scrolls by {scrolled} px at {width} x {height}"
    for part in parts:
        box = part.bounding_box()
        assert box is not None, f"{part} is not shown at {width}"
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"{part} is out of the window at {width}"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{part} is out of the window at {width}"


def _accessible_with_javascript(browser_context, live_server, url: str, what: str, scheme: str) -> None:
    """axe runs in the page's JavaScript: the same page, as a browser with JavaScript shows it."""
    page = browser_context(width=1280, height=720).new_page()
    page.emulate_media(color_scheme=scheme)
    log_in(page, live_server, "teacher")
    page.goto(url)
    settled(page)
    assert_accessible(page, what)


def _font_px(locator) -> float:
    return locator.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")


NICKNAMES = [
    "Red Fox", "Blue Heron", "Green Finch", "Grey Wolf", "Amber Owl", "Silver Hare", "Black Kite", "Bronze Elk",
    "Jade Lynx", "Ruby Crane", "Ivory Swan", "Olive Toad", "Coral Wren", "Slate Mole", "Rose Otter", "Teal Crow",
    "Ochre Newt", "Plum Moth", "Sand Vole", "Mint Stoat", "Rust Ibis", "Pine Marten", "Dune Gecko", "Sky Lark",
    "Copper Beetle", "Lemon Shark", "Night Heron", "Cobalt Jay", "Frost Hare", "Ember Fox", "Moss Frog", "Iron Ram",
]  # fmt: skip


def _guests(session, nicknames):
    return [services.live_join(session=session, nickname=name, guest_key=f"key-{name}") for name in nicknames]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_projector_lobby_fits_a_wall_with_a_class_joined(live_server, school, browser_context, scheme):
    session = services.live_session_start(
        teacher=school.teacher, classroom=school.classroom, quiz_set=school.assignment.quiz_set, allow_guests=True
    )
    _guests(session, NICKNAMES[:24])
    # Without JavaScript: the layout is the stylesheet's alone, and no refresh on the timer moves it meanwhile.
    projector = browser_context(javascript=False, width=1280, height=720).new_page()
    projector.emulate_media(color_scheme=scheme)
    log_in(projector, live_server, "teacher")
    projector.goto(f"{live_server.url}/live/{session.pk}/projector/")
    expect(projector.get_by_role("heading", name="24 joined")).to_be_visible()
    players = projector.locator(".live-player")
    expect(players).to_have_count(24)
    key_parts = [
        projector.locator(".live-code"),
        projector.get_by_role("img", name=re.compile("QR code")),
        projector.get_by_role("heading", name="24 joined"),
        projector.get_by_role("button", name="Start the first question"),
        projector.get_by_role("button", name="End the session"),
    ]
    sizes = {}
    for width, height in ((1280, 720), (1920, 1080)):
        _fits_the_window(projector, width, height, key_parts + [players.nth(n) for n in range(24)])
        sizes[width] = (
            _font_px(projector.locator(".live-code")),
            projector.locator(".live-qr").bounding_box()["height"],
        )
        assert sizes[width][1] >= height / 4, f"the QR code is too small to scan at {width}"
    # The code and the QR code grow with the screen.
    assert sizes[1920][0] > sizes[1280][0] * 1.4 and sizes[1920][1] > sizes[1280][1] * 1.4
    _accessible_with_javascript(
        browser_context, live_server, projector.url, f"projector lobby of 24 ({scheme})", scheme
    )

    # Past thirty, the wall lists the latest 29 (a newcomer finds their own name) and counts the others.
    _guests(session, NICKNAMES[24:]) + [
        services.live_join(session=session, nickname=f"Player {n}", guest_key=f"p{n}") for n in range(8)
    ]
    projector.reload()
    expect(projector.get_by_role("heading", name="40 joined")).to_be_visible()
    expect(players).to_have_count(30)
    expect(players.last).to_have_text("+ 11 more")
    expect(players.first).to_contain_text(NICKNAMES[11])
    expect(projector.get_by_text("Red Fox", exact=True)).to_have_count(0)
    expect(projector.get_by_role("button", name="Remove Player 7")).to_be_visible()
    for width, height in ((1280, 720), (1920, 1080)):
        _fits_the_window(projector, width, height, key_parts[:2] + [players.nth(n) for n in range(30)] + key_parts[3:])
    _accessible_with_javascript(
        browser_context, live_server, projector.url, f"projector lobby of 40 ({scheme})", scheme
    )


LONGER_CHOICES = [
    "Lenin pressed for a rising before the Congress met, fearing that a vote there would produce a coalition of all "
    "the Soviet parties in which the Bolsheviks would share power.",
    "Trotsky planned the rising to coincide with the Congress from the start of October, and the Military "
    "Revolutionary Committee followed his timetable throughout.",
    "The Central Committee voted unanimously to seize power on the night of the 24th, after Kamenev and Zinoviev "
    "withdrew their public objections to the plan.",
    "Kerensky's government had already resigned when the Congress opened, so the Bolsheviks took over offices that "
    "nobody was defending any longer.",
]
MANY_PARTS = [
    ("We are not strong enough to seize power", "A revolver needs cartridges: loading it means technical preparation"),
    ("The Soviets must be a revolver pointed at the head of the government", "Conspiracy is Blanquism only when a "
     "class party, majority support and the soviets are lacking"),
    ("We can enter the constituent assembly as a strong opposition", "Party tactics cannot rest on the hope that "
     "the Kornilovites repeat their old errors"),
    ("Were the Kornilovites to start again, we would show them", "Famine, war and the peasant uprising will not "
     "wait for the assembly"),
    ("A Marxist party cannot reduce an uprising to a military conspiracy", "You believe the enemy's boasts but not "
     "the workers' pledges"),
    ("The party's influence in the provinces is still too weak", "The provinces follow the capitals, as July showed"),
]  # fmt: skip


def _long_question(kind: str):
    if kind == "choices":
        question = factories.QuestionFactory(prompt=LONG_PROMPT, with_parts=False)
        for position, text in enumerate(LONGER_CHOICES):
            factories.ChoiceFactory(question=question, text=text, is_correct=position == 0, position=position)
    elif kind == "matching":
        question = factories.QuestionFactory(prompt=LONG_PROMPT, matching=True, with_parts=False)
        for position, (left, right) in enumerate(MANY_PARTS[:5]):  # as many as the bank's longest
            factories.MatchingPairFactory(question=question, left=left, right=right, position=position)
    else:
        question = factories.QuestionFactory(prompt=LONG_PROMPT, ordering=True, with_parts=False)
        for position, (left, right) in enumerate(MANY_PARTS):
            factories.OrderingItemFactory(question=question, text=f"{left}; {right}", position=position)
    return question


@pytest.mark.parametrize("kind", ["choices", "matching", "ordering"])
def test_the_projector_question_fits_a_wall_whole(live_server, school, browser_context, kind):
    """A long prompt with four long choices, or six long pairs or items to order: every word on the wall at once,
    with the countdown, the count and the controls, at 1280 x 720 and 1920 x 1080."""
    session = services.live_session_start(
        teacher=school.teacher,
        classroom=school.classroom,
        quiz_set=factories.QuizSetFactory(questions=[_long_question(kind)]),
        allow_guests=True,
        seconds_per_question=600,
    )
    players = _guests(session, NICKNAMES[:24])
    services.live_open_next(session=session, by=school.teacher)
    for player in players[:17]:
        answer(player, right=True)

    projector = browser_context(javascript=False, width=1280, height=720).new_page()
    scheme = "dark" if kind == "matching" else "light"
    projector.emulate_media(color_scheme=scheme)
    log_in(projector, live_server, "teacher")
    projector.goto(f"{live_server.url}/live/{session.pk}/projector/")
    expect(projector.get_by_text("17 of 24 answered")).to_be_visible()
    boxes = projector.locator(".live-question .live-choices li")
    expect(boxes).to_have_count({"choices": 4, "matching": 10, "ordering": 6}[kind])
    parts = [
        projector.get_by_role("heading", name=LONG_PROMPT),
        projector.locator(".live-countdown"),
        projector.locator(".live-answered"),
        projector.get_by_role("button", name="Reveal the answer"),
        projector.get_by_role("button", name="End the session"),
    ]
    sizes = {}
    for width, height in ((1280, 720), (1920, 1080)):
        _fits_the_window(projector, width, height, parts + [boxes.nth(n) for n in range(boxes.count())])
        sizes[width] = (_font_px(projector.locator(".live-prompt")), _font_px(boxes.first))
    # Type that scales with the viewport (a long question set smaller, not cut), still large on the wall.
    assert sizes[1920][0] > sizes[1280][0] * 1.4 and sizes[1920][1] > sizes[1280][1] * 1.4
    assert sizes[1280][0] >= 18 and sizes[1280][1] >= 13, sizes
    _accessible_with_javascript(browser_context, live_server, projector.url, f"projector question ({kind})", scheme)
