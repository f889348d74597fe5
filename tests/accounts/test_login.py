"""Logging in and out (PRIVACY.md 24)."""
from __future__ import annotations

from tests import factories
from tests.accounts.conftest import session_cookie

WRONG = "Incorrect email address or password."


def post_login(client, email, password=factories.PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_page_has_labelled_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page
    assert '<label for="email">' in page and '<label for="password">' in page


def test_login_lands_home_and_records_time(client, world):
    assert world.parent_a.last_login_dt is None
    response = post_login(client, world.parent_a.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert world.parent_a.last_login_dt is not None
    assert client.get("/account").status_code == 200


def test_email_is_case_and_space_insensitive(client, world):
    assert post_login(client, "  " + world.parent_a.email.upper() + " ").status_code == 302


def test_session_cookie_changes_at_login(client, world):
    client.get("/login")
    client.post("/language", data={"lang": "en"})
    before = session_cookie(client)
    assert before
    post_login(client, world.teacher_a.email)
    assert session_cookie(client) != before


def test_old_anonymous_session_content_is_dropped(client, world):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    post_login(client, world.parent_a.email)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_next_is_followed_when_local(client, world):
    response = post_login_with_next(client, world.parent_a.email, "/account")
    assert response.headers["Location"] == "/account"


def test_next_to_another_site_is_ignored(client, world):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        client.post("/logout")
        response = post_login_with_next(client, world.parent_a.email, target)
        assert response.headers["Location"] == "/", target


def post_login_with_next(client, email, target):
    return client.post("/login", query_string={"next": target},
                       data={"email": email, "password": factories.PASSWORD})


def test_login_wall_sends_to_login_with_next(client, world):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account")


def test_wrong_password_unknown_inactive_and_disabled_fail_alike(client, world, db):
    not_activated = factories.make_user(world.city, "guardian", "Nina", "Sans", activated=False)
    world.parent_b.is_enabled = False
    db.session.commit()
    pages = []
    for email, password in (
        (world.parent_a.email, "wrong password here"),
        ("nobody@example.org", factories.PASSWORD),
        (not_activated.email, factories.PASSWORD),
        (world.parent_b.email, factories.PASSWORD),
    ):
        response = post_login(client, email, password)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert WRONG in page
        pages.append(page.replace(email, "EMAIL"))
        assert client.get("/account").status_code == 302
    assert len(set(pages)) == 1


def test_typed_email_is_kept_but_never_the_password(client, world):
    page = post_login(client, world.parent_a.email, "my secret attempt").get_data(as_text=True)
    assert world.parent_a.email in page
    assert "my secret attempt" not in page


def test_logout_ends_the_session_and_old_cookie_copies(client, other_client, world):
    post_login(client, world.parent_a.email)
    copied = session_cookie(client)
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302
    # A copy of the cookie taken before logout no longer opens the account.
    other_client.set_cookie("ent_lite_session", copied)
    assert other_client.get("/account").status_code == 302


def test_logout_needs_post(client, world):
    post_login(client, world.parent_a.email)
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_remember_me_keeps_a_guardian_signed_in(client, other_client, world):
    post_login(client, world.parent_a.email, remember="y")
    remember = client.get_cookie("remember_token")
    assert remember is not None
    # Browser closed: the session cookie is gone, the remember cookie is not.
    other_client.set_cookie("remember_token", remember.value)
    assert other_client.get("/account").status_code == 200


def test_remember_me_lasts_at_most_30_days(client, world):
    response = post_login(client, world.parent_a.email, remember="y")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    from datetime import datetime, timezone
    from email.utils import parsedate_to_datetime

    expires = parsedate_to_datetime(header.split("Expires=")[1].split(";")[0])
    assert (expires - datetime.now(timezone.utc)).days <= 30


def test_staff_are_never_remembered(client, world):
    post_login(client, world.teacher_a.email, remember="y")
    assert client.get_cookie("remember_token") is None


def test_logout_deletes_the_remember_cookie_and_its_copies(client, other_client, world):
    post_login(client, world.parent_a.email, remember="y")
    remember = client.get_cookie("remember_token").value
    client.post("/logout")
    assert client.get_cookie("remember_token") is None
    other_client.set_cookie("remember_token", remember)
    assert other_client.get("/account").status_code == 302


def test_login_without_csrf_token_is_refused(client, world):
    response = client.post("/login", data={"email": world.parent_a.email, "password": factories.PASSWORD},
                           csrf=False)
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_empty_and_huge_inputs_get_field_errors(client, world):
    page = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert 'id="email-error"' in page and 'id="password-error"' in page
    response = client.post("/login", data={"email": world.parent_a.email, "password": "x" * 100_000})
    assert response.status_code == 200
    assert WRONG in response.get_data(as_text=True)
