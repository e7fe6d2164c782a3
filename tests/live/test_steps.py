"""Step events (quizzes.live.steps): a phone moving on to a new question or to the reveal gets its new region in the
event itself, rendered once for the class with its own score and verdict put in; everything else still says
"changed" and the phone fetches. The region a step carries is the one the phone would have fetched."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape

from quizzes.live import selectors, services, steps
from quizzes.models import LivePlayer, LiveSession
from tests import factories
from tests.conftest import HTMX, client_for
from tests.live.running import answer, start
from tests.live.test_stream import async_client_for, event, open_stream

State = LiveSession.State


@pytest.fixture
def room(transactional_db, no_connection_left_open, school):
    """A session of the school's set with both its students joined."""
    session = start(school)
    players = [services.live_join(session=session, user=who) for who in (school.student, school.classmate)]
    return session, players


def step_region(chunk: str) -> tuple[int, str]:
    """The version and the region of a step event."""
    assert chunk.startswith("event: step\n"), chunk[:80]
    version = int(re.search(r"^id: (\d+)$", chunk, re.MULTILINE).group(1))
    region = "\n".join(line[len("data: ") :] for line in chunk.splitlines() if line.startswith("data: "))
    return version, region


def fetched_region(user, session: LiveSession) -> str:
    """What the phone gets when it fetches its region (htmx), without the CSRF token's hidden input (the page's
    hx-headers carries the token for a region that came in an event)."""
    page = client_for(user).get(reverse("live_play", args=[session.pk]), headers=HTMX).content.decode()
    return re.sub(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">', "", page)


def same_html(one: str, other: str) -> bool:
    return " ".join(one.split()) == " ".join(other.split())


def reveal_regions(session: LiveSession, school, players, *, right: bool) -> tuple[str, str]:
    """The regions the reveal's step event brings to the two phones, after the first player answered (right or
    wrong) and the second did not."""

    async def scenario():
        await sync_to_async(answer)(players[0], right=right)
        _, sasha = await open_stream(await async_client_for(school.student), session)
        _, misha = await open_stream(await async_client_for(school.classmate), session)
        current = (await sync_to_async(LiveSession.objects.get)(pk=session.pk)).version
        assert await sasha.next_event() == event(current)
        assert await misha.next_event() == event(current)
        await sync_to_async(services.live_reveal)(session=session, by=school.teacher)
        _, answered = step_region(await sasha.next_event())
        _, silent = step_region(await misha.next_event())
        await sasha.close()
        await misha.close()
        return answered, silent

    return async_to_sync(scenario)()


def test_the_next_question_comes_in_the_event_as_the_phone_would_fetch_it(room, school):
    session, players = room

    async def scenario():
        _, phone = await open_stream(await async_client_for(school.student), session)
        assert await phone.next_event() == event(session.version)
        opened = await sync_to_async(services.live_open_next)(session=session, by=school.teacher)
        version, region = step_region(await phone.next_event())
        assert version == opened.version
        await phone.close()
        return region

    region = async_to_sync(scenario)()
    assert 'id="live-state"' in region and 'sse-swap="step"' in region
    assert "Lock in my answer" in region and "Question 1 of 7" in region
    assert f"{players[0].nickname}: <strong>0</strong> points" in region
    assert "csrfmiddlewaretoken" not in region and "<!--mine:" not in region
    assert same_html(region, fetched_region(school.student, LiveSession.objects.get(pk=session.pk)))


def test_the_reveal_comes_in_the_event_with_each_players_own_verdict_and_score(room, school):
    session, players = room

    services.live_open_next(session=session, by=school.teacher)
    right, silent = reveal_regions(session, school, players, right=True)
    sasha, misha = (p.nickname for p in players)
    assert "Correct" in right and f"{sasha}: <strong>1</strong> point" in right and "Your answer" in right
    assert "No answer" in silent and f"{misha}: <strong>0</strong> points" in silent
    assert sasha not in silent and misha not in right
    now = LiveSession.objects.get(pk=session.pk)
    assert same_html(right, fetched_region(school.student, now))
    assert same_html(silent, fetched_region(school.classmate, now))


def test_a_pause_or_a_removed_player_still_fetch(room, school):
    session, players = room

    async def scenario():
        await sync_to_async(services.live_open_next)(session=session, by=school.teacher)
        _, sasha = await open_stream(await async_client_for(school.student), session)
        _, misha = await open_stream(await async_client_for(school.classmate), session)
        await sasha.next_event()
        await misha.next_event()
        paused = await sync_to_async(services.live_pause)(session=session, by=school.teacher)
        assert await sasha.next_event() == event(paused.version)  # a pause: fetch
        assert await misha.next_event() == event(paused.version)
        await sync_to_async(services.live_player_remove)(session=session, player=players[1], by=school.teacher)
        await sync_to_async(services.live_resume)(session=session, by=school.teacher)
        revealed = await sync_to_async(services.live_reveal)(session=session, by=school.teacher)
        # The reveal after a pause is a step; the removed player's phone fetches (and is told it was removed).
        while True:
            chunk = await sasha.next_event()
            if f"id: {revealed.version}\n" in chunk:
                break
        assert chunk.startswith("event: step\n")
        while True:
            chunk = await misha.next_event()
            if f"id: {revealed.version}\n" in chunk:
                break
        assert chunk == event(revealed.version)
        await sasha.close()
        await misha.close()

    async_to_sync(scenario)()


def test_a_player_who_already_answered_the_opened_question_fetches(room, school):
    session, players = room
    services.live_open_next(session=session, by=school.teacher)
    answer(players[0])
    opened = LiveSession.objects.get(pk=session.pk)
    step = steps.read_step(session.pk, opened.version, steps.QUESTION)
    assert step.event_for(players[0].pk) is None
    assert step.event_for(players[1].pk).startswith(b"event: step\n")
    stranger = factories.LivePlayerFactory()
    assert step.event_for(stranger.pk) is None  # not a player of this session


def test_a_step_for_a_version_that_moved_on_is_none(room, school):
    session, _ = room
    opened = services.live_open_next(session=session, by=school.teacher)
    services.live_pause(session=session, by=school.teacher)
    assert steps.read_step(session.pk, opened.version, steps.QUESTION) is None
    assert steps.read_step(session.pk, opened.version + 1, "nonsense") is None


def test_reading_a_step_takes_the_same_queries_for_any_class_size(room, school, django_assert_num_queries):
    session, _ = room
    opened = services.live_open_next(session=session, by=school.teacher)
    steps.read_step(session.pk, opened.version, steps.QUESTION)  # the question's content is cached
    for _ in range(30):
        student = factories.UserFactory()
        factories.EnrollmentFactory(classroom=school.classroom, student=student)
        services.live_join(session=session, user=student)
    assert LivePlayer.objects.filter(session=session).count() == 32
    with django_assert_num_queries(4):  # the session, its questions, the answers, the players
        step = steps.read_step(session.pk, opened.version, steps.QUESTION)
    assert len(step.players) == 32


@pytest.mark.parametrize(
    ("shown", "now", "kind"),
    [
        (("lobby", 0, None, None), ("question", 1, None, None), "question"),
        (("reveal", 1, None, None), ("question", 2, None, None), "question"),
        (("question", 1, None, None), ("reveal", 1, None, None), "reveal"),
        (("paused", 1, None, 5), ("reveal", 1, None, None), "reveal"),
        (("question", 1, None, None), ("paused", 1, None, 5), None),
        (("paused", 1, None, 5), ("question", 1, None, None), None),  # resumed: the phone may have answered
        (("question", 1, "a", None), ("question", 1, "b", None), None),  # more time
        (("reveal", 1, None, None), ("ended", 1, None, None), None),
        (("gone",), ("question", 1, None, None), None),
    ],
)
def test_which_changes_are_steps(shown, now, kind):
    assert steps.step_kind(shown, now) == kind


def test_the_reveal_of_a_matching_question_carries_each_players_own_marked_list(room, school):
    session, players = room
    for _ in range(6):
        services.live_open_next(session=LiveSession.objects.get(pk=session.pk), by=school.teacher)
        services.live_reveal(session=LiveSession.objects.get(pk=session.pk), by=school.teacher)
    services.live_open_next(session=LiveSession.objects.get(pk=session.pk), by=school.teacher)  # matching, 7th

    wrong, silent = reveal_regions(session, school, players, right=False)
    assert wrong.count("<strong>Wrong</strong>") == 3 and wrong.count("Right match:") == 3
    assert '<ul class="answer-lines"' in silent and "<strong>Wrong</strong>" not in silent  # the right answer
    now = LiveSession.objects.get(pk=session.pk)
    assert same_html(wrong, fetched_region(school.student, now))
    assert same_html(silent, fetched_region(school.classmate, now))


def test_each_phones_event_carries_its_own_name_score_and_verdict_however_many_share_them(school):
    """Parts are rendered once per distinct score and answer and shared: each phone's event must still be exactly
    its own region (its name escaped, its score as its phone would show it, after skips and speed bonuses)."""
    session = start(school, scoring="speed", allow_guests=True)
    nicknames = ["Zina <b>& co</b>", "Zina", 'O"Brien', "Пётр", "Anna\r\nB"]
    guests = [services.live_join(session=session, nickname=name) for name in nicknames]
    services.live_open_next(session=session, by=school.teacher)
    for n, guest in enumerate(guests):
        answer(guest, right=n % 2 == 0)
    services.live_skip(session=session, by=school.teacher)  # question 1 counts for nobody
    for n, guest in enumerate(guests[:4]):
        answer(guest, right=n < 2)
    services.live_reveal(session=session, by=school.teacher)
    services.live_open_next(session=session, by=school.teacher)
    answer(guests[0])  # open: not counted yet
    for kind in (steps.QUESTION, steps.REVEAL):
        if kind == steps.REVEAL:
            for guest in guests[1:3]:
                answer(guest, right=False)
            services.live_reveal(session=session, by=school.teacher)
        now = LiveSession.objects.get(pk=session.pk)
        step = steps.read_step(session.pk, now.version, kind)
        for guest in guests:
            region = step.region_for(guest.pk)
            if region is None:  # answered the question being opened: fetches
                assert kind == steps.QUESTION and guest == guests[0] and step.event_for(guest.pk) is None
                continue
            assert step.event_for(guest.pk) == steps.step_event(now.version, region)
            assert step_region(step.event_for(guest.pk).decode()) == (now.version, region.replace("\r\n", "\n"))
            phone = selectors.phone_state(LivePlayer.objects.select_related("session").get(pk=guest.pk))
            assert step.players[guest.pk].score == phone.score
            shown = get_template(steps.SCORE).render({"nickname": guest.nickname, "score": phone.score})
            assert shown in region and escape(guest.nickname) in region
        if kind == steps.REVEAL:
            assert len(step._verdicts) < len(guests)  # shared: the two who gave the same wrong answer
