"""Each device has its own login (PRIVACY.md 24).

Logging out ends this device only, copies of its cookies included; "log out on all my
devices" ends them all; and no login, remember-me included, outlives 30 days on the server,
whatever the browser keeps.
"""
from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from ent_lite.accounts import device_logins, sessions
from ent_lite.accounts.models import RevokedLogin
from tests import factories

DAY = 86400


def browser(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def log_in(client, user, remember=False):
    data = {"email": user.email, "password": factories.PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302


def signed_in(client) -> bool:
    response = client.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def cookies_of(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("ent_lite_session", "remember_token")
            if client.get_cookie(name) is not None}


def with_cookies(app, cookies: dict[str, str]):
    other = browser(app)
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


# Log out: this device only ------------------------------------------------------------------

@pytest.mark.parametrize("remember", [False, True], ids=["session", "remember-me"])
def test_logging_out_on_one_device_leaves_the_other_signed_in(app, client, other_client, world, remember):
    log_in(client, world.parent_a, remember)
    log_in(other_client, world.parent_a, remember)
    other_cookies = cookies_of(other_client)

    assert client.post("/logout").status_code == 302

    assert not signed_in(client)
    assert signed_in(other_client)
    # Device B's remember cookie alone (its browser restarted) still signs it in.
    if remember:
        assert signed_in(with_cookies(app, {"remember_token": other_cookies["remember_token"]}))


def test_copies_of_the_cookies_taken_before_logout_no_longer_work(app, client, world):
    log_in(client, world.parent_a, remember=True)
    copied = cookies_of(client)
    assert set(copied) == {"ent_lite_session", "remember_token"}
    assert signed_in(with_cookies(app, copied))

    client.post("/logout")

    assert not signed_in(with_cookies(app, copied))
    assert not signed_in(with_cookies(app, {"ent_lite_session": copied["ent_lite_session"]}))
    assert not signed_in(with_cookies(app, {"remember_token": copied["remember_token"]}))


def test_logging_in_again_after_logout_works(client, world):
    log_in(client, world.parent_a)
    client.post("/logout")
    log_in(client, world.parent_a)
    assert signed_in(client)


def test_log_out_everywhere_ends_every_device(app, client, other_client, world):
    log_in(client, world.parent_a)
    log_in(other_client, world.parent_a, remember=True)
    remember = cookies_of(other_client)["remember_token"]

    assert client.post("/account/logout-everywhere").status_code == 302

    assert not signed_in(client)
    assert not signed_in(other_client)
    assert not signed_in(with_cookies(app, {"remember_token": remember}))


def test_a_logged_out_device_is_forgotten_once_its_login_is_too_old_anyway(app, client, world, db, clock):
    log_in(client, world.parent_a)
    client.post("/logout")
    assert db.session.scalar(select(func.count(RevokedLogin.id))) == 1
    clock(31 * DAY)
    log_in(client, world.parent_a)
    client.post("/logout")
    # The first row went: its login would be refused for its age alone.
    assert db.session.scalar(select(func.count(RevokedLogin.id))) == 1


def test_login_ids_from_before_device_keys_are_refused():
    assert device_logins.parse("abc:nonce") is None
    assert device_logins.parse("abc:nonce:key:notatime") is None
    assert device_logins.parse("abc:nonce:key:1767225600") is not None


# Remember-me: 30 days on the server --------------------------------------------------------

@pytest.fixture
def clock(monkeypatch):
    """The sessions' clock, moved by hand: ``clock(seconds)`` is that long after now."""
    start, offset = time.time(), [0.0]
    monkeypatch.setattr(sessions, "time", SimpleNamespace(time=lambda: start + offset[0]))

    def at(seconds: float) -> None:
        offset[0] = seconds

    return at


def test_a_remember_cookie_older_than_30_days_is_refused(app, client, world, clock):
    log_in(client, world.parent_a, remember=True)
    remember = {"remember_token": cookies_of(client)["remember_token"]}

    clock(29 * DAY)
    assert signed_in(with_cookies(app, remember))
    clock(30 * DAY + 60)
    # The browser still sends it (kept, or copied): the server refuses it all the same.
    assert not signed_in(with_cookies(app, remember))


def test_a_browser_session_older_than_30_days_is_refused(client, world, clock):
    log_in(client, world.parent_a)
    clock(29 * DAY)
    assert signed_in(client)
    clock(31 * DAY)
    assert not signed_in(client)


def test_the_privacy_notice_lists_both_cookies(client, world):
    html = client.get("/privacy").get_data(as_text=True)
    cookies = html.split("<h2>Cookies</h2>", 1)[1].split("<h2", 1)[0]
    assert "ent_lite_session" in cookies and "remember_token" in cookies
    assert "30 days" in cookies
    assert "single cookie" not in cookies
