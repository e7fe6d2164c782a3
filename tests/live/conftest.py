"""Fixtures of the live tests whose code runs in other threads than the test's (the event stream's)."""

import time

import pytest
from django.db import connection


@pytest.fixture
def no_connection_left_open(transactional_db):
    """On PostgreSQL, a test leaves no database connection open but the test thread's own: the stream reads from
    other threads (the event loop's, an executor's), and a connection those threads leave open outlives them until
    the garbage collector finds it; sixteen of them kept the test database from being dropped at the end."""
    yield
    if connection.vendor != "postgresql":
        return
    others = "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
    deadline = time.monotonic() + 2  # a connection closed a moment ago may still be on its way out
    while True:
        with connection.cursor() as cursor:
            cursor.execute(others)
            (count,) = cursor.fetchone()
        if count == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert count == 0, f"{count} database connection(s) left open by other threads"
