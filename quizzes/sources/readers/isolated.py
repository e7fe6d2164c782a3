"""Running a reader in a child process that is killed at a deadline.

pypdf cannot be interrupted inside a page, and a PDF of a few kilobytes can hold a page whose compressed drawing
instructions take pypdf minutes to walk through; only a separate process can be stopped. The child is forked (it
starts at once, with the reader already imported), may use at most MEMORY_BYTES more memory than the parent had (a
PDF may hold many streams that each inflate to pypdf's limit of 75 MB), answers through a pipe, and exits without
touching the parent's database connections. Where fork is not available the reader runs in the calling process."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable

from quizzes.sources.ingest import UnreadableSource

Reader = Callable[[bytes], list[str]]
MEMORY_BYTES = 2 * 1024**3


def run_with_deadline(reader: Reader, data: bytes, *, seconds: float, too_slow: str, failed: str) -> list[str]:
    """reader(data), or UnreadableSource(too_slow) if it has not answered within `seconds`, or
    UnreadableSource(failed) if the child died (killed for its memory, say)."""
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
        return reader(data)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_answer, args=(sender, reader, data, failed), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise UnreadableSource(too_slow)
        kind, payload = receiver.recv()
    except (EOFError, OSError) as error:
        raise UnreadableSource(failed) from error
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "refused":
        raise UnreadableSource(payload)
    return payload


def _answer(sender, reader: Reader, data: bytes, failed: str) -> None:
    # A collection would walk (and so copy) every object inherited from the parent; the child lives seconds at most.
    gc.disable()
    _limit_memory()
    try:
        answer = ("read", reader(data))
    except UnreadableSource as refusal:
        answer = ("refused", str(refusal))
    except BaseException:  # noqa: BLE001 - whatever happens in the child, the parent gets a refusal to show
        answer = ("refused", failed)
    try:
        sender.send(answer)
        sender.close()
    finally:
        os._exit(0)  # no atexit handlers, no closing of connections inherited from the parent


def _limit_memory() -> None:
    """Caps the child's address space at what it inherited plus MEMORY_BYTES: past that, MemoryError."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = inherited + MEMORY_BYTES
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # not Linux: the deadline still holds
