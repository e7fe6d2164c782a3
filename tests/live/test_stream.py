"""The live session's event stream (quizzes.live.stream) through Django's AsyncClient, and the broker behind it
(quizzes.live.broker): who may follow a session, the first event, a change, Last-Event-ID, the heartbeat and its
fresh read of the database, the end, polling under WSGI, and Redis carrying a change from one process to another.

The stream reads the database from other threads than the test's, so these tests commit (transactional_db)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient, Client, override_settings
from django.urls import reverse

from quizzes.live import broker
from quizzes.live import stream as live_stream
from quizzes.models import LivePlayer, LiveSession
from tests import factories
from tests.conftest import service_reachable

REDIS_URL = "redis://127.0.0.1:6379/0"
needs_redis = pytest.mark.skipif(not service_reachable(6379), reason="Redis is not reachable at 127.0.0.1:6379")
WAIT = 5.0  # seconds a test waits for an event that should come at once


@pytest.fixture(autouse=True)
def fresh_broker():
    broker.forget()  # session ids repeat from one test's database to the next
    yield
    broker.forget()


@pytest.fixture
def live(transactional_db, no_connection_left_open):
    teacher = factories.TeacherFactory(username="teacher")
    classroom = factories.ClassroomFactory(teacher=teacher)
    student = factories.UserFactory(username="sasha")
    factories.EnrollmentFactory(classroom=classroom, student=student)
    quiz_set = factories.QuizSetFactory(questions=[factories.QuestionFactory()])
    session = factories.LiveSessionFactory(classroom=classroom, quiz_set=quiz_set, question_count=1, version=3)
    player = factories.LivePlayerFactory(session=session, user=student)
    return session, teacher, student, player


async def async_client_for(user=None) -> AsyncClient:
    """A client logged in as the user. Logged in through the async API, whose queries run in the test's thread: a
    plain force_login here would run in the event loop's thread, which asgiref ends after the scenario with its
    database connection still open (on PostgreSQL, one per test kept the test database from being dropped)."""
    client = AsyncClient()
    if user is not None:
        await client.aforce_login(user)
    return client


class Stream:
    """An open event stream, read as a server sends it: a task takes each chunk as soon as the view yields it;
    next() waits for the next one within a time limit; close() cancels that task, as the ASGI handler does when the
    browser goes away (the view's generator gets CancelledError and cleans up)."""

    def __init__(self, response):
        self.response = response
        self.chunks: asyncio.Queue = asyncio.Queue()
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for chunk in self.response.streaming_content:
            await self.chunks.put(chunk)
        await self.chunks.put(None)  # the end

    async def next(self, timeout: float = WAIT) -> str:
        try:
            chunk = await asyncio.wait_for(self.chunks.get(), timeout)
        except TimeoutError:
            raise TimeoutError from None
        if chunk is None:
            await self.chunks.put(None)
            raise StopAsyncIteration
        return chunk.decode()

    async def next_event(self, timeout: float = WAIT) -> str:
        """The next chunk that is not the retry line or a heartbeat."""
        while True:
            chunk = await self.next(timeout)
            if not chunk.startswith(("retry:", ":")):
                return chunk

    async def close(self) -> None:
        self.reader.cancel()
        await asyncio.gather(self.reader, return_exceptions=True)


async def open_stream(client: AsyncClient, session: LiveSession, **headers) -> tuple:
    response = await client.get(reverse("live_events", args=[session.pk]), headers=headers)
    return response, (Stream(response) if response.streaming else None)


def event(version: int) -> str:
    return f"event: changed\nid: {version}\ndata: {version}\n\n"


async def bump(session: LiveSession, *, publish: bool = True, **fields) -> int:
    """What a service does: the version grows by one in the database (with the fields given), then the broker is
    told."""

    def change() -> int:
        session.version += 1
        LiveSession.objects.filter(pk=session.pk).update(version=session.version, **fields)
        return session.version

    version = await sync_to_async(change)()
    if publish:
        broker.publish(session.pk, version)
    return version


# ---------------------------------------------------------------------------------------------- who may follow


@pytest.mark.parametrize("who", ["other_teacher", "stranger", "anonymous"])
def test_outsiders_are_refused_with_403(live, who):
    session = live[0]
    user = {
        "other_teacher": lambda: factories.TeacherFactory(username="other"),
        "stranger": lambda: factories.UserFactory(username="stranger"),
        "anonymous": lambda: None,
    }[who]()

    async def scenario():
        response, _ = await open_stream(await async_client_for(user), session)
        assert response.status_code == 403
        assert b"teacher and its players" in response.content

    async_to_sync(scenario)()


def test_a_removed_player_is_refused(live):
    session, _, student, player = live
    LivePlayer.objects.filter(pk=player.pk).update(removed_at="2026-01-01T00:00:00Z")

    async def scenario():
        response, _ = await open_stream(await async_client_for(student), session)
        assert response.status_code == 403

    async_to_sync(scenario)()


def test_a_session_that_does_not_exist_is_a_404(live):
    teacher = live[1]

    async def scenario():
        client = await async_client_for(teacher)
        response = await client.get(reverse("live_events", args=[999999]))
        assert response.status_code == 404

    async_to_sync(scenario)()


def test_a_guest_follows_by_the_key_in_their_django_session(live):
    session = live[0]
    factories.LivePlayerFactory(session=session, user=None, guest_key="k" * 40)
    client = AsyncClient()
    django_session = client.session
    django_session["live_guest_keys"] = {str(session.pk): "k" * 40}
    django_session.save()
    client.cookies["sessionid"] = django_session.session_key

    async def scenario():
        response, stream = await open_stream(client, session)
        assert response.status_code == 200
        assert await stream.next_event() == event(3)
        await stream.close()

        wrong = AsyncClient()
        response, _ = await open_stream(wrong, session)
        assert response.status_code == 403

    async_to_sync(scenario)()


# ---------------------------------------------------------------------------------------------- events


@pytest.mark.parametrize("who", ["teacher", "player"])
def test_the_current_version_comes_at_once_with_stream_headers(live, who):
    session, teacher, student, _ = live

    async def scenario():
        response, stream = await open_stream(await async_client_for(teacher if who == "teacher" else student), session)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/event-stream"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Accel-Buffering"] == "no"
        assert (await stream.next()).startswith("retry: ")
        assert await stream.next() == event(3)
        await stream.close()

    async_to_sync(scenario)()


def test_a_published_change_reaches_the_stream(live):
    session, teacher, _, _ = live

    async def scenario():
        _, stream = await open_stream(await async_client_for(teacher), session)
        assert await stream.next_event() == event(3)
        assert await bump(session) == 4
        assert await stream.next_event() == event(4)
        assert await bump(session) == 5
        assert await stream.next_event() == event(5)
        await stream.close()

    async_to_sync(scenario)()


def test_last_event_id_current_sends_nothing_until_a_change(live):
    session, _, student, _ = live

    async def scenario():
        _, stream = await open_stream(await async_client_for(student), session, **{"Last-Event-ID": "3"})
        assert (await stream.next()).startswith("retry: ")
        with pytest.raises(TimeoutError):
            await stream.next(timeout=0.3)
        await bump(session, state=LiveSession.State.QUESTION, position=1)
        assert await stream.next_event() == event(4)
        await stream.close()

    async_to_sync(scenario)()


def test_a_phone_is_not_woken_by_someone_joining_but_the_projector_is(live):
    session, teacher, student, _ = live

    async def scenario():
        _, phone = await open_stream(await async_client_for(student), session)
        _, projector = await open_stream(await async_client_for(teacher), session)
        assert await phone.next_event() == event(3)
        assert await projector.next_event() == event(3)
        await bump(session)  # a player joined: only the projector's list changed
        assert await projector.next_event() == event(4)
        with pytest.raises(TimeoutError):
            await phone.next(timeout=0.3)
        await bump(session, state=LiveSession.State.QUESTION, position=1)
        assert await phone.next_event() == event(5)
        assert await projector.next_event() == event(5)
        await phone.close()
        await projector.close()

    async_to_sync(scenario)()


@pytest.mark.parametrize("seen", ["1", "junk", ""])
def test_last_event_id_older_or_unreadable_gets_the_current_version_at_once(live, seen):
    session, _, student, _ = live

    async def scenario():
        _, stream = await open_stream(await async_client_for(student), session, **{"Last-Event-ID": seen})
        assert await stream.next_event() == event(3)
        await stream.close()

    async_to_sync(scenario)()


@override_settings(LIVE_HEARTBEAT_SECONDS=0.2)
def test_heartbeat_and_a_lost_message_caught_up_from_the_database(live):
    session, teacher, _, _ = live

    async def scenario():
        _, stream = await open_stream(await async_client_for(teacher), session)
        assert await stream.next_event() == event(3)
        assert await stream.next() == ": heartbeat\n\n"
        await bump(session, publish=False)  # the message is lost
        chunk = await stream.next()
        while chunk == ": heartbeat\n\n":
            chunk = await stream.next()
        assert chunk == event(4)
        await stream.close()

    async_to_sync(scenario)()


async def settled(condition) -> None:
    """Wait (a little) for what the event loop's other tasks are doing to be done."""
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0.01)
    assert condition()


def test_a_class_of_streams_shares_one_subscription_and_one_read_per_change(live, monkeypatch):
    """However many phones one process serves, a change costs it one read of the session; the last stream to close
    stops the subscription."""
    session, teacher, student, _ = live
    reads = []
    original = live_stream.read_sighting
    monkeypatch.setattr(live_stream, "read_sighting", lambda pk: reads.append(pk) or original(pk))

    async def scenario():
        phones = [(await open_stream(await async_client_for(student), session))[1] for _ in range(6)]
        _, projector = await open_stream(await async_client_for(teacher), session)
        for one in [*phones, projector]:
            assert await one.next_event() == event(3)
        await settled(lambda: broker._hub.subscribers(session.pk) == 1)
        reads.clear()
        await bump(session, state=LiveSession.State.QUESTION, position=1)
        for one in [*phones, projector]:
            assert await one.next_event() == event(4)
        assert reads == [session.pk]
        for one in [*phones, projector]:
            await one.close()
        await settled(lambda: broker._hub.subscribers(session.pk) == 0 and not live_stream._watches)

    async_to_sync(scenario)()


def test_a_stream_that_read_the_session_just_before_a_change_its_watch_started_after_still_gets_it(live):
    """Stream A starts (and starts the process's watch) after a change that stream B had read the session just
    before: the watch will never report that change, so B is read again as it joins."""
    session, teacher, _, _ = live

    async def scenario():
        await bump(session, publish=False)  # version 4, read by A; B read version 3 a moment before
        _, first = await open_stream(await async_client_for(teacher), session)
        assert await first.next_event() == event(4)
        second = live_stream.events(
            session.pk, live_stream.Sighting(3, "lobby", ("lobby", 0, None, None)), None, player_id=None
        )
        assert await anext(second) == f"retry: {live_stream.RETRY_MS}\n\n".encode()
        assert await anext(second) == event(3).encode()
        assert await asyncio.wait_for(anext(second), WAIT) == event(4).encode()
        await second.aclose()
        await first.close()

    async_to_sync(scenario)()


def test_a_read_that_fails_is_tried_again_soon_not_at_the_heartbeat(live, monkeypatch):
    from django.db import DatabaseError

    session, teacher, student, _ = live
    original = live_stream.read_sighting
    failures = []

    def flaky(pk):
        if not failures:
            failures.append(pk)
            raise DatabaseError("the database is away for a moment")
        return original(pk)

    async def scenario():
        _, phone = await open_stream(await async_client_for(student), session)
        assert await phone.next_event() == event(3)
        monkeypatch.setattr(live_stream, "read_sighting", flaky)
        await bump(session, state=LiveSession.State.QUESTION, position=1)
        assert await phone.next_event(timeout=3) == event(4)  # the heartbeat is 15 s away
        assert failures == [session.pk]
        await phone.close()

    async_to_sync(scenario)()


def test_a_watch_that_fails_subscribes_again_and_its_streams_still_hear(live, monkeypatch, caplog):
    session, teacher, _, _ = live
    original = broker.changes
    calls = []

    async def failing_once(pk, since):
        calls.append(since)
        if len(calls) == 1:
            raise RuntimeError("the broker broke")
        async for version in original(pk, since):
            yield version

    monkeypatch.setattr(broker, "changes", failing_once)

    async def scenario():
        _, projector = await open_stream(await async_client_for(teacher), session)
        assert await projector.next_event() == event(3)
        await bump(session)
        assert await projector.next_event() == event(4)
        await projector.close()

    async_to_sync(scenario)()
    assert len(calls) == 2 and "following its changes failed" in caplog.text


def test_the_end_sends_a_last_event_and_closes_and_a_browser_coming_back_gets_204(live):
    session, teacher, student, _ = live

    async def scenario():
        _, stream = await open_stream(await async_client_for(student), session)
        assert await stream.next_event() == event(3)

        def end():
            LiveSession.objects.filter(pk=session.pk).update(version=4, state=LiveSession.State.ENDED)

        await sync_to_async(end)()
        broker.publish(session.pk, 4)
        assert await stream.next_event() == event(4)
        assert await stream.next_event() == "event: ended\ndata: ended\n\n"  # sse-close="ended" on the page
        with pytest.raises(StopAsyncIteration):
            await stream.next()

        response, _ = await open_stream(await async_client_for(student), session, **{"Last-Event-ID": "4"})
        assert response.status_code == 204
        response, late = await open_stream(await async_client_for(teacher), session)
        assert await late.next_event() == event(4)
        assert await late.next_event() == "event: ended\ndata: ended\n\n"
        with pytest.raises(StopAsyncIteration):
            await late.next()

    async_to_sync(scenario)()


def test_under_wsgi_the_stream_answers_at_once_and_the_browser_polls(live):
    session, _, student, _ = live
    client = Client()
    client.force_login(student)
    url = reverse("live_events", args=[session.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response.content.decode() == "retry: 3000\n\n" + event(3)
    assert client.get(url, headers={"Last-Event-ID": "3"}).content.decode() == "retry: 3000\n\n"
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


def test_head_answers_at_once_under_asgi_too(live):
    session, teacher, _, _ = live

    async def scenario():
        client = await async_client_for(teacher)
        response = await client.head(reverse("live_events", args=[session.pk]))
        assert response.status_code == 200
        assert not response.streaming
        assert response["Content-Type"] == "text/event-stream"

    async_to_sync(scenario)()


# ---------------------------------------------------------------------------------------------- the broker


def test_the_in_process_broker_wakes_every_subscriber_with_the_newest_version():
    async def scenario():
        subscriptions = [broker.changes(7, 1) for _ in range(3)]
        waiters = [asyncio.ensure_future(anext(s)) for s in subscriptions]
        await asyncio.sleep(0)
        broker.publish(7, 2)
        assert await asyncio.gather(*waiters) == [2, 2, 2]
        broker.publish(7, 3)
        broker.publish(7, 4)
        assert await anext(subscriptions[0]) == 4  # merged: the newest, never an older one
        assert broker.latest(7) == 4
        for subscription in subscriptions:
            await subscription.aclose()

    async_to_sync(scenario)()


@needs_redis
def test_redis_carries_a_change_from_one_process_to_another():
    """Two brokers with hubs of their own stand for two app processes; a third uses another database's prefix."""
    prefix = f"test-{uuid.uuid4().hex}"
    one = broker.RedisBroker(REDIS_URL, prefix, broker.Hub())
    other = broker.RedisBroker(REDIS_URL, prefix, broker.Hub())
    elsewhere = broker.RedisBroker(REDIS_URL, f"{prefix}-other-database", broker.Hub())

    async def scenario():
        heard = other.changes(11, 5)
        unrelated = elsewhere.changes(11, 5)
        waiting = asyncio.ensure_future(anext(heard))
        not_for_it = asyncio.ensure_future(anext(unrelated))
        await asyncio.sleep(0.3)  # both subscriptions are made
        one.publish(11, 6)
        assert await asyncio.wait_for(waiting, WAIT) == 6
        done, _ = await asyncio.wait({not_for_it}, timeout=0.3)
        assert not done
        not_for_it.cancel()
        await asyncio.gather(not_for_it, return_exceptions=True)
        await heard.aclose()
        await other.close()
        await elsewhere.close()

    async_to_sync(scenario)()


@needs_redis
def test_a_stream_hears_a_change_published_by_another_process_through_redis(live):
    session, teacher, _, _ = live
    prefix = f"test-{uuid.uuid4().hex}"
    other_process = broker.RedisBroker(REDIS_URL, prefix, broker.Hub())

    async def scenario():
        with override_settings(REDIS_URL=REDIS_URL, LIVE_BROKER_PREFIX=prefix):
            _, stream = await open_stream(await async_client_for(teacher), session)
            assert await stream.next_event() == event(3)
            await asyncio.sleep(0.3)  # the stream's process has subscribed

            def change():
                LiveSession.objects.filter(pk=session.pk).update(version=4)

            await sync_to_async(change)()
            other_process.publish(session.pk, 4)  # not this process's hub: only Redis can bring it
            assert await stream.next_event() == event(4)
            await stream.close()
            await broker.redis_broker().close()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_write_does_not_fail_while_another_thread_is_reading(live):
    """What tests/conftest.py sets up for SQLite's in-memory test database: a stream's read in another thread, its
    statement still open, must not make the test's write fail with "database table is locked"."""
    import threading

    from django.db import connection

    session = live[0]
    factories.LiveSessionFactory.create_batch(3)
    reading, written = threading.Event(), threading.Event()

    def read():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM quizzes_livesession")
                cursor.fetchone()  # the statement stays open, rows unread
                reading.set()
                assert written.wait(WAIT)
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    assert reading.wait(WAIT)
    try:
        LiveSession.objects.filter(pk=session.pk).update(version=4)
    finally:
        written.set()
        reader.join(WAIT)
    assert LiveSession.objects.get(pk=session.pk).version == 4
