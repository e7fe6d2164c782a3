"""The live benchmark runs end to end on PostgreSQL and Redis: 20 students over two app processes, no errors, no
acknowledged answer lost, every reconnect restored, a killed process's students carried on by the other."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import service_reachable

ROOT = Path(__file__).resolve().parents[2]
SUMMARY_KEYS = {
    "students",
    "processes",
    "questions",
    "answers_acknowledged",
    "answers_lost",
    "errors",
    "fanout_p50_ms",
    "fanout_p95_ms",
    "fanout_max_ms",
    "reconnects",
    "reconnects_restored",
    "process_killed",
    "killed_students_restored",
}


@pytest.mark.skipif(not service_reachable(5432), reason="PostgreSQL is not reachable at 127.0.0.1:5432")
@pytest.mark.skipif(not service_reachable(6379), reason="Redis is not reachable at 127.0.0.1:6379")
def test_twenty_students_follow_a_live_session_over_two_processes_and_lose_nothing():
    run = subprocess.run(
        [
            sys.executable,
            "bench/live.py",
            "--students",
            "20",
            "--questions",
            "4",
            "--database",
            f"october_quiz_bench_live_ci_{os.getpid()}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    report = f"stdout:\n{run.stdout[-3000:]}\nstderr:\n{run.stderr[-3000:]}"
    lines = run.stdout.strip().splitlines()
    assert lines and lines[-1].startswith("{"), report
    summary = json.loads(lines[-1])
    assert summary.keys() == SUMMARY_KEYS, report
    assert summary["students"] == 20
    assert summary["processes"] == 2
    assert summary["errors"] == 0, report
    assert summary["answers_acknowledged"] == 20 * 4, report
    assert summary["answers_lost"] == 0, report
    assert summary["reconnects"] == 2, report
    assert summary["reconnects_restored"] == 2, report
    assert summary["process_killed"] is True, report
    assert summary["killed_students_restored"] > 0, report
    assert summary["fanout_p50_ms"] > 0, report
    assert run.returncode == 0, report
