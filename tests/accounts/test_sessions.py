"""Per-user session nonce and staff timeouts (PRIVACY.md 24)."""
from __future__ import annotations

import time

from tests import factories
from tests.accounts.conftest import NEW_PASSWORD


def change_password(client, current=factories.PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "password": new, "confirm": confirm or new,
    })


def test_logout_everywhere_ends_every_session(client, other_client, world, login_as):
    login_as(world.parent_a)
    login_as(world.parent_a, target=other_client)
    response = client.post("/account/logout-everywhere")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302
    assert other_client.get("/account").status_code == 302


def test_logout_everywhere_kills_remember_me_cookies(client, other_client, world):
    other_client.post("/login", data={"email": world.parent_a.email, "password": factories.PASSWORD,
                                      "remember": "y"})
    remember = other_client.get_cookie("remember_token").value
    client.post("/login", data={"email": world.parent_a.email, "password": factories.PASSWORD})
    client.post("/account/logout-everywhere")
    other_client.delete_cookie("ent_lite_session")
    other_client.set_cookie("remember_token", remember)
    assert other_client.get("/account").status_code == 302


def test_logout_everywhere_does_not_touch_other_users(client, other_client, world, login_as):
    login_as(world.parent_a)
    login_as(world.parent_b, target=other_client)
    client.post("/account/logout-everywhere")
    assert other_client.get("/account").status_code == 200


def test_password_change_keeps_this_session_and_ends_the_others(client, other_client, world, login_as, mailbox):
    login_as(world.parent_a)
    login_as(world.parent_a, target=other_client)
    response = change_password(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200
    assert other_client.get("/account").status_code == 302
    # The new password works, the old one no longer does.
    other_client.post("/login", data={"email": world.parent_a.email, "password": factories.PASSWORD})
    assert other_client.get("/account").status_code == 302
    login_as(world.parent_a, password=NEW_PASSWORD, target=other_client)


def test_password_change_kills_remember_me_cookies_of_other_devices(client, other_client, world, login_as,
                                                                    mailbox):
    other_client.post("/login", data={"email": world.parent_a.email, "password": factories.PASSWORD,
                                      "remember": "y"})
    remember = other_client.get_cookie("remember_token").value
    login_as(world.parent_a)
    change_password(client)
    other_client.delete_cookie("ent_lite_session")
    other_client.set_cookie("remember_token", remember)
    assert other_client.get("/account").status_code == 302


def test_password_change_is_confirmed_by_email(client, world, login_as, mailbox):
    world.parent_a.locale = "en"
    login_as(world.parent_a)
    change_password(client)
    (message,) = mailbox.to(world.parent_a.email)
    assert "password" in message["Subject"].lower()
    body = message.get_body(("plain",)).get_content()
    assert "If it was not you" in body
    assert "http://localhost/password/forgot" in body


def test_password_change_needs_the_current_password(client, world, login_as, mailbox):
    login_as(world.parent_a)
    page = change_password(client, current="not my password").get_data(as_text=True)
    assert "This is not your current password." in page
    assert not mailbox
    login_as(world.parent_a)  # the old password still works


def test_password_change_applies_the_policy_and_confirmation(client, world, login_as):
    login_as(world.parent_a)
    assert "Use at least 12 characters." in change_password(client, new="short").get_data(as_text=True)
    page = change_password(client, new="fatou diallo forever").get_data(as_text=True)
    assert "Do not use your name" in page
    page = change_password(client, confirm="something else entirely").get_data(as_text=True)
    assert "The two passwords are different." in page
    assert NEW_PASSWORD not in page
    login_as(world.parent_a)


def test_guessing_the_current_password_is_limited(client, world, login_as):
    login_as(world.parent_a)
    for _ in range(5):
        assert change_password(client, current="guess number x").status_code == 200
    assert change_password(client, current="guess number y").status_code == 429


def set_times(client, **values):
    with client.session_transaction() as session:
        for key, value in values.items():
            session[key] = value


def test_staff_idle_for_30_minutes_must_log_in_again(client, world, login_as):
    login_as(world.teacher_a)
    set_times(client, seen_at=int(time.time()) - 29 * 60)
    assert client.get("/account").status_code == 200
    set_times(client, seen_at=int(time.time()) - 31 * 60)
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/account").status_code == 302


def test_staff_sessions_last_12_hours_at_most(client, world, login_as):
    login_as(world.director)
    set_times(client, login_at=int(time.time()) - 11 * 3600 - 3000)
    assert client.get("/account").status_code == 200
    set_times(client, login_at=int(time.time()) - 12 * 3600 - 60)
    assert client.get("/account").status_code == 302


def test_activity_keeps_a_staff_session_alive(client, world, login_as):
    login_as(world.teacher_a)
    set_times(client, seen_at=int(time.time()) - 20 * 60)
    client.get("/account")
    with client.session_transaction() as session:
        assert int(time.time()) - session["seen_at"] < 5


def test_guardians_have_no_staff_timeout(client, world, login_as):
    login_as(world.parent_a)
    set_times(client, seen_at=int(time.time()) - 3 * 3600)
    assert client.get("/account").status_code == 200
