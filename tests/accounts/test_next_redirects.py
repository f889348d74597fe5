"""A ``next`` carrying a control character sends to the home page, never to a 500 (PRIVACY.md 31).

A CR or LF would split the Location header; the redirect must fall back to ``/`` wherever a
``next`` is followed: the login form, the language switch and the second factor, where the
code has just been used up and the login must complete rather than fail.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pyotp
import pytest

from ent_lite.accounts import views_two_factor
from ent_lite.core.auth import safe_next
from tests import factories

HEADER_SPLITTING = ["/x\r\nSet-Cookie: a=1", "/x\nLocation: https://evil.example/", "/x\ry", "/x\x0by",
                    "/account\x85", "/x\u2028y"]
NOW = datetime(2026, 3, 2, 10, 0, 0, tzinfo=timezone.utc)


def lands_home(response) -> None:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.headers["Location"] == "/"
    assert not any(h.startswith("a=") for h in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("target", HEADER_SPLITTING)
def test_safe_next_refuses_control_characters(target):
    assert safe_next(target, "/") == "/"


@pytest.mark.parametrize("target", ["/a\\b", "/\\\\evil.example", "/account?x=\\"])
def test_safe_next_refuses_backslashes(target):
    assert safe_next(target, "/") == "/"


def test_safe_next_keeps_a_plain_path_of_the_site():
    assert safe_next("/posts/abc?page=2#top", "/") == "/posts/abc?page=2#top"


@pytest.mark.parametrize("target", HEADER_SPLITTING)
def test_login_with_a_control_character_in_next_completes_and_goes_home(client, world, target):
    assert client.get("/login", query_string={"next": target}).status_code == 200
    response = client.post("/login", query_string={"next": target},
                           data={"email": world.parent_a.email, "password": factories.PASSWORD})
    lands_home(response)
    # Already signed in, the login page sends straight on, home as well.
    lands_home(client.get("/login", query_string={"next": target}))


@pytest.mark.parametrize("target", HEADER_SPLITTING)
def test_the_language_switch_with_a_control_character_goes_home(client, world, login_as, target):
    lands_home(client.post("/language", data={"lang": "en", "next": target}))
    login_as(world.parent_a)
    lands_home(client.post("/language", data={"lang": "fr", "next": target}))


@pytest.mark.parametrize("target", HEADER_SPLITTING[:2])
def test_a_valid_code_with_a_control_character_in_next_completes_the_login(client, world, db, monkeypatch,
                                                                          target):
    monkeypatch.setattr(views_two_factor, "utcnow", lambda: NOW)
    world.admin.totp_secret = pyotp.random_base32()
    db.session.commit()
    client.post("/login", query_string={"next": target},
                data={"email": world.admin.email, "password": factories.PASSWORD})
    code = pyotp.TOTP(world.admin.totp_secret).generate_otp(int(NOW.timestamp()) // 30)

    lands_home(client.post("/login/two-factor", query_string={"next": target}, data={"code": code}))
    # The code was not wasted on an error: the administrator is fully logged in.
    assert client.get("/admin/").status_code == 200
    lands_home(client.get("/login/two-factor", query_string={"next": target}))
