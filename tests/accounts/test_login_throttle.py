"""Repeated failed logins are refused for a while, per account and per address."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.conftest import service_reachable


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_five_wrong_passwords_block_the_account_even_with_the_right_one(db):
    factories.UserFactory(username="sasha")
    client = Client()
    for _ in range(5):
        assert client.post(reverse("login"), {"username": "sasha", "password": "wrong"}).status_code == 422
    blocked = client.post(reverse("login"), {"username": "sasha", "password": "october1917"})
    assert blocked.status_code == 429
    assert "Too many failed logins" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_account_from_another_address_is_not_blocked(db):
    factories.UserFactory(username="sasha")
    factories.UserFactory(username="misha")
    for _ in range(5):
        Client(REMOTE_ADDR="10.0.0.1").post(reverse("login"), {"username": "sasha", "password": "wrong"})
    ok = Client(REMOTE_ADDR="10.0.0.2").post(reverse("login"), {"username": "misha", "password": "october1917"})
    assert ok.status_code == 302


def test_one_address_trying_many_accounts_is_blocked(db, settings):
    settings.LOGIN_THROTTLE = {"address_limit": 3, "user_limit": 5, "window_seconds": 900}
    factories.UserFactory(username="sasha")
    client = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(3):
        client.post(reverse("login"), {"username": f"guess{n}", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "sasha", "password": "october1917"}).status_code == 429


def test_a_successful_login_clears_the_failures(db):
    factories.UserFactory(username="sasha")
    client = Client()
    for _ in range(4):
        client.post(reverse("login"), {"username": "sasha", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "sasha", "password": "october1917"}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post(reverse("login"), {"username": "sasha", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "sasha", "password": "october1917"}).status_code == 302


@pytest.mark.skipif(not service_reachable(6379), reason="Redis is not reachable at 127.0.0.1:6379 (CI starts it)")
def test_with_redis_as_the_cache_every_app_process_sees_the_same_failures(db, settings):
    """Production counts failures in Redis, so a second app process (here: a second connection) refuses too."""
    import redis

    location = "redis://127.0.0.1:6379/15"  # a database of its own, emptied here
    raw = redis.Redis.from_url(location)
    raw.flushdb()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    factories.UserFactory(username="sasha")
    try:
        for _ in range(5):
            Client(REMOTE_ADDR="10.0.0.1").post(reverse("login"), {"username": "sasha", "password": "wrong"})
        assert raw.dbsize() > 0  # the counts are in Redis, not in this process
        from django.core.cache import caches

        caches["default"].close()  # as if another process asked: a new connection
        blocked = Client(REMOTE_ADDR="10.0.0.2").post(
            reverse("login"), {"username": "sasha", "password": "october1917"}
        )
        assert blocked.status_code == 429
    finally:
        raw.flushdb()
