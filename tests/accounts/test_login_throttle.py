"""Logins are throttled by django-axes: failures count per account and address together, for every login form."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from quizzes.accounts.lockout import login_username
from tests import factories

LIMIT = 10  # settings.AXES_FAILURE_LIMIT
PASSWORD = "october1917"  # the factories' password
SCHOOL = "192.0.2.10"  # one address for a whole school behind NAT
HOME = "198.51.100.7"


def log_in(username: str, password: str, address: str = SCHOOL, url: str = "", **headers):
    return Client(REMOTE_ADDR=address, headers=headers).post(
        url or reverse("login"), {"username": username, "password": password}
    )


def fail(times: int, username: str, address: str = SCHOOL, url: str = "", **headers) -> list[int]:
    return [log_in(username, "wrong-guess", address, url, **headers).status_code for _ in range(times)]


@pytest.fixture
def sasha(db):
    return factories.UserFactory(username="sasha")


def test_wrong_passwords_lock_the_account_from_that_address_even_with_the_right_one(client, sasha):
    assert fail(LIMIT - 1, "sasha") == [422] * (LIMIT - 1)
    assert fail(1, "sasha") == [429]  # the tenth failure already answers with the lockout page
    client = Client(REMOTE_ADDR=SCHOOL)
    blocked = client.post(reverse("login"), {"username": "sasha", "password": PASSWORD})
    assert blocked.status_code == 429
    page = blocked.content.decode()
    assert "Too many failed logins for this account from here. Wait 15 minutes" in page
    assert 'name="username"' in page and 'value="sasha"' in page  # the login form again, plain HTML
    assert "_auth_user_id" not in client.session


def test_the_owner_logs_in_from_another_address_while_the_attacker_is_locked_out(sasha):
    fail(LIMIT, "sasha", address="203.0.113.66")
    assert log_in("sasha", PASSWORD, address="203.0.113.66").status_code == 429
    assert log_in("sasha", PASSWORD, address=HOME).status_code == 302


def test_unicode_variants_of_a_username_share_one_counter(sasha):
    """Django's login form applies NFKC, so each of these logs in as sasha; each used to get a counter of its own."""
    variants = ["sasha", "ｓａｓｈａ", "𝐬𝐚𝐬𝐡𝐚", "𝘴𝘢𝘴𝘩𝘢", "ｓasha"]
    assert log_in("ｓａｓｈａ", PASSWORD).status_code == 302  # the same account, not a lookalike
    for n in range(LIMIT):
        log_in(variants[n % len(variants)], "wrong-guess")
    for variant in variants:
        assert log_in(variant, PASSWORD).status_code == 429, variant
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"sasha"}


def test_the_admin_login_is_throttled_and_shares_the_counter(db):
    factories.UserFactory(username="head", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    fail(LIMIT // 2, "head", url=admin_login)
    fail(LIMIT - LIMIT // 2, "ｈｅａｄ")  # the rest through our own login form, in fullwidth letters
    client = Client(REMOTE_ADDR=SCHOOL)
    refused = client.post(admin_login, {"username": "head", "password": PASSWORD, "next": "/admin/"})
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # still not logged in


def test_the_admin_login_alone_locks_after_the_limit(db):
    factories.UserFactory(username="head", is_staff=True, is_superuser=True)
    assert fail(LIMIT, "head", url=reverse("admin:login"))[-1] == 429
    assert log_in("head", PASSWORD, url=reverse("admin:login")).status_code == 429
    assert log_in("head", PASSWORD, address=HOME, url=reverse("admin:login")).status_code == 302


def test_a_whole_class_behind_one_school_address_logs_in_at_once(db):
    factories.UserFactory(username="sasha")
    students = [factories.UserFactory(username=f"pupil{n}") for n in range(30)]
    fail(LIMIT, "sasha")  # a classmate guessing sasha's password locks only sasha, only from here
    for pupil in students[:5]:
        fail(3, pupil.username)  # others mistype theirs a few times
    for guess in range(40):
        log_in(f"no-such-pupil-{guess}", "wrong-guess")  # and someone tries names that do not exist
    clients = [Client(REMOTE_ADDR=SCHOOL) for _ in students]
    answers = [
        client.post(reverse("login"), {"username": pupil.username, "password": PASSWORD})
        for client, pupil in zip(clients, students, strict=True)
    ]
    assert [answer.status_code for answer in answers] == [302] * 30
    assert all("_auth_user_id" in client.session for client in clients)


def test_a_spoofed_x_forwarded_for_is_ignored_when_no_proxy_is_trusted(sasha, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for n in range(LIMIT):
        log_in("sasha", "wrong-guess", **{"X-Forwarded-For": f"203.0.113.{n}"})  # a new "address" each time
    assert log_in("sasha", PASSWORD, **{"X-Forwarded-For": "198.51.100.200"}).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {SCHOOL}


def test_behind_a_trusted_proxy_the_address_it_forwards_is_the_client(db, settings):
    """Every request comes from the proxy; the client is the entry the proxy appended, and a client cannot shift
    its counter by sending an X-Forwarded-For of its own (the proxy appends after it)."""
    settings.TRUSTED_PROXY_COUNT = 1
    factories.UserFactory(username="sasha")
    proxy, attacker = "10.0.0.2", "203.0.113.66"
    for n in range(LIMIT):
        spoofed = f"198.51.100.{n}, {attacker}"  # what the proxy passes on: the client's header, then the client
        log_in("sasha", "wrong-guess", address=proxy, **{"X-Forwarded-For": spoofed})
    assert log_in("sasha", PASSWORD, address=proxy, **{"X-Forwarded-For": attacker}).status_code == 429
    assert log_in("sasha", PASSWORD, address=proxy, **{"X-Forwarded-For": HOME}).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}


def test_a_successful_login_clears_the_failures(sasha):
    fail(LIMIT - 1, "sasha")
    assert log_in("sasha", PASSWORD).status_code == 302
    assert fail(LIMIT - 1, "sasha") == [422] * (LIMIT - 1)
    assert log_in("sasha", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(sasha):
    fail(LIMIT, "sasha")
    assert log_in("sasha", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert log_in("sasha", PASSWORD).status_code == 302


def test_attempts_while_locked_do_not_stretch_the_lock(sasha):
    fail(LIMIT, "sasha")
    locked_at = AccessAttempt.objects.get().attempt_time
    fail(5, "sasha")
    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_a_login_post_without_a_username_is_a_clear_422(db):
    response = Client(REMOTE_ADDR=SCHOOL).post(reverse("login"), {"password": "x"})
    assert response.status_code == 422


def test_the_counted_username_is_the_one_the_login_compares(rf):
    request = rf.post("/", {"username": "ｓａｓｈａ"})
    assert login_username(request) == "sasha"
    assert login_username(request, {"username": "𝐒𝐚𝐬𝐡𝐚"}) == "Sasha"  # NFKC, and no case folding
    assert login_username(rf.post("/", {})) is None
    assert len(login_username(rf.post("/", {"username": "ﷺ" * 300}))) == 255  # NFKC lengthens; still bounded


@pytest.mark.parametrize(
    ("username", "status"), [("sasha\x00", 400), ("s" * 10_000, 422), ("ﷺ" * 150, 422), ("", 422), (" ", 422)]
)
def test_odd_usernames_get_a_clear_4xx_never_a_500(db, username, status):
    """Django's login form checks the username's length only in the browser, so long names reach authenticate();
    the counted name is cut to what AccessAttempt holds (PostgreSQL would refuse longer). A NUL character never
    gets that far: it gets our 400 page (quizzes.middleware.UnreadableRequestMiddleware)."""
    response = log_in(username, "wrong-guess")
    assert response.status_code == status
    if status == 400:
        assert b"NUL character" in response.content
    counted = list(AccessAttempt.objects.values_list("username", flat=True))
    assert all("\x00" not in name and len(name) <= 255 for name in counted if name is not None)
