#!/usr/bin/env python
"""The live benchmark: a teacher paces a quiz while N students follow it on phones over server-sent events, spread
over P app processes that share PostgreSQL and Redis.

Run from the repository root with the project's virtualenv:

    .venv/bin/python bench/live.py                                  # 300 students, 2 processes, 10 questions
    .venv/bin/python bench/live.py --students 2000 --processes 2

It makes a fresh database (dropped at the end unless --keep), starts P uvicorn processes (october_quiz.asgi, the
whole app, production settings over plain HTTP on 127.0.0.1) with REDIS_URL set, and has every student log in,
join, open the phone page and hold its event stream as a browser does; on each ``changed`` event a student fetches
the phone's state (the live region, with htmx's headers) and, while a question is open, answers after 0.2-3 s. A
teacher opens and reveals each question. It measures, for each of the teacher's changes, the time from sending the
POST to each student's receipt of the event carrying the new version (fan-out); checks in the database that every
acknowledged answer was saved; disconnects 10% of the students in the middle of a question and reconnects them with
Last-Event-ID (each must get back the current question and their score); and kills one app process during a
question (its students reconnect to another and lose nothing). Its last line is one JSON object.
Only the standard library is needed beyond the app's own dependencies (it reuses bench/classroom.py's client).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.classroom import (  # noqa: E402
    HOST,
    OUT,
    PASSWORD,
    BadPage,
    Client,
    HttpError,
    any_answer,
    bench_questions,
    database_url,
    drop_database,
    forms,
    free_port,
    percentile,
    postgres_reachable,
    recreate_database,
    setup_django,
)
from bench.classroom import Student as PageStudent  # noqa: E402

REDIS = ("127.0.0.1", 6379)
PHONE_POSITION = re.compile(r"Question (\d+) of (\d+)")
PHONE_SCORE = re.compile(r'class="live-score".*?<strong>([^<]*)</strong>', re.DOTALL)
RECONNECT_PAUSE = 0.5  # a browser's EventSource waits its retry time; the bench waits less, to measure more


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=300, help="how many students (default 300)")
    parser.add_argument("--processes", type=int, default=2, help="app processes on different ports (default 2)")
    parser.add_argument("--questions", type=int, default=10, help="questions in the session (default 10)")
    parser.add_argument(
        "--connections",
        type=int,
        default=16,
        help="page requests in flight at once per process, like a proxy's upstream pool (default 16); the event "
        "streams are not counted",
    )
    parser.add_argument(
        "--serve",
        choices=["split", "asgi"],
        default="split",
        help="split (default, as deployed): pages under gunicorn's sync workers, event streams under uvicorn; "
        "asgi: one uvicorn process serves everything",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server under split")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database", default="october_quiz_bench_live", help="database name (must start october_quiz_bench)"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="Redis for the fan-out")
    parser.add_argument("--no-kill", action="store_true", help="do not kill an app process during a question")
    parser.add_argument("--seed", type=int, default=1917, help="random seed for answers and pauses")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= 20000:
        parser.error("--students must be between 1 and 20000")
    if not 1 <= args.processes <= 16:
        parser.error("--processes must be between 1 and 16")
    if not 1 <= args.questions <= 100:
        parser.error("--questions must be between 1 and 100")
    if not re.fullmatch(r"october_quiz_bench\w*", args.database):
        parser.error("--database must start with october_quiz_bench (it is dropped and created again)")
    return args


# ----------------------------------------------------------------------------------------------- the school


def build_school(args: argparse.Namespace) -> tuple[str, list[str], int, int, str]:
    """A teacher, one class of N students and a set of Q questions of the seven types."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from quizzes.models import Classroom, Enrollment, QuizSet, QuizSetItem, User

    questions, origin = bench_questions(args.questions)
    with transaction.atomic():
        password = make_password(PASSWORD)
        teacher = User.objects.create(username="bench-teacher", password=password, role=User.Role.TEACHER)
        room = Classroom.objects.create(name="Bench live class", teacher=teacher)
        usernames = [f"bench-student-{s:05d}" for s in range(args.students)]
        students = User.objects.bulk_create(
            User(username=name, password=password, role=User.Role.STUDENT, first_name="Bench", last_name=str(s))
            for s, name in enumerate(usernames)
        )
        Enrollment.objects.bulk_create(Enrollment(classroom=room, student=student) for student in students)
        quiz_set = QuizSet.objects.create(title=f"Live benchmark ({len(questions)} questions)", owner=teacher)
        QuizSetItem.objects.bulk_create(
            QuizSetItem(quiz_set=quiz_set, question=q, position=n) for n, q in enumerate(questions, start=1)
        )
    connection.close()
    return teacher.username, usernames, room.pk, quiz_set.pk, origin


def session_version(pk: int) -> tuple[int, str, int]:
    from django.db import connection

    from quizzes.models import LiveSession

    row = LiveSession.objects.filter(pk=pk).values_list("version", "state", "position").get()
    connection.close()
    return row


def check_saved(session_pk: int, acknowledged: set[tuple[str, int]]) -> tuple[int, int]:
    """Acknowledged answers the database does not have, and the answers it has."""
    from django.db import connection

    from quizzes.models import LiveAnswer

    saved = set(LiveAnswer.objects.filter(session_id=session_pk).values_list("player__user__username", "position"))
    connection.close()
    return len(acknowledged - saved), len(saved)


# ----------------------------------------------------------------------------------------------- the app processes


class AppServer:
    """One app server: under --serve split (production's layout), a gunicorn of sync workers for the pages and a
    uvicorn process for the event streams, as a proxy would route them; under --serve asgi, one uvicorn process
    serving everything. Each process in its own process group."""

    def __init__(self, index: int, args: argparse.Namespace, env: dict[str, str]):
        self.index = index
        self.mode = args.serve
        self.workers = args.workers
        self.events_port = free_port()
        self.pages_port = free_port() if self.mode == "split" else self.events_port
        self.env = env
        self.processes: list[subprocess.Popen] = []
        self.alive = False

    def describe(self) -> str:
        if self.mode == "split":
            return (
                f"pages :{self.pages_port} (gunicorn {self.workers} sync workers), events :{self.events_port} (uvicorn)"
            )
        return f"uvicorn :{self.pages_port}"

    def _start(self, command: list[str], name: str) -> None:
        log = OUT / f"live-{name}-{self.index}.log"
        self.processes.append(
            subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=log.open("w"), start_new_session=True
            )
        )

    def start(self) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        uvicorn = [sys.executable, "-m", "uvicorn", "october_quiz.asgi:application", "--host", HOST]
        uvicorn += ["--port", str(self.events_port), "--no-access-log", "--log-level", "warning", "--backlog", "4096"]
        uvicorn += ["--timeout-graceful-shutdown", "2"]
        self._start(uvicorn, "uvicorn")
        if self.mode == "split":
            gunicorn = [str(Path(sys.executable).with_name("gunicorn")), "october_quiz.wsgi", "--chdir", str(ROOT)]
            gunicorn += ["--bind", f"{HOST}:{self.pages_port}", "--workers", str(self.workers), "--keep-alive", "5"]
            gunicorn += ["--backlog", "4096", "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning"]
            self._start(gunicorn, "gunicorn")
        self.alive = True

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        for port in {self.pages_port, self.events_port}:
            while True:
                if any(p.poll() is not None for p in self.processes):
                    raise RuntimeError(f"app server {self.index} exited: see bench/out/live-*-{self.index}.log")
                try:
                    with socket.create_connection((HOST, port), timeout=0.5) as sock:
                        sock.sendall(
                            f"GET /accounts/login/ HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
                        )
                        if b" 200 " in sock.recv(16):
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"app server {self.index} did not answer within {seconds} s")
                time.sleep(0.2)

    def kill(self) -> None:
        """As a crash does: SIGKILL, no goodbye to its clients."""
        self.alive = False
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop(self) -> None:
        self.alive = False
        for process in self.processes:
            if process.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


# ----------------------------------------------------------------------------------------------- a browser


@dataclass
class Phone:
    """What the phone's live region showed last."""

    position: int = 0
    score: str = ""
    form: object = None
    status: int = 0


class Run:
    """What every browser shares: the app processes, their clients, the measurements."""

    def __init__(self, args: argparse.Namespace, apps: list[AppServer]):
        self.args = args
        self.apps = apps
        self.clients = [Client(app.pages_port, args.connections) for app in apps]
        self.session_pk = 0
        self.errors: list[str] = []
        self.receipts: dict[str, dict[int, float]] = {}  # username -> version -> first receipt (perf_counter)
        self.changed = asyncio.Condition()
        self.teacher_clients: list[Client] = []
        self.steps = 0  # step events: a phone's new state carried by the stream, no fetch

    def server_for(self, index: int) -> int:
        """The index-th app server, or the next one alive (what a load balancer does)."""
        for step in range(len(self.apps)):
            app = self.apps[(index + step) % len(self.apps)]
            if app.alive:
                return app.index
        raise RuntimeError("no app server is alive")

    def client_for(self, index: int) -> Client:
        return self.clients[self.server_for(index)]

    def error(self, message: str) -> None:
        self.errors.append(message)

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()


class LiveStudent(PageStudent):
    """A phone: a logged-in student with one event stream, fetching the live region on each event."""

    def __init__(self, username: str, run: Run, index: int, rng: random.Random):
        self.run = run
        self.home = index % len(run.apps)
        self.server = run.server_for(self.home)
        super().__init__(username, run.clients[self.server], rng, (0.0, 0.0))
        self.last_event_id: int | None = None
        self.stream_task: asyncio.Task | None = None
        self.stream_writer: asyncio.StreamWriter | None = None
        self.phone = Phone()
        self.acknowledged: set[int] = set()  # positions whose answer the server acknowledged (2xx)
        self.answered: set[int] = set()  # ... or that the server says were answered (409 after a lost reply)
        self.answering: set[int] = set()
        self.fetching = False
        self.fetch_again = False
        self.connected = asyncio.Event()
        self.failover_done = asyncio.Event()
        self.killed = False
        self.run.receipts[username] = {}

    def _headers(self, htmx: bool = False, post: bool = False) -> dict[str, str]:
        headers = super()._headers(htmx, post)
        if htmx:
            headers["HX-Target"] = "live-state"
        return headers

    @property
    def play_url(self) -> str:
        return f"/live/{self.run.session_pk}/play/"

    def fail_over(self, server: int) -> bool:
        """After a failure on ``server``: if that server is dead, move to another (once) and say so."""
        if self.run.apps[server].alive:
            return False
        self.killed = True
        if self.server == server:
            self.server = self.run.server_for(self.home + 1)
            self.client = self.run.clients[self.server]
        return True

    async def arrive(self) -> None:
        await self.get("login_page", "/accounts/login/")
        await self.post("login", "/accounts/login/", [("username", self.username), ("password", PASSWORD)])
        if self.url != "/student/":
            raise BadPage(f"login led to {self.url}, not the dashboard")
        await self.post("join", f"/live/{self.run.session_pk}/join/", [])
        if self.url.split("?")[0] != self.play_url:
            raise BadPage(f"joining led to {self.url}, not the phone page")
        self.stream_task = asyncio.create_task(self.hold_stream())
        await asyncio.wait_for(self.connected.wait(), 60)

    # -- the event stream -----------------------------------------------------------------------------------------

    async def hold_stream(self) -> None:
        """Keep an event stream open as EventSource does: reconnect with Last-Event-ID after a break."""
        first = True
        while True:
            server = self.server
            try:
                await self.one_stream(reconnect=not first)
                return  # the session ended
            except asyncio.CancelledError:
                raise
            except (OSError, asyncio.IncompleteReadError, BadPage) as problem:
                if not self.fail_over(server) and not isinstance(
                    problem, (ConnectionError, asyncio.IncompleteReadError)
                ):
                    self.run.error(f"{self.username}: event stream: {type(problem).__name__}: {problem}")
                await asyncio.sleep(RECONNECT_PAUSE)
            first = False

    async def one_stream(self, *, reconnect: bool) -> None:
        port = self.run.apps[self.server].events_port
        reader, writer = await asyncio.open_connection(HOST, port)
        self.stream_writer = writer
        try:
            headers = {**self._headers(), "Accept": "text/event-stream", "Cache-Control": "no-cache"}
            if self.last_event_id is not None:
                headers["Last-Event-ID"] = str(self.last_event_id)
            lines = [f"GET /live/{self.run.session_pk}/events/ HTTP/1.1", f"Host: {HOST}:{port}"]
            lines += [f"{name}: {value}" for name, value in headers.items()]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            await writer.drain()
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            status = int(head.split(" ", 2)[1])
            if status == 204:
                return
            if status != 200:
                raise HttpError(f"event stream answered {status}")
            self.connected.set()
            if self.killed:
                self.failover_done.set()
            if reconnect:
                # The phone page fetches its live region when its stream comes back, in case it missed a change.
                asyncio.get_running_loop().create_task(self.fetch_state())
            buffer = ""
            while True:
                size_line = await reader.readline()
                if not size_line:
                    raise asyncio.IncompleteReadError(b"", None)
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    return
                chunk = await reader.readexactly(size + 2)
                buffer += chunk[:-2].decode()
                while "\n\n" in buffer:
                    message, buffer = buffer.split("\n\n", 1)
                    self.on_message(message)
        finally:
            writer.close()

    def on_message(self, message: str) -> None:
        """A ``changed`` event: fetch the live region, as hx-trigger="sse:changed" does. A ``step`` event carries the
        region: read it as htmx swaps it (sse-swap="step"), and answer from it."""
        fields: dict[str, str] = {}
        data: list[str] = []
        for line in message.splitlines():
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "data":
                data.append(value)
            elif name in ("event", "id"):
                fields[name] = value
        kind = fields.get("event")
        if kind not in ("changed", "step") or not fields.get("id", "").isdigit():
            return
        version = int(fields["id"])
        received = time.perf_counter()
        self.run.receipts[self.username].setdefault(version, received)
        self.last_event_id = version
        if kind == "changed":
            asyncio.get_running_loop().create_task(self.fetch_state())
            return
        self.run.steps += 1
        # Read after this round's other events have been received: one client plays every phone, and a phone
        # reading its own region does not hold up the next phone's event.
        asyncio.get_running_loop().call_soon(self.take_step, "\n".join(data))

    def take_step(self, region: str) -> None:
        self.answer_from(self.read_region(region))

    def drop_stream(self) -> None:
        """The phone loses its connection (a tunnel, a sleeping phone)."""
        if self.stream_task is not None:
            self.stream_task.cancel()
        if self.stream_writer is not None:
            self.stream_writer.close()

    def reopen_stream(self) -> None:
        self.connected.clear()
        self.stream_task = asyncio.create_task(self.hold_stream())

    # -- the live region ------------------------------------------------------------------------------------------

    async def fetch_state(self) -> None:
        """What hx-trigger="sse:changed" does: fetch the live region (one at a time, again if told meanwhile)."""
        if self.fetching:
            self.fetch_again = True
            return
        self.fetching = True
        try:
            for _ in range(5):
                server = self.server
                try:
                    self.fetch_again = False
                    await self.read_phone()
                    if not self.fetch_again:
                        break
                except (HttpError, OSError, asyncio.IncompleteReadError) as problem:
                    if not self.fail_over(server):
                        self.run.error(f"{self.username}: phone state: {problem}")
                        break
                    await asyncio.sleep(RECONNECT_PAUSE)
        finally:
            self.fetching = False
        await self.run.notify()

    def read_region(self, text: str) -> Phone:
        position = PHONE_POSITION.search(text)
        score = PHONE_SCORE.search(text)
        form = next((f for f in forms(text) if f.action.endswith("/play/answer/")), None)
        self.phone = Phone(int(position.group(1)) if position else 0, score.group(1) if score else "", form, 200)
        return self.phone

    async def read_phone(self) -> Phone:
        reply = await self.get("play", self.play_url, htmx=True)
        phone = self.read_region(reply.text)
        self.answer_from(phone)
        return phone

    def answer_from(self, phone: Phone) -> None:
        """Answer the question the region shows, once, after the student's pause."""
        if phone.form is not None:
            fields = phone.form.fields.get("position") or [""]
            at = int(fields[0]) if fields[0].isdigit() else phone.position
            if at not in self.answered and at not in self.answering:
                self.answering.add(at)
                asyncio.get_running_loop().create_task(self.answer(at, phone.form))

    async def answer(self, position: int, form) -> None:
        """Answer after a random pause, with htmx's headers; on a dead server, again on another."""
        await asyncio.sleep(self.rng.uniform(0.2, 3.0))
        fields = any_answer(form, self.rng)
        fields += [(name, values[0]) for name, values in form.fields.items() if form.kinds.get(name) == "hidden"]
        fields = [(k, v) for k, v in fields if k != "csrfmiddlewaretoken"]
        for _ in range(5):
            server = self.server
            try:
                reply = await self.post("answer", form.action, fields, htmx=True)
                self.read_region(reply.text)
                self.acknowledged.add(position)
                self.answered.add(position)
                break
            except HttpError as problem:
                if " 409" in str(problem) and self.killed:
                    # Sent before the server died, its reply lost: the server says it has an answer already.
                    self.answered.add(position)
                    break
                self.run.error(f"{self.username}: answer {position}: {problem}")
                break
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                if not self.fail_over(server):
                    self.run.error(f"{self.username}: answer {position}: connection failed")
                    break
                await asyncio.sleep(RECONNECT_PAUSE)
        self.answering.discard(position)
        await self.run.notify()


class Teacher(PageStudent):
    """The teacher at the projector: starts the session, opens and reveals each question."""

    def __init__(self, username: str, run: Run):
        # A browser of its own: the teacher's requests never wait for the students' connections in this client.
        self.own = [Client(app.pages_port, 2) for app in run.apps]
        super().__init__(username, self.own[0], random.Random(0), (0.0, 0.0))
        self.run = run

    async def control(self, action: str) -> None:
        self.client = self.own[self.run.server_for(0)]
        await self.post(action, f"/live/{self.run.session_pk}/control/", [("action", action), ("next", "projector")])


# ----------------------------------------------------------------------------------------------- the run


@dataclass
class Change:
    action: str
    version: int
    sent: float
    latencies: list[float] = field(default_factory=list)
    missed: int = 0


async def wait_until(run: Run, condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    async with run.changed:
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(run.changed.wait(), min(left, 0.5))
    return True


async def live_session(args: argparse.Namespace, run: Run, teacher_name: str, usernames, room_pk, set_pk) -> dict:
    loop = asyncio.get_running_loop()
    rng = random.Random(args.seed)
    teacher = Teacher(teacher_name, run)
    run.teacher_clients = teacher.own
    await teacher.get("login_page", "/accounts/login/")
    await teacher.post("login", "/accounts/login/", [("username", teacher_name), ("password", PASSWORD)])
    await teacher.get("start_page", f"/live/start/?classroom={room_pk}&quiz_set={set_pk}")
    await teacher.post("start", "/live/start/", [("classroom", room_pk), ("quiz_set", set_pk), ("scoring", "accuracy")])
    match = re.fullmatch(r"/live/(\d+)/projector/", teacher.url.split("?")[0])
    if not match:
        raise BadPage(f"starting the session led to {teacher.url}")
    run.session_pk = int(match.group(1))

    students = [LiveStudent(name, run, n, random.Random(rng.random())) for n, name in enumerate(usernames)]
    began = time.perf_counter()
    arrivals = await asyncio.gather(*(s.arrive() for s in students), return_exceptions=True)
    for student, outcome in zip(students, arrivals, strict=True):
        if isinstance(outcome, BaseException):
            run.error(f"{student.username}: arriving: {type(outcome).__name__}: {outcome}")
    joined = time.perf_counter() - began
    print(f"  {len(students)} students logged in, joined and holding a stream in {joined:.1f} s", flush=True)

    changes: list[Change] = []
    reconnects = reconnects_restored = killed_restored = 0
    killed_students: list[LiveStudent] = []
    process_killed = False
    disconnect_at = min(3, args.questions)
    kill_at = min(args.questions, max(1, args.questions // 2 + 1)) if args.processes > 1 and not args.no_kill else 0
    if kill_at == disconnect_at and args.questions > 1:
        kill_at = disconnect_at + 1 if disconnect_at < args.questions else disconnect_at - 1

    async def teacher_does(action: str) -> Change:
        # The teacher talks over the last change while the phones catch up (each change is measured on its own,
        # not behind the fetches of the one before), then clicks.
        await wait_until(run, lambda: not any(s.fetching or s.answering for s in students), 30)
        await asyncio.sleep(0.5)
        version, _, _ = await loop.run_in_executor(None, session_version, run.session_pk)
        change = Change(action, version + 1, time.perf_counter())
        await teacher.control(action)
        changes.append(change)
        return change

    def stuck(what: str, waiting: list) -> None:
        """Say who a wait gave up on, and where each of the first few stood."""
        print(f"  ! {len(waiting)} students still {what}", flush=True)
        for s in waiting[:3]:
            print(
                f"    {s.username}: server {s.server}, killed {s.killed}, connected {s.connected.is_set()}, "
                f"last event {s.last_event_id}, fetching {s.fetching}, phone at {s.phone.position} "
                f"form {s.phone.form is not None}, answering {sorted(s.answering)}, answered {sorted(s.answered)}",
                flush=True,
            )

    def received(change: Change, student: LiveStudent) -> bool:
        return any(v >= change.version for v in run.receipts[student.username])

    async def everyone_received(change: Change, timeout: float = 30) -> None:
        if not await wait_until(run, lambda: all(received(change, s) for s in students), timeout):
            stuck(f"without version {change.version}", [s for s in students if not received(change, s)])

    for position in range(1, args.questions + 1):
        change = await teacher_does("open_next")
        await everyone_received(change)
        if position == kill_at:
            # A crash while the class answers: the last process dies; its students move to another one.
            victim = run.apps[-1]
            killed_students = [s for s in students if s.server == victim.index]
            await asyncio.sleep(0.5)
            await loop.run_in_executor(None, victim.kill)
            process_killed = True
            print(f"  killed app process {victim.index} at question {position}: {len(killed_students)} students on it")
        if not await wait_until(run, lambda p=position: all(p in s.answered for s in students), 60):
            stuck(f"without an answer to question {position}", [s for s in students if position not in s.answered])
        if position == kill_at:
            await wait_until(run, lambda k=killed_students: all(s.failover_done.is_set() for s in k), 30)
            for student in killed_students:
                phone = await student.read_phone()
                if student.failover_done.is_set() and phone.position == position and position in student.answered:
                    killed_restored += 1
        if position == disconnect_at:
            # 10% lose their connection mid-question and come back with Last-Event-ID.
            chosen = rng.sample(students, max(1, len(students) // 10))
            before = {s.username: (s.phone.position, s.phone.score) for s in chosen}
            for student in chosen:
                student.drop_stream()
            await asyncio.sleep(1.0)
            for student in chosen:
                student.reopen_stream()
            await wait_until(run, lambda c=chosen: all(s.connected.is_set() for s in c), 30)
            reconnects += len(chosen)
            for student in chosen:
                try:
                    phone = await student.read_phone()
                except (HttpError, OSError) as problem:
                    run.error(f"{student.username}: after reconnecting: {problem}")
                    continue
                if (phone.position, phone.score) == before[student.username] and phone.form is None:
                    reconnects_restored += 1
                else:
                    run.error(
                        f"{student.username}: after reconnecting saw question {phone.position} score {phone.score}, "
                        f"before {before[student.username]}"
                    )
        change = await teacher_does("reveal")
        await everyone_received(change)
        answered = sum(1 for s in students if position in s.answered)
        print(f"  question {position}: {answered} of {len(students)} answered", flush=True)
    change = await teacher_does("open_next")  # after the last question: the end
    await everyone_received(change)
    for student in students:
        if student.stream_task is not None:
            student.stream_task.cancel()
        if student.stream_writer is not None:
            student.stream_writer.close()
    await asyncio.sleep(0.2)

    for change in changes:
        for student in students:
            at = min((t for v, t in run.receipts[student.username].items() if v >= change.version), default=None)
            if at is None:
                change.missed += 1
            else:
                change.latencies.append((at - change.sent) * 1000)
    for client in run.clients:
        for conn in client.idle:
            conn.close()
    return {
        "students": students,
        "changes": changes,
        "reconnects": reconnects,
        "reconnects_restored": reconnects_restored,
        "process_killed": process_killed,
        "killed_students": len(killed_students),
        "killed_students_restored": killed_restored,
    }


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    if not postgres_reachable():
        print(f"PostgreSQL is not reachable at {HOST}:5432", file=sys.stderr)
        return 2
    try:
        socket.create_connection(REDIS, timeout=2).close()
    except OSError:
        print("Redis is not reachable at 127.0.0.1:6379", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    lock = (OUT / f"{args.database}.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"Another run is using the database {args.database}; wait, or give --database with another name.")
        return 2
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(args.database),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "BENCH_STATIC_ROOT": str(OUT / "static"),
        "REDIS_URL": args.redis_url,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
    }
    apps = [AppServer(n, args, env) for n in range(args.processes)]

    def stop_on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(
        f"Live benchmark: {args.students} students, {args.processes} app servers "
        f"({'; '.join(a.describe() for a in apps)}), {args.questions} questions, Redis fan-out",
        flush=True,
    )
    began = time.monotonic()
    try:
        recreate_database(args.database)
        setup_django({k: v for k, v in env.items() if k != "REDIS_URL"})
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        teacher, usernames, room_pk, set_pk, origin = build_school(args)
        print(f"  database {args.database} ready in {time.monotonic() - began:.1f} s, questions from {origin}")
        for app in apps:
            app.start()
        for app in apps:
            app.wait_ready()

        async def go():
            run = Run(args, apps)
            return run, await live_session(args, run, teacher, usernames, room_pk, set_pk)

        run, result = asyncio.run(go())
        for app in apps:
            app.stop()
        acknowledged = {(s.username, p) for s in result["students"] for p in s.acknowledged}
        lost, saved = check_saved(run.session_pk, acknowledged)
    except KeyboardInterrupt:
        print("Interrupted: stopping the app processes", file=sys.stderr)
        return 130
    finally:
        for app in apps:
            app.stop()
        if not args.keep:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            with contextlib.suppress(Exception):
                drop_database(args.database)
    return report(args, run, result, acknowledged, lost, saved)


def report(args, run: Run, result: dict, acknowledged: set, lost: int, saved: int) -> int:
    changes = result["changes"]
    latencies = [ms for c in changes for ms in c.latencies]
    missed = sum(c.missed for c in changes)
    print(f"\n  {'change':<12}{'version':>8}{'received':>10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for c in changes:
        print(
            f"  {c.action:<12}{c.version:>8}{len(c.latencies):>10}{percentile(c.latencies, 0.5):>9.1f}"
            f"{percentile(c.latencies, 0.95):>9.1f}{max(c.latencies, default=0):>9.1f}"
        )
    requests = [s for client in run.clients + run.teacher_clients for s in client.samples]
    failed = [s for s in requests if not 200 <= s.status < 400]
    kinds: dict[str, list[float]] = {}
    for s in requests:
        kinds.setdefault(s.kind, []).append(s.latency * 1000)
    print(f"\n  {'request':<12}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind, values in sorted(kinds.items(), key=lambda item: -len(item[1])):
        print(
            f"  {kind:<12}{len(values):>7}{percentile(values, 0.5):>9.1f}{percentile(values, 0.95):>9.1f}"
            f"{max(values):>9.1f}"
        )
    for problem in run.errors[:10]:
        print(f"  ! {problem}")
    if len(run.errors) > 10:
        print(f"  ! ... and {len(run.errors) - 10} more")
    print(
        f"  answers acknowledged {len(acknowledged)}, saved {saved}, lost {lost}; events missed {missed}; "
        f"failed requests {len(failed)} (killed process's included); step events {run.steps} (no fetch needed)"
    )
    errors = len(run.errors) + missed
    summary = {
        "students": args.students,
        "processes": args.processes,
        "questions": args.questions,
        "answers_acknowledged": len(acknowledged),
        "answers_lost": lost,
        "errors": errors,
        "fanout_p50_ms": round(percentile(latencies, 0.50), 1),
        "fanout_p95_ms": round(percentile(latencies, 0.95), 1),
        "fanout_max_ms": round(max(latencies, default=0.0), 1),
        "reconnects": result["reconnects"],
        "reconnects_restored": result["reconnects_restored"],
        "process_killed": result["process_killed"],
        "killed_students_restored": result["killed_students_restored"],
    }
    print(json.dumps(summary), flush=True)
    ok = errors == 0 and lost == 0 and result["reconnects"] == result["reconnects_restored"]
    ok = ok and result["killed_students_restored"] == result["killed_students"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
