"""The guardians' consent page: one POST to give, one to withdraw, no pre-ticked box, 404 for others."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from ent_lite.audit.models import AuditEntry
from ent_lite.consents import services
from ent_lite.consents.models import ConsentRecord
from ent_lite.extensions import db
from ent_lite.school.models import GuardianLink

PHOTOS = services.PHOTO_PUBLICATION


def records() -> int:
    return db.session.scalar(select(func.count()).select_from(ConsentRecord))


def decide(client, child, decision, audience="class", purpose=PHOTOS, **kwargs):
    data = {"purpose": purpose, "decision": decision}
    if child is not None:
        data["child"] = child.public_id
    if audience is not None:
        data["audience"] = audience
    return client.post("/consents", data=data, **kwargs)


@pytest.mark.parametrize("role", ["teacher_a", "director", "animator", "city_agent", "admin", "dpo"])
def test_other_roles_get_404(world, login_as, role):
    client = login_as(getattr(world, role))
    assert client.get("/consents").status_code == 404
    assert decide(client, world.child_a, "grant").status_code == 404
    assert records() == 0
    assert "/consents" not in client.get("/account").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(client, world):
    assert client.get("/consents").status_code == 302
    assert client.post("/consents", data={"purpose": PHOTOS, "decision": "grant"}).status_code in (302, 400)
    assert records() == 0


def test_guardian_sees_each_child_audience_and_their_own_purpose_unticked(world, login_as, english):
    client = login_as(world.parent_a)
    page = client.get("/consents").get_data(as_text=True)
    assert "Awa Diallo" in page and "Léo" not in page  # only their own children
    for sentence in ("Class photos where Awa appears can be shown to the families of the same class or group.",
                     "Photos where Awa appears can be shown to all the families of the school (École Jules Ferry).",
                     "Photos where Awa appears can be shown to all the families of the city",
                     "The city may send you its news about activities and services for families."):
        assert sentence in page
    assert page.count('value="grant"') == 4 and 'value="withdraw"' not in page
    assert page.count("Not allowed.") == 4 and "Allowed." not in page.replace("Not allowed.", "")
    # No consent is pre-ticked: there is no checkbox at all, and nothing checked or selected.
    assert not re.search(r"\bchecked\b|\bselected\b", page)
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/consents"' in account
    assert account.count('href="/consents"') >= 2  # the navigation and the account page


def test_granting_and_withdrawing_take_one_post_each(world, login_as, english):
    client = login_as(world.parent_a)
    response = decide(client, world.child_a, "grant", audience="school")
    assert response.status_code == 302 and response.headers["Location"].startswith("/consents")
    assert not services.may(world.child_a, PHOTOS, "school")  # the other guardian has not agreed
    page = client.get("/consents").get_data(as_text=True)
    assert "Your consent is recorded" in page and "You have agreed." in page and "Not allowed yet." in page
    assert "The other parent or guardian has not agreed." in page and 'value="withdraw"' in page

    other = login_as(world.parent_a2)
    page = other.get("/consents").get_data(as_text=True)
    assert "The other parent or guardian has agreed." in page
    decide(other, world.child_a, "grant", audience="school")
    assert services.may(world.child_a, PHOTOS, "school")
    assert "Allowed." in other.get("/consents").get_data(as_text=True).replace("Not allowed.", "")

    assert decide(other, world.child_a, "withdraw", audience="school").status_code == 302
    assert not services.may(world.child_a, PHOTOS, "school")
    assert "Your consent is withdrawn" in other.get("/consents").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.startswith("consent."))
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["consent.grant", "consent.grant", "consent.withdraw"]


def test_guardian_purpose_for_oneself(world, login_as, english):
    client = login_as(world.parent_b)
    decide(client, None, "grant", audience=None, purpose=services.CITY_INFORMATION)
    assert services.may(world.parent_b, services.CITY_INFORMATION)
    decide(client, None, "withdraw", audience=None, purpose=services.CITY_INFORMATION)
    assert not services.may(world.parent_b, services.CITY_INFORMATION)


def test_a_decision_needs_a_csrf_token(world, login_as):
    client = login_as(world.parent_a)
    assert decide(client, world.child_a, "grant", csrf=False).status_code == 400
    assert records() == 0


def test_another_familys_child_is_404(world, login_as):
    client = login_as(world.parent_b)
    assert decide(client, world.child_a, "grant").status_code == 404
    assert decide(client, None, "grant").status_code == 404
    assert records() == 0


def test_a_guardian_without_legal_authority_cannot_decide(world, login_as, english):
    link = db.session.scalar(select(GuardianLink).where(GuardianLink.user_id == world.parent_a2.id))
    link.legal_authority = False
    db.session.commit()
    client = login_as(world.parent_a2)
    page = client.get("/consents").get_data(as_text=True)
    assert "Only a parent or guardian with parental authority can decide for this child." in page
    assert 'value="grant"' in page  # their own city information only
    assert page.count('value="grant"') == 1
    assert decide(client, world.child_a, "grant").status_code == 404
    assert records() == 0


def test_bad_values_are_refused(world, login_as):
    client = login_as(world.parent_a)
    assert decide(client, world.child_a, "grant", audience="planet").status_code == 400
    assert decide(client, world.child_a, "maybe").status_code == 400
    assert decide(client, world.child_a, "grant", purpose="school_news").status_code == 404
    assert records() == 0
