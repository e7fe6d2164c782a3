"""Tells the processes' event streams that a live session changed: publish a session's new version, and iterate
over the versions published since one you have.

Only "something changed" travels here; the state itself is read from the database, so a lost message costs
nothing (the stream's reconnect with Last-Event-ID, or a state fetch, catches up). This in-process broker wakes the
subscribers of the same process: enough for one process (the SQLite default of ``scripts/start``).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator

# Guards the two dicts below: publish runs in any thread (a sync view's transaction.on_commit), subscribers run
# on an event loop.
_lock = threading.Lock()
_latest: dict[int, int] = {}
_subscribers: dict[int, set[_Subscriber]] = {}
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


def publish(session_id: int, version: int) -> None:
    """Session ``session_id`` is now at ``version``: wake everyone in this process who waits for it."""
    with _lock:
        if version <= _latest.get(session_id, 0):
            return
        _latest[session_id] = version
        if len(_latest) > _REMEMBERED_SESSIONS:
            for other in [pk for pk in _latest if pk not in _subscribers and pk != session_id]:
                del _latest[other]
        subscribers = list(_subscribers.get(session_id, ()))
    for subscriber in subscribers:
        subscriber.wake()


def latest(session_id: int) -> int:
    """The newest version published here for the session (0 when none), without waiting."""
    with _lock:
        return _latest.get(session_id, 0)


async def changes(session_id: int, since: int) -> AsyncIterator[int]:
    """Yield each newer version of the session as it is published, starting after ``since``.

    Versions published while the consumer was busy are merged: it gets the newest one, never an older one twice.
    """
    subscriber = _Subscriber()
    with _lock:
        _subscribers.setdefault(session_id, set()).add(subscriber)
    try:
        while True:
            # Clear before reading, so a publish between the read and the wait still wakes us.
            subscriber.event.clear()
            newest = latest(session_id)
            if newest > since:
                since = newest
                yield newest
            else:
                await subscriber.event.wait()
    finally:
        with _lock:
            waiting = _subscribers.get(session_id)
            if waiting is not None:
                waiting.discard(subscriber)
                if not waiting:
                    del _subscribers[session_id]
