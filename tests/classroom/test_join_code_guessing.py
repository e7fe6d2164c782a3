"""Class codes cannot be found by trying: wrong codes count per account and per address, and past the limit
joining and signing up answer 429, even with a right code."""

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Enrollment, User
from tests import factories
from tests.conftest import HTMX, service_reachable

PER_ACCOUNT, PER_ADDRESS = 10, 100  # settings.JOIN_CODE_THROTTLE
SCHOOL = "192.0.2.10"


def student_at(address: str, username: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(factories.UserFactory(username=username))
    return client


def signup(client: Client, username: str, code: str, **extra):
    password = "a-long-Passphrase-1917"
    data = {"first_name": "Nadia", "username": username, "password1": password, "password2": password}
    return client.post(reverse("signup"), data | {"join_code": code}, **extra)


def wrong_codes(count: int) -> list[str]:
    return [f"ZZZ{n:03d}" for n in range(count)]


def test_guessing_codes_while_logged_in_is_refused_with_429_past_the_limit(school):
    guesser = student_at(SCHOOL, "guesser")
    answers = [guesser.post(reverse("join"), {"join_code": code}).status_code for code in wrong_codes(PER_ACCOUNT)]
    assert answers == [422] * PER_ACCOUNT
    refused = guesser.post(reverse("join"), {"join_code": school.classroom.join_code})  # even the right one
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many wrong class codes from here. Wait 15 minutes" in page
    assert school.classroom.join_code not in page and "No open class" not in page  # the code was not tried
    assert not Enrollment.objects.filter(student__username="guesser").exists()
    htmx = guesser.post(reverse("join"), {"join_code": school.classroom.join_code}, headers=HTMX)
    assert htmx.status_code == 429


def test_the_account_limit_follows_the_student_to_another_address(school):
    guesser = factories.UserFactory(username="guesser")
    for n, code in enumerate(wrong_codes(PER_ACCOUNT)):
        client = Client(REMOTE_ADDR=f"203.0.113.{n}")
        client.force_login(guesser)
        client.post(reverse("join"), {"join_code": code})
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    elsewhere.force_login(guesser)
    assert elsewhere.post(reverse("join"), {"join_code": school.classroom.join_code}).status_code == 429


def test_a_student_who_mistypes_a_few_times_still_gets_in(school):
    student = student_at(SCHOOL, "nadia")
    for typo in ("ABC12", "abc-123", "QQQQQQ"):
        assert student.post(reverse("join"), {"join_code": typo}).status_code == 422
    assert student.post(reverse("join"), {"join_code": school.classroom.join_code.lower()}).status_code == 302
    assert Enrollment.objects.filter(student__username="nadia", classroom=school.classroom).exists()


def test_a_class_behind_one_address_can_all_join_after_one_student_is_throttled(school):
    guesser = student_at(SCHOOL, "guesser")
    for code in wrong_codes(PER_ACCOUNT):
        guesser.post(reverse("join"), {"join_code": code})
    for n in range(30):
        pupil = student_at(SCHOOL, f"pupil{n}")
        pupil.post(reverse("join"), {"join_code": "TYPO00"})
        assert pupil.post(reverse("join"), {"join_code": school.classroom.join_code}).status_code == 302, n


def test_one_address_guessing_with_many_accounts_is_refused_past_the_address_limit(school):
    for n in range(PER_ADDRESS // PER_ACCOUNT):
        guesser = student_at(SCHOOL, f"guesser{n}")
        for code in wrong_codes(PER_ACCOUNT):
            guesser.post(reverse("join"), {"join_code": code})
    fresh = student_at(SCHOOL, "fresh-account")
    assert fresh.post(reverse("join"), {"join_code": school.classroom.join_code}).status_code == 429
    from_home = student_at("198.51.100.7", "at-home")
    assert from_home.post(reverse("join"), {"join_code": school.classroom.join_code}).status_code == 302


def test_guessing_codes_at_signup_is_refused_past_the_address_limit(school):
    outsider = Client(REMOTE_ADDR="203.0.113.66")
    answers = [signup(outsider, f"nadia{n}", code).status_code for n, code in enumerate(wrong_codes(PER_ADDRESS))]
    assert answers == [422] * PER_ADDRESS
    refused = signup(outsider, "nadia", school.classroom.join_code)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many wrong class codes or taken usernames from here" in page
    assert 'value="nadia"' in page and "a-long-Passphrase-1917" not in page  # what was typed stays, not passwords
    assert not User.objects.filter(username="nadia").exists()
    assert signup(Client(REMOTE_ADDR=SCHOOL), "nadia", school.classroom.join_code).status_code == 302


def test_a_spoofed_x_forwarded_for_does_not_give_a_fresh_allowance(school, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for n, code in enumerate(wrong_codes(PER_ADDRESS)):
        signup(Client(REMOTE_ADDR=SCHOOL, headers={"X-Forwarded-For": f"203.0.113.{n}"}), f"n{n}", code)
    again = Client(REMOTE_ADDR=SCHOOL, headers={"X-Forwarded-For": "198.51.100.250"})
    assert signup(again, "nadia", school.classroom.join_code).status_code == 429


@pytest.mark.skipif(not service_reachable(6379), reason="Redis is not reachable at 127.0.0.1:6379 (CI starts it)")
def test_with_redis_as_the_cache_every_app_process_sees_the_same_counts(school, settings):
    """Production counts in Redis, so a second app process (here: a second connection) refuses too."""
    import redis
    from django.core.cache import caches

    location = "redis://127.0.0.1:6379/15"  # a database of its own, emptied here
    raw = redis.Redis.from_url(location)
    raw.flushdb()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    try:
        guesser = student_at(SCHOOL, "guesser")
        for code in wrong_codes(PER_ACCOUNT):
            guesser.post(reverse("join"), {"join_code": code})
        assert raw.dbsize() > 0  # the counts are in Redis, not in this process
        caches["default"].close()  # as if another process asked: a new connection
        assert guesser.post(reverse("join"), {"join_code": school.classroom.join_code}).status_code == 429
    finally:
        raw.flushdb()
