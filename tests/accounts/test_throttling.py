"""Login throttling per account and per IP, the same for known and unknown accounts (PRIVACY.md 22)."""
from __future__ import annotations

import time
from types import SimpleNamespace

import limits.storage.memory
import pytest

from ent_lite.accounts import services
from tests import factories

WRONG_PASSWORD = "not the password at all"


def fail(client, email):
    return client.post("/login", data={"email": email, "password": WRONG_PASSWORD})


@pytest.fixture(autouse=True)
def cheap_failures(monkeypatch):
    """Skip the argon2 work (0.2 s) for the wrong password so that 30 failures stay fast."""
    real = services.verify_password
    monkeypatch.setattr(services, "verify_password",
                        lambda hash_, password: False if password == WRONG_PASSWORD else real(hash_, password))


def login(client, email):
    return client.post("/login", data={"email": email, "password": factories.PASSWORD})


def test_sixth_failure_is_refused_for_a_known_account(client, world):
    for _ in range(5):
        assert fail(client, world.parent_a.email).status_code == 200
    response = fail(client, world.parent_a.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # Even the right password waits: that is what stops guessing.
    assert login(client, world.parent_a.email).status_code == 429


@pytest.fixture
def clock(monkeypatch):
    """The rate-limit storage's clock, moved by hand: ``clock(seconds)`` is that long after the start."""
    start, offset = time.time(), [0.0]
    monkeypatch.setattr(limits.storage.memory, "time", SimpleNamespace(time=lambda: time.time() + offset[0]))

    def at(seconds: float) -> None:
        offset[0] = start + seconds - time.time()

    return at


def locked(client, email) -> bool:
    """True while even the right password is refused (a successful login is logged out again)."""
    response = login(client, email)
    if response.status_code == 302:
        client.post("/logout")
        return False
    assert response.status_code == 429
    return True


def fail_five_then_refused(client, email) -> None:
    for _ in range(5):
        assert fail(client, email).status_code == 200
    assert fail(client, email).status_code == 429


def test_the_lock_grows_to_15_minutes_after_10_failures_and_an_hour_after_20(client, world, clock):
    # LOGIN_PER_ACCOUNT: 5 per minute, 10 per 15 minutes, 20 per hour, each from its window's first failure.
    email = world.parent_a.email
    clock(0)
    fail_five_then_refused(client, email)
    clock(55)
    assert locked(client, email)
    clock(65)
    assert not locked(client, email), "the first lock lasts a minute"

    fail_five_then_refused(client, email)  # failures 6 to 10
    clock(130)
    assert locked(client, email), "after 10 failures the lock outlasts a minute"
    clock(15 * 60 - 5)
    assert locked(client, email)
    clock(15 * 60 + 5)
    assert not locked(client, email)

    fail_five_then_refused(client, email)  # failures 11 to 15
    clock(15 * 60 + 70)
    fail_five_then_refused(client, email)  # failures 16 to 20
    clock(15 * 60 + 140)
    assert locked(client, email), "after 20 failures the lock outlasts a minute"
    clock(2 * 15 * 60 + 10)
    assert locked(client, email), "after 20 failures the lock outlasts a quarter of an hour"
    clock(60 * 60 - 5)
    assert locked(client, email)
    clock(60 * 60 + 5)
    assert not locked(client, email), "the lock ends an hour after the first failure"


def test_known_and_unknown_accounts_get_the_same_answers(client, world):
    known, unknown = [], []
    for _ in range(6):
        known.append(fail(client, world.parent_a.email))
        unknown.append(fail(client, "nobody-here@example.org"))
    assert [r.status_code for r in known] == [200] * 5 + [429]
    assert [r.status_code for r in unknown] == [200] * 5 + [429]
    assert known[-1].get_data() == unknown[-1].get_data()
    assert known[-1].headers.get("Retry-After") == unknown[-1].headers.get("Retry-After")


def test_account_key_ignores_case_and_spaces(client, world):
    for variant in ("A@example.org", "a@example.org ", " A@EXAMPLE.ORG", "a@example.org", "a@Example.org"):
        fail(client, variant)
    assert fail(client, "a@example.org").status_code == 429


def test_other_accounts_are_not_locked_by_one_account_failures(client, world):
    for _ in range(6):
        fail(client, world.parent_a.email)
    assert login(client, world.parent_b.email).status_code == 302


def test_the_ip_limit_stops_guessing_across_accounts(client, world):
    # 30 failures spread over accounts, none of them over its own limit...
    for n in range(30):
        assert fail(client, f"someone{n % 6}@example.org").status_code == 200
    # ...then every account is refused from this address, even with the right password.
    assert login(client, world.parent_b.email).status_code == 429


def test_the_ip_limit_does_not_touch_other_addresses(client, other_client, world):
    for n in range(30):
        fail(client, f"someone{n % 6}@example.org")
    response = other_client.post("/login", data={"email": world.parent_b.email, "password": factories.PASSWORD},
                                 environ_base={"REMOTE_ADDR": "192.0.2.7", "HTTP_ACCEPT_LANGUAGE": "en"})
    assert response.status_code == 302


def test_successful_logins_do_not_count(client, world):
    for _ in range(6):
        assert login(client, world.parent_a.email).status_code == 302
        client.post("/logout")
    for _ in range(5):
        assert fail(client, world.parent_a.email).status_code == 200
    assert fail(client, world.parent_a.email).status_code == 429


def test_showing_the_login_page_does_not_count(client, world):
    for _ in range(10):
        assert client.get("/login").status_code == 200
    assert login(client, world.parent_a.email).status_code == 302


def test_reset_requests_are_limited_per_ip(client, db, mailbox):
    codes = [client.post("/password/forgot", data={"email": f"x{n}@example.org"}).status_code for n in range(11)]
    assert codes == [302] * 10 + [429]


def test_reset_requests_are_limited_per_email(client, world, mailbox):
    codes = [client.post("/password/forgot", data={"email": world.parent_a.email}).status_code for _ in range(4)]
    assert codes == [302] * 3 + [429]
    assert len(mailbox.to(world.parent_a.email)) == 3


def test_wrong_activation_codes_are_limited_per_ip(client, db):
    codes = [client.post("/activate", data={"code": f"ABCD-EFGH-JK{n:02d}"}).status_code for n in range(11)]
    assert codes == [200] * 10 + [429]
