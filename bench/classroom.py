#!/usr/bin/env python
"""The classroom load benchmark: N students take one quiz at once over HTTP against gunicorn on PostgreSQL.

Run from the repository root with the project's virtualenv:

    .venv/bin/python bench/classroom.py                      # 300 students, 10 questions, all at once
    .venv/bin/python bench/classroom.py --students 2000 --questions 16 --think 30-90

It makes a fresh database (dropped at the end unless --keep), starts gunicorn on 127.0.0.1 with
bench.settings, has every student log in, start the quiz, answer each question the way htmx does and submit,
checks in the database that every acknowledged answer was saved, measures the floor (a minimal logged-in
POST doing one INSERT) under the same load, prints a summary and, as its last line, one JSON object.
Only the standard library is needed beyond the app's own dependencies.
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
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PG = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"  # the only address this script ever connects to
PASSWORD = "bench-october-1917"
CLASS_SIZE = 30
TYPE_ORDER = ["single", "true_false", "multiple", "short_text", "numeric", "ordering", "matching"]
# The answer fields of each type's generated questions, in the bank's dict form.
BENCH_ANSWERS = {
    "single": {"choices": [{"text": f"Choice {c}", "correct": c == 0} for c in range(4)]},
    "multiple": {"choices": [{"text": f"Choice {c}", "correct": c in (0, 1)} for c in range(4)]},
    "true_false": {"answer": True},
    "short_text": {"accepted": ["Smolny"]},
    "numeric": {"number": 1917},
    "ordering": {"items": [f"Event {c}" for c in range(4)]},
    "matching": {"pairs": [[f"Left {c}", f"Right {c}"] for c in range(3)]},
}
REQUEST_TIMEOUT = 30.0


# ----------------------------------------------------------------------------------------------- options


def think_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    try:
        bounds = (float(low), float(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError("give seconds as LOW-HIGH, e.g. 30-90") from None
    if not 0 <= bounds[0] <= bounds[1] <= 600:
        raise argparse.ArgumentTypeError("think time must be 0 <= LOW <= HIGH <= 600 seconds")
    return bounds


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=300, help="how many students (default 300)")
    parser.add_argument("--questions", type=int, default=10, help="questions in the quiz (default 10)")
    parser.add_argument(
        "--think", type=think_range, default=(0.0, 0.0), metavar="LOW-HIGH", help="seconds of pause between pages"
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="students arrive spread over this many seconds (default: within the first think pause, or all at once)",
    )
    parser.add_argument("--feedback", choices=["submission", "each"], default="submission", help="when feedback shows")
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn on 127.0.0.1 (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database", default="october_quiz_bench", help="database name (must start october_quiz_bench)"
    )
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5: 2 x cores + 1)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (default 1)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync)")
    parser.add_argument(
        "--asgi",
        action="store_true",
        help="serve october_quiz.asgi with gunicorn's uvicorn worker (uvicorn_worker.UvicornWorker) instead of WSGI",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=0,
        help="most requests in flight at once, like a proxy's upstream pool (default: workers x threads, "
        "or 256 with --think)",
    )
    parser.add_argument("--timeout", type=float, default=0, help="seconds the whole load may take (default: derived)")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor measurement")
    parser.add_argument("--py-spy", action="store_true", help="profile the workers with py-spy into bench/out/")
    parser.add_argument("--seed", type=int, default=1917, help="random seed for answers and pauses")
    args = parser.parse_args(argv)
    if args.asgi:
        args.worker_class = "uvicorn_worker.UvicornWorker"
    if not 1 <= args.students <= 20000:
        parser.error("--students must be between 1 and 20000")
    if not 1 <= args.questions <= 100:
        parser.error("--questions must be between 1 and 100")
    if not 0 <= args.ramp <= 3600:
        parser.error("--ramp must be between 0 and 3600 seconds")
    if not re.fullmatch(r"october_quiz_bench\w*", args.database):
        parser.error("--database must start with october_quiz_bench (it is dropped and created again)")
    if not args.connections:
        args.connections = 256 if args.think[1] else args.workers * args.threads
    if not args.timeout:
        pages = args.questions * (2 if args.feedback == "each" else 1) + 5
        args.timeout = 600 + args.ramp + pages * args.think[1] + args.students * pages * 0.05
    return args


# ----------------------------------------------------------------------------------------------- the database


def database_url(name: str) -> str:
    return f"{PG}/{name}"


def postgres_reachable() -> bool:
    try:
        with socket.create_connection((HOST, 5432), timeout=2):
            return True
    except OSError:
        return False


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_questions(count: int) -> tuple[list, str]:
    """count published bank questions of mixed types: the real bank when it loads, else generated ones."""
    from quizzes.bank.fixtures import BankError, load_bank
    from quizzes.models import Question

    try:
        load_bank()
        origin = "the bank in fixtures/"
    except (BankError, OSError, ValueError) as problem:
        print(f"  the bank did not load ({str(problem).splitlines()[0][:100]}); generating questions", flush=True)
        generate_questions(count)
        origin = "generated questions"
    published = list(Question.objects.published().bank().order_by("key", "id"))
    by_type = defaultdict(list)
    for question in published:
        by_type[question.type].append(question)
    chosen: list = []
    while len(chosen) < count and any(by_type.values()):
        for qtype in TYPE_ORDER:
            if by_type[qtype] and len(chosen) < count:
                chosen.append(by_type[qtype].pop(0))
    if len(chosen) < count:
        generate_questions(count - len(chosen), prefix="extra")
        return bench_questions(count)
    return chosen, origin


def generate_questions(count: int, prefix: str = "bench") -> None:
    """Questions of every type, saved with the bank loader's own save_question."""
    from quizzes.bank.fixtures import save_question
    from quizzes.models import Source

    source, _ = Source.objects.get_or_create(file_name="bench.txt", defaults={"author": "Bench", "title": "Bench"})
    sources = {"bench.txt": source}
    for n in range(count):
        qtype = TYPE_ORDER[n % len(TYPE_ORDER)]
        data: dict = {
            "key": f"{prefix}-{n}",
            "type": qtype,
            "prompt": f"Benchmark question {n} ({qtype})",
            "explanation": "Generated for the load benchmark.",
            "status": "published",
            "citations": [{"source": "bench.txt", "quote": "A generated quote."}],
        }
        data |= BENCH_ANSWERS[qtype]
        save_question(data, sources=sources, topics={})


def build_school(args: argparse.Namespace) -> tuple[list[str], int, str]:
    """Students in classes of about 30, each class with one assignment of the quiz; returns usernames."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.floor import CREATE_TABLE
    from quizzes.models import Assignment, Classroom, Enrollment, QuizSet, QuizSetItem, User

    questions, origin = bench_questions(args.questions)
    with transaction.atomic():
        password = make_password(PASSWORD)
        classes = max(1, round(args.students / CLASS_SIZE))
        teachers = User.objects.bulk_create(
            User(username=f"bench-teacher-{t:03d}", password=password, role=User.Role.TEACHER)
            for t in range((classes + 4) // 5)
        )
        rooms = Classroom.objects.bulk_create(
            Classroom(name=f"Bench class {c + 1}", teacher=teachers[c // 5]) for c in range(classes)
        )
        usernames = [f"bench-student-{s:05d}" for s in range(args.students)]
        students = User.objects.bulk_create(
            User(username=name, password=password, role=User.Role.STUDENT, first_name="Bench", last_name=str(s))
            for s, name in enumerate(usernames)
        )
        Enrollment.objects.bulk_create(
            Enrollment(classroom=rooms[s * classes // len(students)], student=student)
            for s, student in enumerate(students)
        )
        quiz_set = QuizSet.objects.create(title=f"Benchmark quiz ({len(questions)} questions)", owner=teachers[0])
        QuizSetItem.objects.bulk_create(
            QuizSetItem(quiz_set=quiz_set, question=q, position=n) for n, q in enumerate(questions, start=1)
        )
        feedback = (
            Assignment.Feedback.EACH_QUESTION if args.feedback == "each" else Assignment.Feedback.AFTER_SUBMISSION
        )
        Assignment.objects.bulk_create(
            Assignment(
                quiz_set=quiz_set,
                classroom=room,
                opens_at=timezone.now() - timedelta(hours=1),
                feedback=feedback,
                attempts_allowed=1,
            )
            for room in rooms
        )
        with connection.cursor() as cursor:
            cursor.execute(CREATE_TABLE)
    connection.close()
    return usernames, classes, origin


def check_saved(acknowledged: list[tuple[int, int]], submitted: list[int]) -> tuple[int, int]:
    """Acknowledged answers and submits that the database does not have (both should be 0)."""
    from django.db import connection

    from quizzes.models import Attempt, Response

    attempt_ids = {a for a, _ in acknowledged} | set(submitted)
    saved = set(
        Response.objects.filter(attempt_id__in=attempt_ids, answered_at__isnull=False).values_list(
            "attempt_id", "position"
        )
    )
    done = set(Attempt.objects.filter(pk__in=submitted, submitted_at__isnull=False).values_list("pk", flat=True))
    connection.close()
    return len(set(acknowledged) - saved), len(set(submitted) - done)


def floor_rows() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_floor")
        count = cursor.fetchone()[0]
    connection.close()
    return count


# ----------------------------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn in its own process group, stopped (group and all) by stop(), however the run ends."""

    def __init__(self, args: argparse.Namespace, port: int, env: dict[str, str]):
        self.command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "october_quiz.asgi:application" if args.asgi else "october_quiz.wsgi",
            "--chdir",
            str(ROOT),
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            args.worker_class,
            "--keep-alive",
            "5",
            "--backlog",
            "4096",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        self.env = env
        self.port = port
        self.process: subprocess.Popen | None = None
        self.log = OUT / "gunicorn.log"

    def start(self) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
            start_new_session=True,
        )

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5) as sock:
                    sock.sendall(f"GET /accounts/login/ HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                    if b" 200 " in sock.recv(16):
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"gunicorn did not answer within {seconds} s:\n{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        # Workers left behind by a killed master still belong to the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


# ----------------------------------------------------------------------------------------------- CPU


def cpu_snapshot(gunicorn_pid: int) -> dict:
    """CPU ticks so far of this client, of gunicorn's master and workers, of PostgreSQL's processes, and of the
    whole machine. A group's first process also carries the time of its children that have ended."""
    own: dict[str, dict[int, int]] = {"client": {}, "gunicorn": {}, "postgres": {}}
    postgres: dict[int, tuple[int, int, int]] = {}  # pid -> (parent, own ticks, ended children's ticks)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm, rest = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = rest.split()
        pid, parent = int(entry.name), int(fields[1])
        ticks, children = int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])
        if pid == os.getpid():
            own["client"][pid] = ticks
        elif pid == gunicorn_pid:
            own["gunicorn"][pid] = ticks + children
        elif parent == gunicorn_pid:
            own["gunicorn"][pid] = ticks
        elif comm.endswith("(postgres"):
            postgres[pid] = (parent, ticks, children)
    for pid, (parent, ticks, children) in postgres.items():
        own["postgres"][pid] = ticks if parent in postgres else ticks + children
    with open("/proc/stat") as stat:
        cpu = [int(n) for n in stat.readline().split()[1:9]]
    return {**own, "machine": {0: sum(cpu) - cpu[3] - cpu[4]}}  # all but idle and iowait


def cpu_seconds(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds each group used between two snapshots (processes that ended in between are not counted)."""
    hz = os.sysconf("SC_CLK_TCK")
    return {
        group: sum(ticks - before[group].get(pid, 0) for pid, ticks in after[group].items()) / hz for group in after
    }


def cpu_use(used: dict[str, float], wall: float) -> str:
    """Where the CPU went during a phase, in cores."""
    cores = {name: seconds / wall for name, seconds in used.items()} if wall else dict.fromkeys(used, 0.0)
    other = max(0.0, cores["machine"] - cores["client"] - cores["gunicorn"] - cores["postgres"])
    return (
        f"CPU in cores (of {os.cpu_count()}): gunicorn {cores['gunicorn']:.2f}, PostgreSQL {cores['postgres']:.2f}, "
        f"this client {cores['client']:.2f}, everything else {other:.2f}"
    )


# ----------------------------------------------------------------------------------------------- HTTP


class BadPage(Exception):
    """A page was not what a browser expected (a missing form, say): the student cannot go on."""


class HttpError(BadPage):
    """A 4xx or 5xx answer: already counted as a failed request."""


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer
        self.last_used = time.monotonic()
        self.open = True

    def close(self) -> None:
        self.open = False
        self.writer.close()

    async def exchange(self, request: bytes) -> Reply:
        self.writer.write(request)
        await self.writer.drain()
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as cut:
            if not cut.partial:
                raise StaleConnection from None
            raise
        lines = head.decode("latin-1").split("\r\n")
        version, status = lines[0].split(" ", 2)[:2]
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookies.append(value)
            else:
                headers[name] = value
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            body = b"".join(parts)
        else:
            body = await self.reader.read()
            self.open = False
        if headers.get("connection", "").lower() == "close" or version == "HTTP/1.0":
            self.close()
        self.last_used = time.monotonic()
        return Reply(int(status), headers, cookies, body)


class StaleConnection(ConnectionError):
    """The server had closed a kept-alive connection before reading the request: safe to send it again."""


@dataclass
class Sample:
    phase: str
    kind: str
    status: int
    latency: float
    waited: float
    ended: float


class Client:
    """HTTP/1.1 to 127.0.0.1 with kept-alive connections; at most `limit` requests in flight at once."""

    def __init__(self, port: int, limit: int, keep_alive: float = 4.0):
        self.port = port
        self.limit = asyncio.Semaphore(limit)
        self.idle: list[Connection] = []
        self.keep_alive = keep_alive
        self.samples: list[Sample] = []
        self.phase = "main"

    async def _connection(self) -> tuple[Connection, bool]:
        now = time.monotonic()
        while self.idle:
            conn = self.idle.pop()
            if conn.open and now - conn.last_used < self.keep_alive:
                return conn, True
            conn.close()
        reader, writer = await asyncio.open_connection(HOST, self.port)
        return Connection(reader, writer), False

    async def request(self, kind: str, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Reply:
        if not path.startswith("/"):
            raise BadPage(f"refusing to leave 127.0.0.1 for {path!r}")
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if method == "POST":
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        asked = time.perf_counter()
        async with self.limit:
            began = time.perf_counter()
            reply, status = None, 0
            try:
                for retry in (False, True):
                    conn, reused = await self._connection()
                    try:
                        reply = await asyncio.wait_for(conn.exchange(raw), REQUEST_TIMEOUT)
                        break
                    except StaleConnection:
                        conn.close()
                        if retry or not reused:
                            raise
                    except BaseException:
                        conn.close()
                        raise
                status = reply.status
                if conn.open:
                    self.idle.append(conn)
            finally:
                ended = time.perf_counter()
                self.samples.append(Sample(self.phase, kind, status, ended - began, began - asked, ended))
        return reply


# ----------------------------------------------------------------------------------------------- a student

TAG = re.compile(r"<(form|input|select|option|/select|/form)\b([^>]*)>", re.IGNORECASE)
ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
NEXT_LINK = re.compile(r'hx-get="\?q=(\d+)"[^>]*>Next question')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> its values (a select's options)
    kinds: dict[str, str] = field(default_factory=dict)  # name -> radio, checkbox, select, text, decimal, hidden


def forms(html: str) -> list[Form]:
    """The post forms of a page with their fields, read the way a browser reads them (enough for ours)."""
    found: list[Form] = []
    form: Form | None = None
    select: str | None = None
    for match in TAG.finditer(html):
        tag = match.group(1).lower()
        attrs = {name.lower(): value or "" for name, value in ATTR.findall(match.group(2))}
        if tag == "form":
            form = Form(action=attrs.get("action", ""))
            found.append(form)
        elif tag == "/form":
            form = None
        elif form is None:
            continue
        elif tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind == "text" and attrs.get("inputmode") == "decimal":
                kind = "decimal"
            form.kinds.setdefault(attrs["name"], kind)
            form.fields.setdefault(attrs["name"], []).append(attrs.get("value", ""))
        elif tag == "select":
            select = attrs.get("name")
            form.kinds[select] = "select"
            form.fields[select] = []
        elif tag == "option" and select and attrs.get("value"):
            form.fields[select].append(attrs["value"])
        elif tag == "/select":
            select = None
    return found


def any_answer(form: Form, rng: random.Random) -> list[tuple[str, str]]:
    """A valid answer to the question in the form (right or wrong), as a student would give it."""
    answer: list[tuple[str, str]] = []
    selects = [name for name, kind in form.kinds.items() if kind == "select"]
    if selects:
        values = list(form.fields[selects[0]])
        rng.shuffle(values)
        answer += list(zip(selects, values, strict=False))
    for name, kind in form.kinds.items():
        values = form.fields[name]
        if kind == "radio":
            answer.append((name, rng.choice(values)))
        elif kind == "checkbox":
            answer += [(name, v) for v in rng.sample(values, rng.randint(1, len(values)))]
        elif kind == "decimal":
            answer.append((name, str(rng.choice([1917, 25, 10, 2.5]))))
        elif kind == "text":
            answer.append((name, rng.choice(["Smolny", "Kerensky", "the Winter Palace", "Aurora"])))
    return answer


def page_kind(path: str) -> str:
    """What a page is, for the summary table."""
    path = path.split("?")[0]
    if path == "/":
        return "home"
    if path == "/student/":
        return "dashboard"
    if re.fullmatch(r"/attempts/\d+/", path):
        return "attempt"
    return path.rstrip("/").rsplit("/", 1)[-1] or "other"


class Student:
    """One browser: its own cookies, following redirects, swapping htmx fragments as the page would."""

    def __init__(
        self, username: str, client: Client, rng: random.Random, think: tuple[float, float], ramp: float = 0.0
    ):
        self.username = username
        self.ramp = ramp
        self.client = client
        self.rng = rng
        self.think_range = think
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.url = "/"
        self.attempt_id = 0
        self.requests = 0
        self.acknowledged: list[tuple[int, int]] = []
        self.submitted = False
        self.finished = False

    async def think(self) -> None:
        low, high = self.think_range
        if high:
            await asyncio.sleep(self.rng.uniform(low, high))

    def _headers(self, htmx: bool = False, post: bool = False) -> dict[str, str]:
        headers = {"User-Agent": "october-quiz-bench", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if post:
            headers["Origin"] = f"http://{HOST}:{self.client.port}"
            headers["Referer"] = f"http://{HOST}:{self.client.port}{self.url}"
        if htmx:
            origin = f"http://{HOST}:{self.client.port}"
            headers.update({"HX-Request": "true", "HX-Target": "quiz-card", "HX-Current-URL": origin + self.url})
            if self.token:
                headers["X-CSRFToken"] = self.token
        return headers

    async def send(self, kind: str, method: str, path: str, fields=None, htmx: bool = False) -> Reply:
        body = urlencode(fields or []).encode()
        reply = await self.client.request(kind, method, path, self._headers(htmx, method == "POST"), body)
        self.requests += 1
        for cookie in reply.cookies:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value in ('""', "") or "max-age=0" in rest.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if reply.status >= 400:
            raise HttpError(f"{method} {path} answered {reply.status}")
        if "text/html" in reply.headers.get("content-type", ""):
            tokens = TOKEN.findall(reply.text)
            if tokens:
                self.token = tokens[-1]
        return reply

    async def get(self, kind: str, path: str, htmx: bool = False) -> Reply:
        """GET a page, following redirects as a browser does (each hop is a request of its own)."""
        for _ in range(5):
            reply = await self.send(kind, "GET", path, htmx=htmx)
            if reply.status not in (301, 302, 303) or htmx:
                if not htmx:
                    self.url = path
                return reply
            path = self._local(reply.location)
            kind = page_kind(path)
        raise BadPage(f"too many redirects from {path}")

    async def post(self, kind: str, path: str, fields, htmx: bool = False) -> Reply:
        reply = await self.send(kind, "POST", path, [*fields, ("csrfmiddlewaretoken", self.token)], htmx=htmx)
        if reply.status in (301, 302, 303):
            path = self._local(reply.location)
            return await self.get(page_kind(path), path)
        return reply

    @staticmethod
    def _local(location: str) -> str:
        parts = urlsplit(location)
        if parts.hostname not in (None, HOST):
            raise BadPage(f"refusing to follow a redirect to {location}")
        return parts.path + (f"?{parts.query}" if parts.query else "")

    async def arrive(self) -> None:
        if self.ramp:
            await asyncio.sleep(self.rng.uniform(0, self.ramp))
        else:
            await self.think()

    async def take_quiz(self) -> None:
        await self.arrive()
        await self.get("login_page", "/accounts/login/")
        await self.think()
        dashboard = await self.post("login", "/accounts/login/", [("username", self.username), ("password", PASSWORD)])
        if self.url != "/student/":
            raise BadPage(f"login led to {self.url}, not the dashboard")
        start = next((f for f in forms(dashboard.text) if re.fullmatch(r"/assignments/\d+/start/", f.action)), None)
        if start is None:
            raise BadPage("no Start button on the dashboard")
        await self.think()
        page = await self.post("start", start.action, [])
        match = re.fullmatch(r"/attempts/(\d+)/", self.url.split("?")[0])
        if not match:
            raise BadPage(f"starting led to {self.url}")
        self.attempt_id = int(match.group(1))
        finish = await self.answer_all(page)
        submit = next((f for f in forms(finish.text) if f.action.endswith("/submit/")), None)
        if submit is None:
            raise BadPage("no submit form on the review page")
        await self.think()
        await self.post("submit", submit.action, [])
        self.submitted = True
        self.finished = True

    async def answer_all(self, page: Reply) -> Reply:
        """Answer every question as htmx does, until the page sends the student to review and submit."""
        finish = f"/attempts/{self.attempt_id}/finish/"
        for _ in range(300):  # bounded: at most 100 questions, two requests each with feedback
            form = next((f for f in forms(page.text) if "/questions/" in f.action), None)
            if form is not None:
                position = int(form.action.rstrip("/").rsplit("/", 1)[1])
                await self.think()
                page = await self.post("answer", form.action, any_answer(form, self.rng), htmx=True)
                self.acknowledged.append((self.attempt_id, position))
                if page.headers.get("hx-redirect"):
                    return await self.get("finish", self._local(page.headers["hx-redirect"]))
                continue
            following = NEXT_LINK.search(page.text)
            await self.think()
            if following is not None:
                page = await self.get("next", f"/attempts/{self.attempt_id}/?q={following.group(1)}", htmx=True)
            elif f'href="{finish}"' in page.text:
                return await self.get("finish", finish)
            else:
                raise BadPage(f"no question, next question or review link after {self.url}")
        raise BadPage("the quiz did not end")

    async def floor(self, count: int) -> None:
        for _ in range(count):
            await self.send("floor", "POST", "/bench/floor/", [("csrfmiddlewaretoken", self.token)])


# ----------------------------------------------------------------------------------------------- the run


async def run_students(students: list[Student], timeout: float, action) -> tuple[float, list[tuple[str, bool]]]:
    """Everyone at once; returns the wall time and each failure's message. Unfinished students fail."""
    go = asyncio.Event()

    async def one(student: Student) -> tuple[str, bool]:
        """The failure's message, if any, and whether a failed request already counts it."""
        await go.wait()
        try:
            await action(student)
        except HttpError as problem:
            return f"{student.username}: {problem}", True
        except (OSError, asyncio.IncompleteReadError) as problem:
            return f"{student.username}: {type(problem).__name__}: {problem}", True
        except Exception as problem:  # noqa: BLE001 - any other failure stops this student, and is reported
            return f"{student.username}: {type(problem).__name__}: {problem}", False
        return "", False

    tasks = [asyncio.create_task(one(s)) for s in students]
    began = time.perf_counter()
    go.set()
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    wall = time.perf_counter() - began
    problems = [t.result() for t in done if t.result()[0]]
    problems += [("a student was still going when the time ran out", False)] * len(pending)
    return wall, problems


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summarise(samples: list[Sample]) -> dict:
    latencies = [s.latency * 1000 for s in samples]
    return {
        "requests": len(samples),
        "errors": sum(1 for s in samples if not 200 <= s.status < 400),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies, default=0), 1),
        "p95_wait_ms": round(percentile([s.waited * 1000 for s in samples], 0.95), 1),
    }


def print_table(samples: list[Sample]) -> None:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    print(f"  {'request':<12}{'count':>7}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind, group in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        s = summarise(group)
        print(
            f"  {kind:<12}{s['requests']:>7}{s['errors']:>8}{s['p50_ms']:>9}{s['p95_ms']:>9}{s['p99_ms']:>9}"
            f"{s['max_ms']:>9}"
        )


async def load(args: argparse.Namespace, port: int, usernames: list[str], gunicorn: Gunicorn) -> dict:
    client = Client(port, args.connections)
    rng = random.Random(args.seed)
    students = [Student(name, client, random.Random(rng.random()), args.think, args.ramp) for name in usernames]
    client.phase = "warmup"
    await asyncio.gather(
        *(client.request("warmup", "GET", "/accounts/login/", {}) for _ in range(4 * args.connections))
    )
    client.phase = "main"
    spy = start_py_spy(gunicorn, "main") if args.py_spy else None
    before = cpu_snapshot(gunicorn.process.pid)
    progress = asyncio.create_task(report_progress(client, students)) if args.think[1] else None
    wall, problems = await run_students(students, args.timeout, Student.take_quiz)
    if progress:
        progress.cancel()
    cpu_main = cpu_seconds(before, cpu_snapshot(gunicorn.process.pid))
    stop_py_spy(spy)
    main = [s for s in client.samples if s.phase == "main"]
    result = {
        "wall": wall,
        "problems": problems,
        "students": students,
        "main": main,
        "floor": [],
        "floor_wall": 0.0,
        "cpu_main": cpu_main,
    }
    if not args.no_floor:
        client.phase = "floor"
        for conn in client.idle:
            conn.close()
        client.idle.clear()
        ready = [s for s in students if s.finished]
        spy = start_py_spy(gunicorn, "floor") if args.py_spy else None
        before = cpu_snapshot(gunicorn.process.pid)
        floor_wall, floor_problems = await run_students(
            ready, args.timeout, lambda student: student.floor(student.requests)
        )
        result["cpu_floor"] = cpu_seconds(before, cpu_snapshot(gunicorn.process.pid))
        stop_py_spy(spy)
        result.update(floor=[s for s in client.samples if s.phase == "floor"], floor_wall=floor_wall)
        result["floor_problems"] = floor_problems
    for conn in client.idle:
        conn.close()
    return result


async def report_progress(client: Client, students: list[Student], every: float = 60.0) -> None:
    """A line a minute during long runs: requests so far, failures, students done, the last minute's p95."""
    began, seen = time.perf_counter(), len(client.samples)
    while True:
        await asyncio.sleep(every)
        samples = client.samples[seen:]
        seen += len(samples)
        recent = summarise(samples)
        main = [s for s in client.samples if s.phase == "main"]
        print(
            f"  {time.perf_counter() - began:5.0f} s: {len(main)} requests, "
            f"{sum(1 for s in main if not 200 <= s.status < 400)} failed, "
            f"{sum(1 for s in students if s.finished)} of {len(students)} students submitted; "
            f"last minute {len(samples)} requests, p95 {recent['p95_ms']} ms",
            flush=True,
        )


def start_py_spy(gunicorn: Gunicorn, name: str) -> subprocess.Popen | None:
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        print("  py-spy is not installed in this virtualenv; no profile", flush=True)
        return None
    target = OUT / f"py-spy-{name}.txt"
    return subprocess.Popen(
        [
            str(spy),
            "record",
            "--pid",
            str(gunicorn.process.pid),
            "--subprocesses",
            "--format",
            "raw",
            "--rate",
            "250",
            "--output",
            str(target),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_py_spy(spy: subprocess.Popen | None) -> None:
    if spy is None:
        return
    spy.send_signal(signal.SIGINT)
    try:
        spy.wait(timeout=30)
    except subprocess.TimeoutExpired:
        spy.kill()


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    if not postgres_reachable():
        print(f"PostgreSQL is not reachable at {HOST}:5432", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    lock = (OUT / f"{args.database}.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"Another run is using the database {args.database}; wait, or give --database with another name.")
        return 2
    port = args.port or free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(args.database),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "BENCH_STATIC_ROOT": str(OUT / "static"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
    }
    gunicorn = Gunicorn(args, port, env)

    def stop_on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    think = f"{args.think[0]:g}-{args.think[1]:g} s" if args.think[1] else "none"
    print(
        f"Classroom benchmark: {args.students} students, {args.questions} questions, think {think}, "
        f"arriving {f'over {args.ramp:g} s' if args.ramp else 'at once'}, "
        f"feedback {args.feedback}; gunicorn {args.worker_class} {args.workers}x{args.threads} on {HOST}:{port}, "
        f"at most {args.connections} requests in flight",
        flush=True,
    )
    began = time.monotonic()
    try:
        recreate_database(args.database)
        setup_django(env)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        usernames, classes, origin = build_school(args)
        print(
            f"  database {args.database} ready in {time.monotonic() - began:.1f} s: {len(usernames)} students "
            f"in {classes} classes, quiz from {origin}",
            flush=True,
        )
        gunicorn.start()
        gunicorn.wait_ready()
        result = asyncio.run(load(args, port, usernames, gunicorn))
        gunicorn.stop()
        students = result["students"]
        acknowledged = [pair for s in students for pair in s.acknowledged]
        lost_answers, lost_submits = check_saved(acknowledged, [s.attempt_id for s in students if s.submitted])
        floor_saved = floor_rows()
    except KeyboardInterrupt:
        print("Interrupted: stopping gunicorn", file=sys.stderr)
        return 130
    finally:
        gunicorn.stop()
        if not args.keep:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            with contextlib.suppress(Exception):
                drop_database(args.database)
    return report(args, result, lost_answers, lost_submits, floor_saved)


def report(args: argparse.Namespace, result: dict, lost_answers: int, lost_submits: int, floor_saved: int) -> int:
    main, floor = result["main"], result["floor"]
    m = summarise(main)
    rps = len(main) / result["wall"] if result["wall"] else 0.0
    finished = sum(1 for s in result["students"] if s.finished)
    print(
        f"\nStudents: {finished} of {args.students} submitted in {result['wall']:.1f} s "
        f"({len(main)} requests, {rps:.0f} requests/s)"
    )
    print_table(main)
    for problem, _ in result["problems"][:10]:
        print(f"  ! {problem}")
    if len(result["problems"]) > 10:
        print(f"  ! ... and {len(result['problems']) - 10} more")
    print(f"  p95 wait for a free connection: {m['p95_wait_ms']} ms (not included in the latencies above)")
    print(f"  {cpu_use(result['cpu_main'], result['wall'])}")
    app_cpu_ms = 1000 * result["cpu_main"]["gunicorn"] / len(main) if main else 0.0
    print(f"  gunicorn CPU per request: {app_cpu_ms:.1f} ms")
    errors = m["errors"] + sum(1 for _, counted in result["problems"] if not counted)
    print(
        f"  acknowledged answers: {sum(len(s.acknowledged) for s in result['students'])}, "
        f"lost: {lost_answers}; submits lost: {lost_submits}"
    )
    f = summarise(floor) if floor else None
    floor_cpu_ms = 0.0
    floor_rps = len(floor) / result["floor_wall"] if floor and result["floor_wall"] else 0.0
    if f:
        floor_acked = sum(1 for s in floor if 200 <= s.status < 400)
        print(
            f"\nFloor (one INSERT per logged-in POST): {len(floor)} requests in {result['floor_wall']:.1f} s "
            f"({floor_rps:.0f} requests/s), p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms, p99 {f['p99_ms']} ms, "
            f"errors {f['errors']}, rows saved {floor_saved} of {floor_acked} acknowledged"
        )
        print(f"  {cpu_use(result['cpu_floor'], result['floor_wall'])}")
        floor_cpu_ms = 1000 * result["cpu_floor"]["gunicorn"] / len(floor)
        print(f"  gunicorn CPU per request: {floor_cpu_ms:.1f} ms")
        errors += f["errors"] + sum(1 for _, counted in result.get("floor_problems", []) if not counted)
    ratio = rps / floor_rps if floor_rps else 0.0
    print(f"\nratio (quiz requests/s over floor requests/s): {ratio:.2f}")
    summary = {
        "students": args.students,
        "requests": len(main),
        "errors": errors,
        "lost_answers": lost_answers + lost_submits,
        "rps": round(rps, 1),
        "p50_ms": m["p50_ms"],
        "p95_ms": m["p95_ms"],
        "p99_ms": m["p99_ms"],
        "floor_rps": round(floor_rps, 1),
        "ratio": round(ratio, 3),
        "questions": args.questions,
        "think": list(args.think),
        "ramp_s": args.ramp,
        "connections": args.connections,
        "gunicorn": f"{args.worker_class} {args.workers}x{args.threads}",
        "p95_wait_ms": m["p95_wait_ms"],
        "floor_p95_ms": f["p95_ms"] if f else None,
        "wall_s": round(result["wall"], 1),
        "cpu_ms_per_request": round(app_cpu_ms, 2),
        "floor_cpu_ms_per_request": round(floor_cpu_ms, 2),
        "cpu_ratio": round(floor_cpu_ms / app_cpu_ms, 3) if app_cpu_ms else None,
    }
    print(json.dumps(summary), flush=True)
    return 0 if errors == 0 and lost_answers + lost_submits == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
