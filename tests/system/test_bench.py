"""The classroom load benchmark runs end to end on PostgreSQL: 20 students, no errors, no acknowledged answer lost."""

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
    "requests",
    "errors",
    "lost_answers",
    "rps",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "floor_rps",
    "ratio",
}


@pytest.mark.skipif(not service_reachable(5432), reason="PostgreSQL is not reachable at 127.0.0.1:5432")
@pytest.mark.skipif(
    not Path(sys.executable).with_name("gunicorn").exists(), reason="gunicorn is not installed in this environment"
)
def test_twenty_students_take_the_quiz_at_once_with_no_errors_and_no_lost_answers():
    run = subprocess.run(
        [
            sys.executable,
            "bench/classroom.py",
            "--students",
            "20",
            "--database",
            f"october_quiz_bench_ci_{os.getpid()}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    report = f"stdout:\n{run.stdout[-3000:]}\nstderr:\n{run.stderr[-3000:]}"
    lines = run.stdout.strip().splitlines()
    assert lines, report
    summary = json.loads(lines[-1])
    assert summary.keys() >= SUMMARY_KEYS, report
    assert summary["students"] == 20
    assert summary["requests"] >= 20 * 15, report
    assert summary["errors"] == 0, report
    assert summary["lost_answers"] == 0, report
    assert summary["floor_rps"] > 0, report
    assert run.returncode == 0, report
