"""quizzes.throttle: the client's address behind trusted proxies, and refusal counters in the cache."""

import pytest

from quizzes.throttle import Throttle, client_address


def request_from(rf, remote: str = "192.0.2.10", **meta):
    request = rf.get("/")
    request.META["REMOTE_ADDR"] = remote
    request.META.update(meta)
    return request


def test_with_no_trusted_proxy_the_address_is_remote_addr_whatever_the_headers_say(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = request_from(rf, HTTP_X_FORWARDED_FOR="203.0.113.5", HTTP_X_REAL_IP="203.0.113.6")
    assert client_address(request) == "192.0.2.10"


@pytest.mark.parametrize(
    ("hops", "forwarded", "client"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # the left entry came from the client: ignored
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.3", "203.0.113.5"),  # the outer proxy saw 203.0.113.5
        (2, "203.0.113.5", "192.0.2.10"),  # fewer entries than proxies: it did not pass through them all
        (1, "", "192.0.2.10"),
        (1, "not-an-address", "192.0.2.10"),
        (1, "203.0.113.5:51234", "203.0.113.5"),  # a load balancer that adds the port
        (1, "[2001:db8::5]:51234", "2001:db8::5"),
        (1, "2001:DB8:0::5", "2001:db8::5"),
    ],
)
def test_behind_trusted_proxies_the_address_is_read_from_the_right(rf, settings, hops, forwarded, client):
    settings.TRUSTED_PROXY_COUNT = hops
    assert client_address(request_from(rf, HTTP_X_FORWARDED_FOR=forwarded)) == client


def test_the_forwarding_header_is_a_setting(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    request = request_from(rf, HTTP_X_FORWARDED_FOR="198.51.100.1", HTTP_X_REAL_IP="203.0.113.5")
    assert client_address(request) == "203.0.113.5"


def test_no_usable_remote_addr_is_none(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from(rf, remote="")) is None


def test_a_throttle_refuses_at_its_limit_and_counts_per_key():
    sasha, misha = Throttle("test:sasha", 3, 60), Throttle("test:misha", 3, 60)
    for _ in range(2):
        sasha.record()
    assert not sasha.reached()
    sasha.record()
    assert sasha.reached() and not misha.reached()
    assert Throttle("test:x", 1, 59).minutes == 1 and Throttle("test:x", 1, 900).minutes == 15
