"""A server restart in the middle of a quiz loses no acknowledged answer (gunicorn killed with SIGKILL)."""

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of a browser: cookies, CSRF tokens, no redirects followed automatically."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str):
        return self.opener.open(self.base + path, timeout=10)

    def post(self, path: str, fields: list[tuple[str, str]]):
        data = urllib.parse.urlencode([*fields, ("csrfmiddlewaretoken", self.csrf())]).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})
        try:
            return self.opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            return error


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def any_valid_answer(html: str) -> list[tuple[str, str]]:
    """A valid answer for the question on the page, whatever its type."""
    slots = re.findall(r'name="(slot-\d+|match-\d+)"', html)
    if slots:
        return [(name, str(n)) for n, name in enumerate(slots)]
    radio = re.search(r'type="(?:radio|checkbox)" name="(\w+)" value="(\w+)"', html)
    if radio:
        return [radio.groups()]
    return [("answer", "10")]


def wait_for(port: int, process) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("gunicorn did not start")


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this environment")
def test_answers_acknowledged_before_a_crash_are_there_after_the_restart(tmp_path):
    database = tmp_path / "restart.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "october_quiz.settings.dev",
        "DEBUG": "false",
    }
    subprocess.run([sys.executable, "manage.py", "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    command = [str(GUNICORN), "october_quiz.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]

    def start():
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for(port, server)
        return server

    server = start()
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.get("/accounts/login/")
        assert (
            browser.post("/accounts/login/", [("username", "demo-student"), ("password", "october1917")]).status == 302
        )
        dashboard = browser.get("/student/").read().decode()
        start_path = re.search(r'action="(/assignments/\d+/start/)"', dashboard).group(1)
        attempt_path = browser.post(start_path, []).headers["Location"]
        acknowledged = 0
        for position in (1, 2, 3):
            page = browser.get(f"{attempt_path}?q={position}").read().decode()
            answered = browser.post(f"{attempt_path}questions/{position}/", any_valid_answer(page))
            assert answered.status == 302, answered.read()[:500]
            acknowledged += 1
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        for child in subprocess.run(
            ["pgrep", "-f", f"127.0.0.1:{port}"], capture_output=True, text=True
        ).stdout.split():
            os.kill(int(child), signal.SIGKILL)
        time.sleep(0.5)
        server = start()
        page = browser.get(attempt_path).read().decode()
        assert "Question 4 of" in page
        with sqlite3.connect(database) as db:
            saved = db.execute("SELECT count(*) FROM quizzes_response WHERE answered_at IS NOT NULL").fetchone()[0]
        assert saved == acknowledged
    finally:
        server.kill()
        subprocess.run(["pkill", "-9", "-f", f"127.0.0.1:{port}"], check=False)
