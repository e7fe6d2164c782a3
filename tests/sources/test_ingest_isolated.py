"""The child process a reader runs in: its answer or refusal comes back, and it is stopped by time and by memory."""

import os
import time

import pytest

from quizzes.sources.ingest import UnreadableSource
from quizzes.sources.readers import isolated

LIMITS = {"seconds": 5.0, "too_slow": "Too slow.", "failed": "It failed."}


def run(reader, **limits) -> list[str]:
    return isolated.run_with_deadline(reader, b"data", **{**LIMITS, **limits})


def test_the_childs_paragraphs_come_back_from_another_process():
    assert run(lambda data: [data.decode(), str(os.getpid())])[1] != str(os.getpid())


def test_the_childs_refusal_comes_back_with_its_message():
    def refuse(data):
        raise UnreadableSource("A clear reason.")

    with pytest.raises(UnreadableSource, match="A clear reason."):
        run(refuse)


def test_any_other_error_in_the_child_becomes_the_failed_message():
    with pytest.raises(UnreadableSource, match="It failed."):
        run(lambda data: [1 / 0])


def test_a_child_past_its_deadline_is_killed():
    started = time.perf_counter()
    with pytest.raises(UnreadableSource, match="Too slow."):
        run(lambda data: time.sleep(60), seconds=0.5)
    assert time.perf_counter() - started < 3


def test_a_child_that_asks_for_too_much_memory_is_refused(monkeypatch):
    monkeypatch.setattr(isolated, "MEMORY_BYTES", 200 * 1024**2)
    with pytest.raises(UnreadableSource, match="It failed."):
        run(lambda data: [str(len(bytearray(1024**3)))])


def test_a_child_that_dies_is_refused():
    with pytest.raises(UnreadableSource, match="It failed."):
        run(lambda data: os._exit(3))
