"""Refused addresses: listed to the city's administrators, told once to the person at login,
shown on their account page while the problem lasts, over once the address is confirmed."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications import problems
from ent_lite.notifications.models import EmailProblem
from tests import factories

CONTACT_PAGE = "/privacy/my-data/contact"


def refuse(user, code=550, minutes_ago=60) -> EmailProblem:
    problem = EmailProblem(user_id=user.id, address=user.email, smtp_code=code, detail="5.1.1",
                           recorded_dt=utcnow() - timedelta(minutes=minutes_ago))
    db.session.add(problem)
    db.session.commit()
    return problem


def page(client, url) -> str:
    return client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_the_admin_sees_refused_addresses_of_the_city_from_the_index(world, login_as):
    refuse(world.parent_a, code=550)
    refuse(world.teacher_b, code=553, minutes_ago=120)
    refuse(world.far.parent)  # another city
    changed = refuse(world.parent_b)
    world.parent_b.email = "julie.new@example.org"  # the address changed since: over
    db.session.commit()
    client = login_as(world.admin)

    assert 'href="/admin/email-problems"' in page(client, "/admin/")
    listing = page(client, "/admin/email-problems")

    assert "Fatou Diallo" in listing and "Parent or guardian" in listing and "550" in listing
    assert "Paul Bernard" in listing and "553" in listing
    assert world.far.parent.last_name not in listing
    assert "Julie" not in listing and changed.address not in listing
    assert listing.index("Fatou") < listing.index("Paul")  # the latest refusal first


@pytest.mark.parametrize("role", ["director", "teacher_a", "parent_a", "dpo", "city_agent"])
def test_other_roles_cannot_open_the_admin_list(world, login_as, role):
    refuse(world.parent_a)
    client = login_as(getattr(world, role))

    assert client.get("/admin/email-problems").status_code == 404


def test_the_person_is_told_once_at_login_and_on_the_account_page_while_it_lasts(world, english, login_as):
    refuse(world.parent_a)
    client = login_as(world.parent_a)

    first = page(client, "/account")
    assert f"Emails sent to {world.parent_a.email} could not be delivered" in first
    assert 'href="/account#email-problem"' in first
    assert 'id="email-problem"' in first and 'href="/privacy/my-data/contact"' in first
    db.session.expire_all()
    assert db.session.query(EmailProblem).one().shown_dt is not None

    login_as(world.parent_a)
    again = page(client, "/account")
    assert "could not be delivered: you may be missing" not in again  # the login message: once
    assert 'id="email-problem"' in again  # the account page: while the problem lasts


def test_staff_are_sent_to_the_administrator(world, login_as):
    refuse(world.teacher_a)
    client = login_as(world.teacher_a)

    account = page(client, "/account")
    assert "Ask the administrator to correct your address." in account
    assert CONTACT_PAGE not in account


def test_nothing_is_said_to_someone_whose_address_works(world, login_as):
    refuse(world.parent_b)
    client = login_as(world.parent_a)

    assert "could not be delivered" not in page(client, "/account")


def confirm_link(mailbox, address) -> str:
    (mail,) = mailbox.to(address)
    return re.search(r"http://localhost(/account/email/confirm/\S+)", mail.get_content()).group(1)


def test_typing_the_same_address_again_sends_a_link_that_ends_the_problem(world, login_as, mailbox):
    refuse(world.parent_a)
    client = login_as(world.parent_a)

    response = client.post(CONTACT_PAGE, data={"email": world.parent_a.email, "phone": ""})
    assert response.status_code == 302
    link = confirm_link(mailbox, world.parent_a.email)  # only the link, no "another address" notice
    assert client.post(link).status_code == 302

    db.session.expire_all()
    assert db.session.query(EmailProblem).count() == 0
    assert world.parent_a.pending_email is None
    assert 'id="email-problem"' not in page(client, "/account")


def test_a_new_confirmed_address_ends_the_problem(world, login_as, mailbox):
    refuse(world.parent_a)
    client = login_as(world.parent_a)
    client.post(CONTACT_PAGE, data={"email": "fatou.new@example.org", "phone": "",
                                    "current_password": factories.PASSWORD})
    client.post(confirm_link(mailbox, "fatou.new@example.org"))

    db.session.expire_all()
    assert world.parent_a.email == "fatou.new@example.org"
    assert db.session.query(EmailProblem).count() == 0
    assert problems.active_problem(world.parent_a) is None
