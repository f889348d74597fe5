"""A guardian corrects their own email and phone: checked, audited without values, announced.

A new email needs the current password: the address is where password resets go.
"""
from __future__ import annotations

import json

from sqlalchemy import select

from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from tests import factories

CONTACT_PAGE = "/privacy/my-data/contact"


def contact_entries():
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "contact.correct")))


def test_guardian_corrects_email_and_phone(world, login_as, english, mailbox):
    old = world.parent_a.email
    world.parent_a.locale = "en"  # the notice is written in the account's language
    db.session.commit()
    client = login_as(world.parent_a)
    assert "Correct my contact details" in client.get("/privacy/my-data/contact").get_data(as_text=True)
    response = client.post(CONTACT_PAGE, data={"email": " Fatou.New@Example.org ", "phone": "06 11 22 33 44",
                                               "current_password": factories.PASSWORD})
    assert response.status_code == 302
    db.session.refresh(world.parent_a)
    # The phone is saved; the new address waits for its link (tests/accounts/test_email_confirmation.py).
    assert world.parent_a.phone == "06 11 22 33 44"
    assert world.parent_a.email == old and world.parent_a.pending_email == "fatou.new@example.org"
    (entry,) = contact_entries()
    assert json.loads(entry.details) == {"fields": ["email", "phone"]}
    # Never the values, neither old nor new.
    assert "example.org" not in entry.details and "06" not in entry.details
    # The old address is told; the new one gets only its confirmation link.
    (notice,) = mailbox.to(old)
    assert "Another email address was given for your Ville school portal account" in notice.get_content()
    (link,) = mailbox.to("fatou.new@example.org")
    assert "/account/email/confirm/" in link.get_content()
    # The form shows the address waiting, so that saving the phone again does not withdraw it.
    assert 'value="fatou.new@example.org"' in client.get(CONTACT_PAGE).get_data(as_text=True)


def test_phone_only_sends_no_mail(world, login_as, mailbox):
    client = login_as(world.parent_a)
    client.post("/privacy/my-data/contact", data={"email": world.parent_a.email, "phone": "+33 6 12 34 56 78"})
    (entry,) = contact_entries()
    assert json.loads(entry.details) == {"fields": ["phone"]}
    assert not mailbox


def test_an_email_used_by_another_account_is_refused_next_to_the_field(world, login_as, mailbox):
    client = login_as(world.parent_a)  # French by default
    response = client.post(CONTACT_PAGE, data={"email": world.teacher_a.email.upper(), "phone": "",
                                               "current_password": factories.PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<p class="error" id="email-error">Cette adresse e-mail est déjà utilisée par un autre compte.</p>' in page
    assert 'aria-invalid="true"' in page
    db.session.refresh(world.parent_a)
    assert world.parent_a.email != world.teacher_a.email
    assert not contact_entries() and not mailbox


def test_malformed_values_are_refused_with_translated_errors(world, login_as):
    client = login_as(world.parent_a)
    page = client.post("/privacy/my-data/contact", data={"email": "not-an-address", "phone": "call me"}) \
        .get_data(as_text=True)
    assert "Saisissez une adresse e-mail comme nom@example.org." in page
    assert 'id="phone-error"' in page
    assert not contact_entries()


def test_names_cannot_be_changed_here(world, login_as, english):
    client = login_as(world.parent_a)
    client.post("/privacy/my-data/contact", data={"email": world.parent_a.email, "phone": "",
                                                  "first_name": "Mallory", "last_name": "X"})
    db.session.refresh(world.parent_a)
    assert world.parent_a.first_name == "Fatou"
    page = client.get("/privacy/my-data/contact").get_data(as_text=True)
    assert "Your name comes from the school roster" in page


def test_a_new_email_needs_the_current_password(world, login_as, mailbox):
    old = world.parent_a.email
    client = login_as(world.parent_a)  # French by default
    for password, error in (("", "Saisissez votre mot de passe actuel pour changer votre adresse e-mail."),
                            ("not my password", "Ce n’est pas votre mot de passe actuel.")):
        response = client.post(CONTACT_PAGE, data={"email": "mallory@example.org", "phone": "06 99 99 99 99",
                                                   "current_password": password})
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        if password:  # the new string is English until the catalogue has it
            assert f'<p class="error" id="current_password-error">{error}</p>' in page
        else:
            assert 'id="current_password-error"' in page
        # What was typed is kept, but the password never comes back.
        assert 'value="mallory@example.org"' in page and 'value="06 99 99 99 99"' in page
        assert "not my password" not in page
        # Nothing is saved, the phone neither.
        db.session.refresh(world.parent_a)
        assert world.parent_a.email == old and world.parent_a.phone != "06 99 99 99 99"
    assert not contact_entries() and not mailbox


def test_the_password_is_checked_before_the_address_is_looked_up(world, login_as):
    """Without the password, the form does not tell whether an address has an account."""
    client = login_as(world.parent_a)
    page = client.post(CONTACT_PAGE, data={"email": world.teacher_a.email, "phone": "",
                                           "current_password": "not my password"}).get_data(as_text=True)
    assert 'id="current_password-error"' in page and 'id="email-error"' not in page


def test_guessing_the_password_on_the_contact_page_is_refused_with_429(world, login_as):
    client = login_as(world.parent_a)
    for _ in range(5):
        response = client.post(CONTACT_PAGE, data={"email": "mallory@example.org", "phone": "",
                                                   "current_password": "guess"})
        assert response.status_code == 200
    response = client.post(CONTACT_PAGE, data={"email": "mallory@example.org", "phone": "",
                                               "current_password": factories.PASSWORD})
    assert response.status_code == 429
    db.session.refresh(world.parent_a)
    assert world.parent_a.email != "mallory@example.org"
