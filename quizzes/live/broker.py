"""Tells the processes' event streams that a live session changed: publish a session's new version, and iterate
over the versions published since one you have.

Only "something changed" travels here; the state itself is read from the database, so a lost message costs
nothing (the stream's heartbeat re-reads the version, a reconnect with Last-Event-ID catches up). Two backends
behind the same functions:

- Without ``REDIS_URL`` (the SQLite default of ``scripts/start``, one process): an in-process hub wakes the
  subscribers of the same process.
- With it, ``publish`` also goes through Redis pub/sub on one channel per session (``<prefix>:live:<id>``), and
  each process (each event loop) keeps one Redis subscription for all sessions that feeds its own hub, so a
  thousand open streams cost one Redis connection per process, not a thousand. The prefix (setting
  LIVE_BROKER_PREFIX, by default the database's name) keeps apart two databases that share one Redis.

``publish`` runs in any thread (a sync view's transaction.on_commit), never raises (a broker that is down must not
undo a teacher's click or a student's answer) and tells its own process's hub at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator

from django.conf import settings

log = logging.getLogger(__name__)

# Sessions without a subscriber are forgotten beyond this many, so a long-running process stays small.
_REMEMBERED_SESSIONS = 10_000


class _Subscriber:
    """One waiting iterator: its event loop and an event the publishing thread sets through that loop."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()

    def wake(self) -> None:
        with contextlib.suppress(RuntimeError):  # its loop has closed: nobody is listening any more
            self.loop.call_soon_threadsafe(self.event.set)


class Hub:
    """The subscribers of one process and the newest version it heard of for each session (thread-safe)."""

    def __init__(self) -> None:
        # Guards the two dicts: publish runs in any thread, subscribers run on an event loop.
        self._lock = threading.Lock()
        self._latest: dict[int, int] = {}
        self._heard_at: dict[int, float] = {}
        self._subscribers: dict[int, set[_Subscriber]] = {}

    def publish(self, session_id: int, version: int) -> None:
        with self._lock:
            if version <= self._latest.get(session_id, 0):
                return
            self._latest[session_id] = version
            self._heard_at[session_id] = time.monotonic()
            if len(self._latest) > _REMEMBERED_SESSIONS:
                for other in [pk for pk in self._latest if pk not in self._subscribers and pk != session_id]:
                    del self._latest[other]
                    self._heard_at.pop(other, None)
            subscribers = list(self._subscribers.get(session_id, ()))
        for subscriber in subscribers:
            subscriber.wake()

    def latest(self, session_id: int) -> int:
        with self._lock:
            return self._latest.get(session_id, 0)

    def heard_at(self, session_id: int) -> float:
        """When (time.monotonic) this process heard the session's newest version: committed by then."""
        with self._lock:
            return self._heard_at.get(session_id, 0.0)

    async def changes(self, session_id: int, since: int) -> AsyncIterator[int]:
        subscriber = _Subscriber()
        with self._lock:
            self._subscribers.setdefault(session_id, set()).add(subscriber)
        try:
            while True:
                # Clear before reading, so a publish between the read and the wait still wakes us.
                subscriber.event.clear()
                newest = self.latest(session_id)
                if newest > since:
                    since = newest
                    yield newest
                else:
                    await subscriber.event.wait()
        finally:
            with self._lock:
                waiting = self._subscribers.get(session_id)
                if waiting is not None:
                    waiting.discard(subscriber)
                    if not waiting:
                        del self._subscribers[session_id]

    def subscribers(self, session_id: int) -> int:
        """How many iterators of this process wait on the session."""
        with self._lock:
            return len(self._subscribers.get(session_id, ()))

    def forget(self) -> None:
        """Forget every version heard (tests: session ids repeat from one test database to the next)."""
        with self._lock:
            self._latest.clear()
            self._heard_at.clear()


class RedisBroker:
    """Redis pub/sub across processes: a channel per session, one subscription per event loop for all of them,
    handing each message to this process's hub."""

    def __init__(self, url: str, prefix: str, hub: Hub) -> None:
        self.url = url
        self.prefix = prefix
        self.hub = hub
        self._client = None
        self._client_lock = threading.Lock()
        self._listeners: dict[asyncio.AbstractEventLoop, tuple[asyncio.Task, asyncio.Event]] = {}

    def channel(self, session_id: int) -> str:
        return f"{self.prefix}:live:{session_id}"

    def publish(self, session_id: int, version: int) -> None:
        import redis

        self.hub.publish(session_id, version)  # this process's streams hear it at once
        with self._client_lock:
            if self._client is None:
                self._client = redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)
            client = self._client
        try:
            client.publish(self.channel(session_id), str(version))
        except redis.RedisError as problem:
            log.warning("live: could not publish session %s version %s to Redis: %s", session_id, version, problem)

    async def subscribed(self) -> None:
        """Make sure this event loop listens to Redis; waits (2 s at most) for a new subscription to be made, so a
        change published right after a stream connected is heard (if Redis is slow, the heartbeat catches up)."""
        loop = asyncio.get_running_loop()
        listener = self._listeners.get(loop)
        if listener is None or listener[0].done():
            ready = asyncio.Event()
            listener = (loop.create_task(self._listen(ready), name="live-broker-redis"), ready)
            self._listeners[loop] = listener
        if not listener[1].is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(listener[1].wait(), timeout=2)

    async def changes(self, session_id: int, since: int) -> AsyncIterator[int]:
        await self.subscribed()
        async for version in self.hub.changes(session_id, since):
            yield version

    async def _listen(self, ready: asyncio.Event) -> None:
        """Hand every session's messages to the hub; on a broken connection, subscribe again."""
        import redis.asyncio as aioredis
        from redis.exceptions import RedisError

        pattern = f"{self.prefix}:live:*"
        start = len(pattern) - 1
        pause = 0.2
        while True:
            client = aioredis.Redis.from_url(self.url, socket_connect_timeout=2)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(pattern)
                ready.set()
                pause = 0.2
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    try:
                        session_id = int(message["channel"][start:])
                        version = int(message["data"])
                    except (TypeError, ValueError):
                        continue
                    self.hub.publish(session_id, version)
            except (RedisError, OSError) as problem:
                log.warning("live: Redis subscription lost (%s); subscribing again in %.1f s", problem, pause)
            finally:
                try:
                    await pubsub.aclose()
                    await client.aclose()
                except (RedisError, OSError):
                    pass
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)

    async def close(self) -> None:
        """Stop this loop's subscription (tests, and a clean shutdown)."""
        listener = self._listeners.pop(asyncio.get_running_loop(), None)
        if listener is not None:
            listener[0].cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener[0]


_hub = Hub()
# The in-process hub's subscribers by session (tests check that a closed iterator leaves nothing behind).
_subscribers = _hub._subscribers
_redis: RedisBroker | None = None
_redis_lock = threading.Lock()


def redis_broker() -> RedisBroker | None:
    """The Redis broker of this process when settings.REDIS_URL is set, else None."""
    global _redis
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    prefix = getattr(settings, "LIVE_BROKER_PREFIX", "") or str(settings.DATABASES["default"]["NAME"])
    with _redis_lock:
        if _redis is None or (_redis.url, _redis.prefix) != (url, prefix):
            _redis = RedisBroker(url, prefix, _hub)
        return _redis


def publish(session_id: int, version: int) -> None:
    """Session ``session_id`` is now at ``version``: wake everyone who waits for it, in every process. Never raises."""
    broker = redis_broker()
    if broker is not None:
        broker.publish(session_id, version)
    else:
        _hub.publish(session_id, version)


def latest(session_id: int) -> int:
    """The newest version this process heard of for the session (0 when none), without waiting."""
    return _hub.latest(session_id)


def heard_at(session_id: int) -> float:
    """When (time.monotonic) this process heard of the session's newest version; a read of the database begun
    after it sees that version (it is published once committed)."""
    return _hub.heard_at(session_id)


async def changes(session_id: int, since: int) -> AsyncIterator[int]:
    """Yield each newer version of the session as it is published, starting after ``since``.

    Versions published while the consumer was busy are merged: it gets the newest one, never an older one twice.
    """
    broker = redis_broker()
    if broker is not None:
        await broker.subscribed()
    async for version in _hub.changes(session_id, since):
        yield version


async def ready() -> None:
    """With Redis, make sure this process listens before a stream reads the version it starts from, so a change
    published between that read and the stream's first wait is heard (the hub remembers it). A no-op without."""
    broker = redis_broker()
    if broker is not None:
        await broker.subscribed()


def forget() -> None:
    """Forget the versions this process heard of (tests, where session ids repeat between databases)."""
    _hub.forget()
