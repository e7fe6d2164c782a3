"""Throttling by client: the address a request came from (behind trusted proxies), and counters of refusals kept
in the cache so that guessing is slow."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from, or None when there is no usable one.

    With no trusted proxy (TRUSTED_PROXY_COUNT = 0, the default) that is REMOTE_ADDR, and headers are ignored: a
    client may send any X-Forwarded-For it likes. Behind TRUSTED_PROXY_COUNT reverse proxies, REMOTE_ADDR is the
    nearest proxy's address (gunicorn never rewrites it: its --forwarded-allow-ips only decides who may set the
    scheme headers such as X-Forwarded-Proto), and each proxy appends the address it received the request from to
    TRUSTED_PROXY_HEADER. The client is then the entry that many places from the right: that one was written by
    our outermost proxy, while whatever stands further left came from the client and is ignored. A header with
    fewer entries did not pass through every proxy, so REMOTE_ADDR is used. Counted as django-axes' client address
    too (AXES_CLIENT_IP_CALLABLE), so logins and join codes are throttled by the same address.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    meta_key = "HTTP_" + settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    forwarded = [entry.strip() for entry in request.META.get(meta_key, "").split(",") if entry.strip()]
    if len(forwarded) < hops:
        return remote
    return _address(forwarded[-hops]) or remote


def proxy_trust_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: production trusts X-Forwarded-Proto from a proxy, so a proxy is likely in front; if no
    proxy is trusted for addresses, every client has the proxy's address and the throttles count them as one."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and settings.TRUSTED_PROXY_COUNT <= 0:
        return [
            checks.Warning(
                "SECURE_PROXY_SSL_HEADER is set but TRUSTED_PROXY_COUNT is 0: behind a reverse proxy every client "
                "has the proxy's address, so login and class-code throttles would count a whole school as one.",
                hint="Set TRUSTED_PROXY_COUNT to the number of reverse proxies in front of the app "
                "(and TRUSTED_PROXY_HEADER if they do not append to X-Forwarded-For).",
                id="quizzes.W001",
            )
        ]
    return []


def _address(text: str) -> str | None:
    """An IP address in its standard spelling, also from "1.2.3.4:5678" or "[2001:db8::1]:5678" (some load
    balancers add the port); None for anything else."""
    candidates = [text]
    if text.startswith("[") and "]" in text:
        candidates.append(text[1 : text.index("]")])
    elif text.count(":") == 1:
        candidates.append(text.split(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class Throttle:
    """At most `limit` refusals for one key (an account, an address) within `window_seconds` of the first of
    them. The counts live in the default cache: Redis in production (REDIS_URL), so every app process sees the
    same counts; without Redis each process counts on its own."""

    key: str
    limit: int
    window_seconds: int

    def reached(self) -> bool:
        return cache.get(self.key, 0) >= self.limit

    def record(self) -> None:
        """One more refusal; the window starts with the first."""
        if not cache.add(self.key, 1, self.window_seconds):
            try:
                cache.incr(self.key)
            except ValueError:  # expired between add and incr
                cache.set(self.key, 1, self.window_seconds)

    @property
    def minutes(self) -> int:
        return max(1, self.window_seconds // 60)
