""""Something changed in live session N": carried from the process that changed it to every process holding a
browser's event stream (quizzes.live.stream), so each can tell its browsers to fetch their new state.

The truth lives in the database (``LiveSession.version``); a message here is only a nudge, and a lost one costs at
most the stream's heartbeat (it re-reads the version then). Two backends behind the same two functions:

- ``publish(session_id, version)``: called by the services after their transaction commits (any thread, any
  process, WSGI or ASGI). Never raises: a broker that is down must not undo a teacher's click or a student's answer.
- ``await changes(session_id, since)``: waits until the session's version is known to be above ``since`` and
  returns it. Callers bound the wait (the stream's heartbeat).

Without ``REDIS_URL`` (the newcomer's SQLite default, one process) everything happens inside the process. With it,
``publish`` also goes through Redis pub/sub on one channel per session, and each process (each event loop) keeps a
single Redis subscription for all sessions that hands the messages to its own waiters, so a thousand open streams
cost one Redis connection per process, not a thousand.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict

from django.conf import settings

log = logging.getLogger(__name__)

#: How many sessions' latest versions a process remembers (a few bytes each; old sessions fall out first).
REMEMBERED_SESSIONS = 10_000


class Hub:
    """The waiters of one process and the latest version it heard of for each session.

    Thread-safe: ``notify`` may come from a request's thread (a service's on_commit) or from an event loop (the Redis
    listener); each waiter's future is resolved on its own loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: OrderedDict[int, int] = OrderedDict()
        self._waiters: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Future]]] = {}

    def notify(self, session_id: int, version: int) -> None:
        with self._lock:
            if version <= self._latest.get(session_id, 0):
                return
            self._latest[session_id] = version
            self._latest.move_to_end(session_id)
            while len(self._latest) > REMEMBERED_SESSIONS:
                self._latest.popitem(last=False)
            waiters = self._waiters.pop(session_id, set())
        for loop, future in waiters:
            try:
                loop.call_soon_threadsafe(_resolve, future, version)
            except RuntimeError:  # that loop has closed: its waiter is gone anyway
                pass

    async def changes(self, session_id: int, since: int) -> int:
        loop = asyncio.get_running_loop()
        with self._lock:
            latest = self._latest.get(session_id, 0)
            if latest > since:
                return latest
            future = loop.create_future()
            entry = (loop, future)
            self._waiters.setdefault(session_id, set()).add(entry)
        try:
            version = await future
        finally:
            with self._lock:
                waiting = self._waiters.get(session_id)
                if waiting is not None:
                    waiting.discard(entry)
                    if not waiting:
                        del self._waiters[session_id]
        return version if version > since else await self.changes(session_id, since)

    def waiting(self, session_id: int) -> int:
        """How many streams of this process wait on the session (for tests and the benchmark's curiosity)."""
        with self._lock:
            return len(self._waiters.get(session_id, ()))

    def forget(self) -> None:
        """Forget every version heard (tests: session ids repeat from one test database to the next)."""
        with self._lock:
            self._latest.clear()


def _resolve(future: asyncio.Future, version: int) -> None:
    if not future.done():
        future.set_result(version)


class RedisBroker:
    """Redis pub/sub across processes: a channel per session, one subscription per event loop for all of them.

    Channels are named ``<prefix>:live:<session id>``; the prefix (setting LIVE_BROKER_PREFIX, by default the
    database's name) keeps apart the sessions of two databases that share one Redis (a test run and a benchmark)."""

    def __init__(self, url: str, prefix: str, hub: Hub) -> None:
        self.url = url
        self.prefix = prefix
        self.hub = hub
        self._client = None
        self._client_lock = threading.Lock()
        self._listeners: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}
        self._ready: dict[asyncio.AbstractEventLoop, asyncio.Event] = {}

    def channel(self, session_id: int) -> str:
        return f"{self.prefix}:live:{session_id}"

    def publish(self, session_id: int, version: int) -> None:
        import redis

        with self._client_lock:
            if self._client is None:
                self._client = redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)
            client = self._client
        try:
            client.publish(self.channel(session_id), str(version))
        except redis.RedisError as problem:
            log.warning("live: could not publish session %s version %s to Redis: %s", session_id, version, problem)

    async def changes(self, session_id: int, since: int) -> int:
        loop = asyncio.get_running_loop()
        listener = self._listeners.get(loop)
        if listener is None or listener.done():
            self._ready[loop] = asyncio.Event()
            self._listeners[loop] = loop.create_task(self._listen(loop), name="live-broker-redis")
            # Wait briefly for the subscription, so a change published right after this stream connected is heard;
            # if Redis is slow or down, the stream's heartbeat re-reads the database anyway.
            try:
                await asyncio.wait_for(self._ready[loop].wait(), timeout=2)
            except TimeoutError:
                pass
        return await self.hub.changes(session_id, since)

    async def _listen(self, loop: asyncio.AbstractEventLoop) -> None:
        """Hand every session's messages to this process's waiters; on a broken connection, subscribe again."""
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
                self._ready[loop].set()
                pause = 0.2
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    try:
                        session_id = int(message["channel"][start:])
                        version = int(message["data"])
                    except (TypeError, ValueError):
                        continue
                    self.hub.notify(session_id, version)
            except asyncio.CancelledError:
                raise
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
            listener.cancel()
            try:
                await listener
            except asyncio.CancelledError:
                pass


_hub = Hub()
_redis: RedisBroker | None = None
_redis_lock = threading.Lock()


def _redis_broker() -> RedisBroker | None:
    """The Redis broker when settings.REDIS_URL is set (made once per process), else None."""
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
    """Tell every stream of the session, in every process, that its version is now ``version``. Never raises."""
    _hub.notify(session_id, version)  # this process's streams hear it at once, with or without Redis
    broker = _redis_broker()
    if broker is not None:
        broker.publish(session_id, version)


async def changes(session_id: int, since: int) -> int:
    """Wait until the session's version is known to be above ``since``; returns it."""
    broker = _redis_broker()
    if broker is not None:
        return await broker.changes(session_id, since)
    return await _hub.changes(session_id, since)


def forget() -> None:
    """Forget the versions this process has heard of (tests, where session ids repeat between databases)."""
    _hub.forget()
