"""Password reset by email (PRIVACY.md 25), received by the real local SMTP server."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select, update

from ent_lite.accounts import invitations
from ent_lite.accounts.models import AccountToken
from ent_lite.accounts.tokens import TokenState, find_token, issue_token
from ent_lite.core.db_types import utcnow
from tests import factories
from tests.accounts.conftest import NEW_PASSWORD, link_path

SENT = "If an account uses this address, we have sent it an email"


def ask_reset(client, email):
    return client.post("/password/forgot", data={"email": email}, follow_redirects=True)


def reset_link(client, mailbox, user) -> str:
    ask_reset(client, user.email)
    return link_path(mailbox.to(user.email)[-1], "/password/reset/")


def choose(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def test_reset_by_email_link_end_to_end(client, other_client, world, mailbox, login_as):
    login_as(world.parent_a, target=other_client)
    world.parent_a.locale = "en"
    path = reset_link(client, mailbox, world.parent_a)
    (message,) = mailbox.to(world.parent_a.email)
    body = message.get_body(("plain",)).get_content()
    assert "60 minutes" in body
    # No child name, no other personal content.
    assert world.child_a.first_name not in body and world.child_a.first_name not in message["Subject"]
    assert client.get(path).status_code == 200
    response = choose(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    # Old sessions are over; the new password works, the old one does not.
    assert other_client.get("/account").status_code == 302
    login_as(world.parent_a, password=NEW_PASSWORD)
    client.post("/logout")
    client.post("/login", data={"email": world.parent_a.email, "password": factories.PASSWORD})
    assert client.get("/account").status_code == 302


def test_reset_is_confirmed_by_a_second_email(client, world, mailbox):
    world.parent_a.locale = "en"
    path = reset_link(client, mailbox, world.parent_a)
    choose(client, path)
    first, second = mailbox.to(world.parent_a.email)
    assert "changed" in second["Subject"]
    assert "If it was not you" in second.get_body(("plain",)).get_content()


def test_same_answer_for_known_and_unknown_addresses(client, world, mailbox):
    known = ask_reset(client, world.parent_a.email).get_data(as_text=True)
    unknown = ask_reset(client, "nobody@example.org").get_data(as_text=True)
    assert SENT in known
    assert known.replace(world.parent_a.email, "") == unknown.replace("nobody@example.org", "")
    assert len(mailbox) == 1


def test_no_reset_for_accounts_that_cannot_log_in(client, world, db, mailbox):
    pending = factories.make_user(world.city, "guardian", "Nina", "Sans", activated=False)
    world.parent_b.is_enabled = False
    db.session.commit()
    assert SENT in ask_reset(client, pending.email).get_data(as_text=True)
    assert SENT in ask_reset(client, world.parent_b.email).get_data(as_text=True)
    assert not mailbox


def test_only_a_hash_of_the_token_is_stored(client, world, db, mailbox):
    path = reset_link(client, mailbox, world.parent_a)
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 43
    rows = db.session.scalars(select(AccountToken)).all()
    assert [r.token_hash for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert rows[0].purpose == "reset"
    assert rows[0].expires_dt - rows[0].created_dt == timedelta(minutes=60)


def test_a_link_works_only_once(client, world, mailbox):
    path = reset_link(client, mailbox, world.parent_a)
    assert choose(client, path).status_code == 302
    response = client.get(path)
    assert response.status_code == 410
    assert "already been used" in response.get_data(as_text=True)
    assert choose(client, path, password="another fine sentence here").status_code == 410


def test_an_expired_link_is_refused(client, world, db, mailbox):
    path = reset_link(client, mailbox, world.parent_a)
    row = db.session.scalars(select(AccountToken)).one()
    row.expires_dt = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = choose(client, path)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_a_new_link_replaces_the_earlier_one(client, world, mailbox):
    first = reset_link(client, mailbox, world.parent_a)
    second = reset_link(client, mailbox, world.parent_a)
    assert first != second
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_an_unknown_link_gets_a_clear_page(client, db):
    response = client.get("/password/reset/not-a-real-token")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "This link is not valid" in page and "Traceback" not in page
    assert client.get("/password/reset/" + "x" * 500).status_code == 404


def test_token_pages_are_not_cached(client, world, mailbox):
    path = reset_link(client, mailbox, world.parent_a)
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_the_new_password_follows_the_policy(client, world, mailbox):
    path = reset_link(client, mailbox, world.parent_a)
    page = choose(client, path, password="azertyuiop123").get_data(as_text=True)
    assert "too common" in page
    assert "azertyuiop123" not in page
    # The link is still usable after a refused password.
    assert choose(client, path).status_code == 302


def test_the_email_is_in_the_users_language(client, world, mailbox):
    world.parent_a.locale = "en"
    world.parent_b.locale = None
    reset_link(client, mailbox, world.parent_a)
    reset_link(client, mailbox, world.parent_b)
    assert "Choose a new Ville school portal password" == mailbox.to(world.parent_a.email)[0]["Subject"]
    from ent_lite.accounts.emails import user_language

    assert user_language(world.parent_b) == "fr"


def test_a_bad_address_gets_an_error_next_to_the_field(client, db, mailbox):
    page = client.post("/password/forgot", data={"email": "not an address"}).get_data(as_text=True)
    assert 'id="email-error"' in page
    assert "not an address" in page


def test_the_reset_email_leaves_only_after_the_response_so_timing_reveals_no_account(client, world, mailbox):
    response = client.post("/password/forgot", data={"email": world.parent_a.email}, buffered=False)
    assert response.status_code == 302
    assert mailbox.to(world.parent_a.email) == []
    response.close()
    assert len(mailbox.to(world.parent_a.email)) == 1


# A reset link asked for before a password or email change must not undo that change ---------

def test_a_password_change_on_the_account_page_ends_every_reset_link(client, other_client, world, mailbox,
                                                                       login_as):
    # Someone who read the mailbox once holds a link; the owner then changes the password.
    path = reset_link(other_client, mailbox, world.parent_a)
    login_as(world.parent_a)
    response = client.post("/account/password", data={
        "current_password": factories.PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    refused = choose(other_client, path, password="an attacker's own sentence")
    assert refused.status_code == 410 and "expired or was replaced" in refused.get_data(as_text=True)
    client.post("/logout")
    login_as(world.parent_a, password=NEW_PASSWORD)


def test_using_one_reset_link_ends_the_others(client, other_client, world, db, mailbox):
    first = reset_link(other_client, mailbox, world.parent_a)
    # A second outstanding link made by hand (the form replaces earlier links itself).
    second = "/password/reset/" + issue_token(world.parent_a, "reset", utcnow(), timedelta(minutes=60))
    db.session.commit()
    # issue_token ended the first one: bring it back to prove that a used link ends the others.
    db.session.execute(update(AccountToken).where(AccountToken.id == db.session.scalars(
        select(AccountToken.id).order_by(AccountToken.id)).first()).values(expires_dt=utcnow() + timedelta(hours=1)))
    db.session.commit()
    assert choose(client, second).status_code == 302
    assert choose(other_client, first, password="an attacker's own sentence").status_code == 410


def test_a_password_set_at_invitation_ends_reset_links(client, world, db):
    now = utcnow()
    reset = issue_token(world.teacher_a, "reset", now, timedelta(minutes=60))
    invite = issue_token(world.teacher_a, "invite", now, timedelta(days=3))
    invitations.accept_invitation(find_token(invite, "invite", now)[1], NEW_PASSWORD, now)
    db.session.commit()
    assert find_token(reset, "reset", now)[0] is TokenState.EXPIRED
