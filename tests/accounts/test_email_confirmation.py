"""A new email address receives mail only once its emailed link is followed (real SMTP mailbox).

Until then the account works, logs in with either address, and the old address keeps receiving
and is told of the request.
"""
from __future__ import annotations

from sqlalchemy import select

from ent_lite.accounts.activation import format_code, issue_activation_code
from ent_lite.accounts.models import AccountToken
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests import factories
from tests.accounts.conftest import NEW_PASSWORD, link_path

CONTACT = "/privacy/my-data/contact"
NEW = "fatou.new@example.org"


def ask_change(client, address=NEW, password=factories.PASSWORD):
    return client.post(CONTACT, data={"email": address, "phone": "", "current_password": password})


def confirm_path(mailbox, address=NEW) -> str:
    return link_path(mailbox.to(address)[-1], "/account/email/confirm/")


def change_password(client, current=factories.PASSWORD, new=NEW_PASSWORD):
    return client.post("/account/password", data={"current_password": current, "password": new, "confirm": new})


def can_log_in(app, email, password=factories.PASSWORD) -> bool:
    fresh = app.test_client()
    return fresh.post("/login", data={"email": email, "password": password}).status_code == 302


def test_mail_goes_to_the_new_address_only_once_it_is_confirmed(app, client, other_client, world, db, mailbox,
                                                                  login_as):
    old = world.parent_a.email
    login_as(world.parent_a)
    assert ask_change(client).status_code == 302
    assert len(mailbox.to(NEW)) == 1  # the link, and nothing else
    assert len(mailbox.to(old)) == 1  # told of the request
    # Meanwhile: a password reset goes to the old address only, and so do account emails.
    other_client.post("/password/forgot", data={"email": NEW})
    assert len(mailbox.to(NEW)) == 1
    assert change_password(client).status_code == 302
    assert len(mailbox.to(NEW)) == 1 and len(mailbox.to(old)) == 2
    # Opening the link changes nothing (mail scanners open links); the button confirms.
    path = confirm_path(mailbox)
    page = other_client.get(path)
    assert page.status_code == 200 and NEW in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    db.session.refresh(world.parent_a)
    assert world.parent_a.email == old
    assert other_client.post(path).headers["Location"] == "/login"
    db.session.refresh(world.parent_a)
    assert world.parent_a.email == NEW and world.parent_a.pending_email is None
    # From now on mail goes to the new address, and the old one no longer logs in.
    assert change_password(client, NEW_PASSWORD, "another long enough sentence").status_code == 302
    assert len(mailbox.to(NEW)) == 2 and len(mailbox.to(old)) == 2
    assert not can_log_in(app, old, "another long enough sentence")
    assert can_log_in(app, NEW, "another long enough sentence")


def test_the_account_works_meanwhile_with_either_address(app, client, world, mailbox, login_as):
    old = world.parent_a.email
    login_as(world.parent_a)
    ask_change(client)
    assert client.get("/account").status_code == 200
    assert can_log_in(app, old) and can_log_in(app, NEW.upper())
    page = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Email address to confirm" in page and NEW in page


def test_a_link_works_once_and_a_new_one_replaces_it(client, other_client, world, db, mailbox, login_as):
    login_as(world.parent_a)
    ask_change(client)
    first = confirm_path(mailbox)
    assert client.post("/account/email/resend").status_code == 302
    second = confirm_path(mailbox)
    assert first != second and len(mailbox.to(NEW)) == 2
    assert other_client.post(first).status_code == 410
    assert other_client.post(second).status_code == 302
    assert other_client.post(second).status_code == 410
    assert other_client.get("/account/email/confirm/not-a-token").status_code == 404
    tokens = db.session.scalars(select(AccountToken).where(AccountToken.purpose == "confirm")).all()
    assert all(len(t.token_hash) == 64 for t in tokens) and second.rsplit("/", 1)[1] not in str(
        [t.token_hash for t in tokens])


def test_typing_the_current_address_again_withdraws_the_request(client, other_client, world, db, mailbox,
                                                                 login_as):
    old = world.parent_a.email
    login_as(world.parent_a)
    ask_change(client)
    path = confirm_path(mailbox)
    assert ask_change(client, old).status_code == 302
    db.session.refresh(world.parent_a)
    assert world.parent_a.pending_email is None and world.parent_a.email == old
    assert other_client.post(path).status_code == 410


def test_an_address_waiting_elsewhere_is_taken_and_one_taken_meanwhile_cannot_be_confirmed(
        client, other_client, world, db, mailbox, login_as):
    login_as(world.parent_a)
    ask_change(client)
    path = confirm_path(mailbox)
    # Another account cannot claim the address that waits...
    login_as(world.parent_b, target=other_client)
    page = ask_change(other_client).get_data(as_text=True)
    assert 'id="email-error"' in page
    # ...and if it got it anyway (an administrator's fix in the database), the link refuses.
    world.parent_b.email = NEW
    db.session.commit()
    response = other_client.post(path, follow_redirects=True, headers={"Accept-Language": "en"})
    assert "Another account uses this address now" in response.get_data(as_text=True)
    db.session.refresh(world.parent_a)
    assert world.parent_a.email != world.parent_b.email


def test_a_change_of_address_ends_reset_links(client, other_client, world, db, mailbox, login_as):
    old = world.parent_a.email
    other_client.post("/password/forgot", data={"email": old})
    reset = link_path(mailbox.to(old)[-1], "/password/reset/")
    login_as(world.parent_a)
    ask_change(client)
    answer = other_client.post(reset, data={"password": "an attacker's own sentence",
                                            "confirm": "an attacker's own sentence"})
    assert answer.status_code == 410
    # And once the new address is confirmed, a link sent to the old one before no longer works either.
    other_client.post("/password/forgot", data={"email": old})
    reset = link_path(mailbox.to(old)[-1], "/password/reset/")
    other_client.post(confirm_path(mailbox))
    assert other_client.get(reset).status_code == 410


# Activation -------------------------------------------------------------------------------

def activate(client, user, email, last_name):
    code = issue_activation_code(user, utcnow(), 60)
    db.session.commit()
    assert client.post("/activate", data={"code": format_code(code.code)}).status_code == 302
    assert client.post("/activate/name", data={"last_name": last_name}).status_code == 302
    return client.post("/activate/account", data={"email": email, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})


def test_activation_with_a_new_address_asks_for_its_confirmation(app, client, other_client, world, db, mailbox):
    user = factories.make_user(world.city, "guardian", "Hélène", "Le Gall", email="roster@example.org",
                               activated=False)
    factories.make_child(world.city, world.class_a, "Zoé", "Le Gall", guardians=(user,))
    response = activate(client, user, "helene@example.org", "Le Gall")
    assert response.headers["Location"] == "/welcome/privacy"
    db.session.refresh(user)
    assert user.email == "roster@example.org" and user.pending_email == "helene@example.org"
    (link,) = mailbox.to("helene@example.org")
    (notice,) = mailbox.to("roster@example.org")
    assert "/password/forgot" in notice.get_content()  # with the way back if it was not them
    # Logs in with the address typed, straight away.
    assert can_log_in(app, "helene@example.org", NEW_PASSWORD)
    other_client.post(confirm_path(mailbox, "helene@example.org"))
    db.session.refresh(user)
    assert user.email == "helene@example.org" and user.pending_email is None


def test_activation_without_a_roster_address_sends_only_the_link(app, client, world, db, mailbox):
    user = factories.make_user(world.city, "guardian", "Nina", "Sans", activated=False)
    user.email = None
    factories.make_child(world.city, world.class_a, "Zoé", "Sans", guardians=(user,))
    activate(client, user, "nina@example.org", "Sans")
    db.session.refresh(user)
    assert user.email is None and user.pending_email == "nina@example.org"
    assert len(mailbox) == 1 and len(mailbox.to("nina@example.org")) == 1
    assert can_log_in(app, "nina@example.org", NEW_PASSWORD)
    # Account emails wait for the confirmation: nowhere to send them yet, and no error.
    assert change_password(client, NEW_PASSWORD, "another long enough sentence").status_code == 302
    assert len(mailbox) == 1


def test_activation_with_the_roster_address_needs_no_link(client, world, db, mailbox):
    user = factories.make_user(world.city, "guardian", "Hélène", "Le Gall", email="roster@example.org",
                               activated=False)
    factories.make_child(world.city, world.class_a, "Zoé", "Le Gall", guardians=(user,))
    activate(client, user, "Roster@Example.org", "Le Gall")
    db.session.refresh(user)
    assert user.email == "roster@example.org" and user.pending_email is None
    assert not mailbox


def test_confirmation_mails_cannot_flood_an_address(client, other_client, world, mailbox, login_as):
    """Each change of address and each new link mails the typed address: five an hour per account."""
    login_as(world.parent_a)
    ask_change(client)
    for _ in range(4):
        assert client.post("/account/email/resend").status_code == 302
    refused = client.post("/account/email/resend", headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert "many confirmation emails" in refused.get_data(as_text=True)
    assert ask_change(client, "autre.adresse@example.org").status_code == 429
    assert len(mailbox.to(NEW)) == 5 and not mailbox.to("autre.adresse@example.org")
    # A new phone number, keeping the address, sends nothing and is not refused.
    kept = client.post(CONTACT, data={"email": NEW, "phone": "0611223344", "current_password": factories.PASSWORD})
    assert kept.status_code == 302
    # Another family is not held back by this one.
    login_as(world.parent_b, target=other_client)
    assert other_client.post(CONTACT, data={"email": "b.nouvelle@example.org", "phone": "",
                                            "current_password": factories.PASSWORD}).status_code == 302
