"""Login throttling: repeated failed logins for one account or one address are refused for a while (cache-based)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class ThrottleRule:
    limit: int
    window_seconds: int


def _rules() -> dict[str, ThrottleRule]:
    config = getattr(settings, "LOGIN_THROTTLE", {})
    return {
        "user": ThrottleRule(config.get("user_limit", 5), config.get("window_seconds", 900)),
        "address": ThrottleRule(config.get("address_limit", 30), config.get("window_seconds", 900)),
    }


def _keys(username: str, address: str) -> dict[str, str]:
    return {
        "user": f"login-fail:user:{username.strip().lower()[:150]}",
        "address": f"login-fail:addr:{address}",
    }


def login_blocked(username: str, address: str) -> bool:
    """True when this account or this address has failed too often within the window."""
    rules = _rules()
    return any(cache.get(key, 0) >= rules[kind].limit for kind, key in _keys(username, address).items())


def login_failed(username: str, address: str) -> None:
    rules = _rules()
    for kind, key in _keys(username, address).items():
        if not cache.add(key, 1, rules[kind].window_seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, rules[kind].window_seconds)


def login_succeeded(username: str) -> None:
    cache.delete(_keys(username, "")["user"])


def block_minutes() -> int:
    return max(1, _rules()["user"].window_seconds // 60)
