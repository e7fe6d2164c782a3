"""The live session's event stream (server-sent events): tells the projector and each phone that the session changed,
so each fetches its own state (the page's live region, ``hx-trigger="sse:changed"``); or, for a phone moving on to
a new question or to the reveal, carries its new region itself (``event: step``, quizzes.live.steps: rendered once
per process for the whole class, so a class does not fetch its phones' pages all in the same second).

One event per change, ``event: changed`` (or ``step``) with the session's version as its id; a comment heartbeat when
nothing happened for LIVE_HEARTBEAT_SECONDS (15), after which the version is read again from the database, so a
lost broker message costs at most that long. A browser reconnecting says the version it has (``Last-Event-ID``)
and gets an event at once if the session moved on meanwhile. When the session ends the stream sends its last event
and closes; a browser that comes back after the end gets 204, which tells EventSource to stop reconnecting.

All the streams of one session in one process are served by one Watch: one broker subscription, one read of the
session per change (and per heartbeat), and one read of each step the phones need, done before any stream is woken;
each stream then only sends what it is told (a Mailbox). So a change costs a process one read and one small write
per phone, whatever the class's size.

Under ASGI (october_quiz/asgi.py) the stream stays open for as long as the page does, costing a coroutine. Under
WSGI (``manage.py runserver``, the sync gunicorn workers) an open stream would hold a worker for good, so there it
answers at once with the current version if it is new, and asks the browser to come back in a few seconds: live
pages still follow the session, only by polling.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, StreamingHttpResponse
from django.views.decorators.http import require_safe

from quizzes.live import broker, selectors, steps
from quizzes.models import LiveSession

log = logging.getLogger(__name__)

#: What the browser waits before reconnecting after the stream broke off (ms); under WSGI, between two polls.
RETRY_MS = 2000
WSGI_RETRY_MS = 3000
#: Where live_guest_join keeps a guest's keys in the Django session: {str(session id): key}.
GUEST_KEYS = "live_guest_keys"
#: After a read of the session failed, the watch reads again this soon (s) rather than at the next heartbeat.
READ_AGAIN_SECONDS = 0.5
#: A Last-Event-ID beyond this is nonsense (a version is a PositiveIntegerField): treated as absent.
LARGEST_VERSION = 2**31 - 1


def heartbeat_seconds() -> float:
    return float(getattr(settings, "LIVE_HEARTBEAT_SECONDS", 15))


#: After the session's last change: the page's ``sse-close="ended"`` closes its EventSource, which would otherwise
#: keep reconnecting (each time answered 204).
ENDED_EVENT = b"event: ended\ndata: ended\n\n"


def changed_event(version: int) -> bytes:
    return f"event: changed\nid: {version}\ndata: {version}\n\n".encode()


def last_event_id(request: HttpRequest) -> int | None:
    """The version the browser says it has, or None (absent, or not a version)."""
    value = request.headers.get("Last-Event-ID", "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    version = int(value)
    return version if version <= LARGEST_VERSION else None


def guest_key(request: HttpRequest, pk: int) -> str:
    """The guest key this browser's Django session holds for the live session, or ""."""
    keys = request.session.get(GUEST_KEYS, {})
    key = keys.get(str(pk), "") if isinstance(keys, dict) else ""
    return key if isinstance(key, str) else ""


def release_connection() -> None:
    """Give back this thread's database connection while the stream stays open (a class of open streams would
    otherwise hold one connection each; under a pool, close() returns it). Not inside a transaction (tests)."""
    if not connection.in_atomic_block:
        connection.close()


@dataclass(frozen=True)
class Sighting:
    """What a stream knows of its session: the version, the state, and what a phone shows of it (``phone``: a
    player joining or leaving changes the version, for the projector's list, but nothing on the phones)."""

    version: int
    state: str
    phone: tuple

    @classmethod
    def of(cls, session: LiveSession) -> Sighting:
        phone = (session.state, session.position, session.closes_at, session.seconds_left_when_paused)
        return cls(session.version, session.state, phone)


SIGHTING_FIELDS = ("id", "teacher_id", "version", "state", "position", "closes_at", "seconds_left_when_paused")
GONE = Sighting(0, LiveSession.State.ENDED, ("gone",))


def stream_access(request: HttpRequest, pk: int) -> tuple[Sighting, int | None] | None:
    """What the stream starts from, and the player's id (None for the teacher), if it may follow the session: its
    teacher, or one of its players (a student by their account, a guest by the key in their Django session), not
    removed. None if not; Http404 if there is no such session.

    Uses request.user (not auser), so the middleware that looks at the user after the view finds it loaded."""
    try:
        session = LiveSession.objects.only(*SIGHTING_FIELDS).get(pk=pk)
    except LiveSession.DoesNotExist:
        raise Http404("No such live session.") from None
    try:
        user = request.user
        if user.is_authenticated and user.pk == session.teacher_id:
            return Sighting.of(session), None
        player = selectors.player_for(user if user.is_authenticated else None, session, guest_key(request, session.pk))
        if player is None or player.removed_at is not None:
            return None
        return Sighting.of(session), player.pk
    finally:
        release_connection()


def read_sighting(pk: int) -> Sighting:
    """Read again, outside any request's thread; a deleted session counts as ended."""
    try:
        session = LiveSession.objects.only(*SIGHTING_FIELDS).filter(pk=pk).first()
    finally:
        release_connection()
    return Sighting.of(session) if session is not None else GONE


class SessionReads:
    """A session's sighting, read once for all the streams of this process that need it together: when a change
    reaches a thousand streams at once, one query answers them all (each stream asks for a read begun after its
    process heard of the change, so nobody gets a value from before it)."""

    def __init__(self) -> None:
        self._reads: dict[tuple[asyncio.AbstractEventLoop, int], tuple[float, asyncio.Task]] = {}

    async def read(self, pk: int, *, after: float) -> Sighting | None:
        loop = asyncio.get_running_loop()
        key = (loop, pk)
        entry = self._reads.get(key)
        if entry is None or entry[0] < after:
            if len(self._reads) > 10_000:
                self._reads = {k: v for k, v in self._reads.items() if not v[1].done()}
            task = loop.create_task(sync_to_async(read_sighting, thread_sensitive=False)(pk))
            entry = (time.monotonic(), task)
            self._reads[key] = entry
        try:
            return await asyncio.shield(entry[1])
        except DatabaseError:
            return None  # the database is away: keep the stream, try again at the next heartbeat


session_reads = SessionReads()


def read_step(pk: int, version: int, kind: str) -> steps.Step | None:
    try:
        return steps.read_step(pk, version, kind)
    finally:
        release_connection()


class StepReads:
    """A step (quizzes.live.steps) read and rendered once for all the streams of this process that take it."""

    def __init__(self) -> None:
        self._reads: dict[tuple[asyncio.AbstractEventLoop, int, int, str], asyncio.Task] = {}

    def _task(self, pk: int, version: int, kind: str) -> asyncio.Task:
        loop = asyncio.get_running_loop()
        key = (loop, pk, version, kind)
        task = self._reads.get(key)
        if task is None:
            if len(self._reads) > 100:  # only the newest steps are still being sent
                self._reads = {k: t for k, t in self._reads.items() if not t.done()}
            task = loop.create_task(sync_to_async(read_step, thread_sensitive=False)(pk, version, kind))
            self._reads[key] = task
        return task

    async def read(self, pk: int, version: int, kind: str) -> steps.Step | None:
        task = self._task(pk, version, kind)
        if task.done():  # read already (the session's watch reads before it wakes the streams): no await
            return None if task.cancelled() or task.exception() is not None else task.result()
        try:
            return await asyncio.shield(task)
        except DatabaseError:
            return None  # the phones fetch their state instead


step_reads = StepReads()


async def phone_event(pk: int, shown: tuple, now: Sighting, player_id: int | None) -> bytes:
    """What a phone is sent for a change it must see: its new region when the stream can carry it, else
    ``changed``."""
    kind = steps.step_kind(shown, now.phone) if player_id is not None else None
    if kind is not None:
        step = await step_reads.read(pk, now.version, kind)
        event = step.event_for(player_id) if step is not None else None
        if event is not None:
            return event
    return changed_event(now.version)


class Mailbox:
    """What a session's watch has told one stream and the stream has not sent yet: the newest version heard (for
    the projector, which is told at once), the newest sighting read, and whether a heartbeat is due. The stream keeps
    here what its phone shows, so the watch can read the steps its streams will need before waking them."""

    __slots__ = ("beat", "event", "heard", "player_id", "sent", "shown", "sighting")

    def __init__(self, start: Sighting, sent: int, player_id: int | None) -> None:
        self.event = asyncio.Event()
        self.heard = 0
        self.sighting: Sighting | None = None
        self.beat = False
        self.player_id = player_id
        self.sent = sent
        self.shown = start.phone

    def tell(self, *, heard: int = 0, sighting: Sighting | None = None, beat: bool = False) -> None:
        self.heard = max(self.heard, heard)
        if sighting is not None and (self.sighting is None or sighting.version >= self.sighting.version):
            self.sighting = sighting
        self.beat = self.beat or beat
        self.event.set()

    async def take(self) -> tuple[int, Sighting | None, bool]:
        await self.event.wait()
        self.event.clear()
        told = (self.heard, self.sighting, self.beat)
        self.heard, self.sighting, self.beat = 0, None, False
        return told

    def step_wanted(self, now: Sighting) -> str | None:
        """The step this (phone's) stream will take to the sighting, if one."""
        if self.player_id is None or now.version <= self.sent or now.phone == self.shown:
            return None
        return steps.step_kind(self.shown, now.phone)


class Watch:
    """One session as followed by all the streams of this process (of one event loop): one broker subscription,
    one read of the session per change (and per heartbeat), and one read of each step the streams need, all done
    before any stream is woken; then each stream only puts its own parts into bytes made already. A class of two
    thousand costs this process one read and two thousand small writes per change, and nothing in between."""

    def __init__(self, pk: int, since: int) -> None:
        self.pk = pk
        self.since = since
        self.mailboxes: set[Mailbox] = set()
        self.latest: Sighting | None = None
        self.catching_up: set[asyncio.Task] = set()
        self.task = asyncio.get_running_loop().create_task(self.run(), name=f"live-watch-{pk}")

    def join(self, mailbox: Mailbox) -> None:
        self.mailboxes.add(mailbox)
        if self.latest is not None and self.latest.version > mailbox.sent:
            mailbox.tell(sighting=self.latest)  # a change this watch read before the stream arrived
        elif mailbox.sent < self.since:
            # The stream read the session just before a change that this watch started after, so will not report:
            # read it again for this stream.
            task = asyncio.get_running_loop().create_task(self.catch_up(mailbox))
            self.catching_up.add(task)
            task.add_done_callback(self.catching_up.discard)

    async def catch_up(self, mailbox: Mailbox) -> None:
        now = await session_reads.read(self.pk, after=time.monotonic())
        if now is not None and mailbox in self.mailboxes:
            mailbox.tell(sighting=now)

    async def run(self) -> None:
        """Follow the session for as long as a stream of it is open here; if following fails (it should not), say so
        and subscribe again a second later, from the newest version read: the streams wait, they are not dropped."""
        while True:
            try:
                await self.follow(self.since)
            except Exception:
                log.exception("live: session %s: following its changes failed; again in 1 s", self.pk)
                await asyncio.sleep(1)
                if self.latest is not None:
                    self.since = max(self.since, self.latest.version)

    async def follow(self, since: int) -> None:
        changes = broker.changes(self.pk, since)
        waiting: asyncio.Task | None = None
        missed = False  # the last read failed (the database away for a moment): read again soon, not at the heartbeat
        try:
            while True:
                if waiting is None:
                    waiting = asyncio.ensure_future(anext(changes))
                # Waited on, never cancelled: cancelling would close the subscription.
                done, _ = await asyncio.wait({waiting}, timeout=READ_AGAIN_SECONDS if missed else heartbeat_seconds())
                if done:
                    heard, waiting = waiting.result(), None
                    for mailbox in self.mailboxes:
                        if mailbox.player_id is None:
                            mailbox.tell(heard=heard)  # the projector wants every change, at once
                    # A read begun after this process heard of the change sees it.
                    after = broker.heard_at(self.pk)
                else:
                    after = time.monotonic()
                try:
                    now = await session_reads.read(self.pk, after=after)
                    await self.tell_all(now, beat=not done and not missed)
                    missed = now is None
                except Exception:  # a stream must not hang on one bad change: read again soon
                    log.exception("live: session %s: reading a change failed", self.pk)
                    missed = True
        finally:
            if waiting is not None:
                waiting.cancel()  # closes the subscription, once the cancellation has run
                await asyncio.gather(waiting, return_exceptions=True)
            await changes.aclose()

    async def tell_all(self, now: Sighting | None, *, beat: bool) -> None:
        if now is not None:
            if self.latest is None or now.version >= self.latest.version:
                self.latest = now
            for kind in {m.step_wanted(now) for m in self.mailboxes} - {None}:
                await step_reads.read(self.pk, now.version, kind)
        for mailbox in list(self.mailboxes):
            mailbox.tell(sighting=now, beat=beat)


_watches: dict[tuple[asyncio.AbstractEventLoop, int], Watch] = {}


def watch_for(pk: int, since: int) -> Watch:
    key = (asyncio.get_running_loop(), pk)
    watch = _watches.get(key)
    if watch is None or watch.task.done():
        watch = _watches[key] = Watch(pk, since)
    return watch


async def leave(watch: Watch, mailbox: Mailbox) -> None:
    """The stream is gone; the last one to leave stops the watch (and its broker subscription)."""
    watch.mailboxes.discard(mailbox)
    if watch.mailboxes:
        return
    key = (asyncio.get_running_loop(), watch.pk)
    if _watches.get(key) is watch:
        del _watches[key]
    for task in (watch.task, *watch.catching_up):
        task.cancel()
    await asyncio.gather(watch.task, *watch.catching_up, return_exceptions=True)


async def events(pk: int, start: Sighting, seen: int | None, *, player_id: int | None):
    """The stream's body: the current version unless the browser has it, then each newer one (for a player, each
    that changes what the phone shows, as a step when it can), heartbeats between; ends after the session's end."""
    teacher = player_id is None
    # The middleware may have used the database after the view (a session saved to move its expiry on): give the
    # connection back before the stream settles in for the lesson, or each open stream would hold one.
    await sync_to_async(release_connection)()
    catch_up = seen is None or start.version != seen
    # Told of changes from now on (a change while the first lines are sent is not missed).
    mailbox = Mailbox(start, start.version if catch_up else seen, player_id)
    watch = watch_for(pk, start.version)
    watch.join(mailbox)
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        if catch_up:
            yield changed_event(start.version)
        if start.state == LiveSession.State.ENDED:
            yield ENDED_EVENT
            return
        while True:
            heard, now, beat = await mailbox.take()
            if teacher and heard > mailbox.sent:
                yield changed_event(heard)
                mailbox.sent = heard
            if beat:
                yield b": heartbeat\n\n"
            if now is None:
                continue
            if now.version > mailbox.sent and teacher:
                yield changed_event(now.version)
                mailbox.sent = now.version
            elif now.version > mailbox.sent and now.phone != mailbox.shown:
                yield await phone_event(pk, mailbox.shown, now, player_id)
                mailbox.sent = now.version
            if now.version >= mailbox.sent:
                mailbox.shown = now.phone
            if now.state == LiveSession.State.ENDED:
                yield ENDED_EVENT
                return
    finally:
        await leave(watch, mailbox)


@require_safe
async def live_events(request: HttpRequest, pk: int) -> HttpResponse:
    await broker.ready()  # listening before the version is read: nothing published in between is missed
    access = await sync_to_async(stream_access)(request, pk)
    if access is None:
        return HttpResponseForbidden("Only the session's teacher and its players may follow it.")
    start, player_id = access
    version, state = start.version, start.state
    seen = last_event_id(request)
    if state == LiveSession.State.ENDED and seen is not None and seen >= version:
        return HttpResponse(status=204)  # EventSource stops reconnecting
    if not isinstance(request, ASGIRequest) or request.method == "HEAD":
        body = f"retry: {WSGI_RETRY_MS}\n\n".encode()
        if seen is None or seen != version:
            body += changed_event(version)
        response = HttpResponse(body, content_type="text/event-stream")
    else:
        response = StreamingHttpResponse(events(pk, start, seen, player_id=player_id), content_type="text/event-stream")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
