"""A guardian's request to the DPO: the form, the due date, the DPO's mail, the audit, the list."""
from __future__ import annotations

import json
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from ent_lite.core.dates import format_day
from ent_lite.core.localtime import to_local
from ent_lite.dpo import services
from ent_lite.dpo.models import RightsRequest
from ent_lite.extensions import db

from tests.dpo.conftest import NOT_GUARDIAN, ROLE_USER, entries, utc


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(RightsRequest))


def only_request() -> RightsRequest:
    return db.session.scalars(select(RightsRequest)).one()


def long_date(moment) -> str:
    with force_locale("en"):
        return format_day(moment)


# --- the due date ----------------------------------------------------------------------------

@pytest.mark.parametrize("start, expected", [
    (utc(2027, 1, 31), utc(2027, 2, 28)),   # no 31 February: the last day of the month
    (utc(2028, 1, 31), utc(2028, 2, 29)),   # leap year
    (utc(2026, 3, 31), utc(2026, 4, 30)),
    (utc(2026, 12, 15), utc(2027, 1, 15)),  # across the year
    (utc(2026, 5, 10, 9, 30), utc(2026, 6, 10, 9, 30)),
])
def test_adding_a_month_keeps_the_day_or_takes_the_last_day_of_the_month(start, expected):
    assert services.add_months(start, 1) == expected


def test_the_due_date_is_one_calendar_month_later_on_the_city_calendar(app):
    with app.app_context():
        assert services.due_date(utc(2027, 1, 31, 12)) == utc(2027, 2, 28, 12)
        # 23:30 UTC on 31 January is already 1 February in Paris: due on 1 March there.
        assert to_local(services.due_date(utc(2027, 1, 31, 23, 30))).date().isoformat() == "2027-03-01"


# --- sending ---------------------------------------------------------------------------------

def test_a_guardian_asks_to_correct_their_childs_data(world, login_as, english, mailbox):
    login_as(world.parent_a, target=english)
    form = english.get("/privacy/requests/new").get_data(as_text=True)
    assert "Correct my child&#39;s data" in form or "Correct my child's data" in form
    assert "Awa Diallo" in form and "Léo" not in form and "Inès" not in form
    assert not re.search(r"\bchecked\b", form)

    response = english.post("/privacy/requests/new", data={
        "kind": "child_correction", "child": world.child_a.public_id, "message": "Awa est née le 5 mai, pas le 4 (Zygomar)."})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/privacy/requests#request-")

    saved = only_request()
    assert (saved.kind, saved.requester_id, saved.child_id, saved.status) == (
        "child_correction", world.parent_a.id, world.child_a.id, "open")
    assert saved.message == "Awa est née le 5 mai, pas le 4 (Zygomar)."
    assert saved.due_dt == services.due_date(saved.received_dt)
    assert to_local(saved.due_dt).month == to_local(saved.received_dt).month % 12 + 1

    page = english.get(response.headers["Location"]).get_data(as_text=True)
    assert f"The data protection officer will answer by {long_date(saved.due_dt)}." in page
    assert f'id="request-{saved.public_id}"' in page and "Open" in page

    # The DPO is told with a generic line and a link; no message text, no child name.
    (mail,) = mailbox.to(world.dpo.email)
    body = mail.get_content()
    assert f"http://localhost/dpo/requests/{saved.public_id}" in body
    assert "Zygomar" not in body and "Awa" not in body and "Diallo" not in body
    assert not mailbox.to(world.parent_a.email)

    (entry,) = entries("request.create")
    assert entry.actor_ref == f"user:{world.parent_a.public_id}"
    assert entry.target_ref == f"rights_request:{saved.public_id}"
    assert json.loads(entry.details) == {"kind": "child_correction", "about_child": True}
    assert "Zygomar" not in entry.details


def test_an_erasure_request_needs_no_message(world, login_as, english, mailbox):
    login_as(world.parent_b, target=english)
    response = english.post("/privacy/requests/new", data={"kind": "erasure", "child": "", "message": ""})
    assert response.status_code == 302
    saved = only_request()
    assert (saved.kind, saved.child_id, saved.message) == ("erasure", None, "")
    assert len(mailbox.to(world.dpo.email)) == 1


def test_another_familys_child_is_refused_next_to_the_field_and_the_text_is_kept(world, login_as, english, mailbox):
    login_as(world.parent_a, target=english)
    response = english.post("/privacy/requests/new", data={
        "kind": "child_correction", "child": world.other_child.public_id, "message": "Corriger le nom."})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Choose among your children." in page
    assert "Corriger le nom." in page
    assert "Inès" not in page
    assert count() == 0 and not mailbox


def test_the_service_refuses_another_familys_child_too(world):
    with pytest.raises(PermissionError):
        services.create_request(world.parent_a, "objection", "Non.", utc(2027, 1, 4), child=world.other_child)


def test_a_guardian_may_ask_about_a_child_who_left(world, login_as, english):
    from ent_lite.core.db_types import utcnow

    world.child_a.left_dt = utcnow()
    db.session.commit()
    made = services.create_request(world.parent_a, "other", "Les données d'Awa ?", utcnow(), child=world.child_a)
    assert made.child_id == world.child_a.id
    page = login_as(world.parent_a, target=english).get("/privacy/requests/new").get_data(as_text=True)
    assert "Awa" in page and "Léo" not in page


@pytest.mark.parametrize("kind", ["child_correction", "objection", "other"])
def test_a_request_that_needs_an_explanation_is_refused_without_one(world, login_as, english, kind):
    login_as(world.parent_a, target=english)
    response = english.post("/privacy/requests/new", data={
        "kind": kind, "child": world.child_a.public_id, "message": "   "})
    assert response.status_code == 200
    assert "Explain your request." in response.get_data(as_text=True)
    assert count() == 0


def test_a_too_long_message_is_refused_and_kept(world, login_as, english):
    login_as(world.parent_a, target=english)
    text = "Bonjour " + "x" * services.MAX_MESSAGE_LENGTH
    response = english.post("/privacy/requests/new", data={"kind": "other", "child": "", "message": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"The message can have at most {services.MAX_MESSAGE_LENGTH} characters." in page
    assert text in page
    assert count() == 0


def test_a_correction_must_name_the_child_and_a_kind_must_be_chosen(world, login_as, english):
    login_as(world.parent_a, target=english)
    page = english.post("/privacy/requests/new", data={
        "kind": "child_correction", "child": "", "message": "Erreur."}).get_data(as_text=True)
    assert "Choose the child whose data is wrong." in page
    page = english.post("/privacy/requests/new", data={"kind": "anything", "message": "Erreur."}).get_data(as_text=True)
    assert "Choose what you ask." in page
    assert count() == 0


def test_the_guardian_lists_only_their_own_requests(world, login_as, english, make_request):
    mine = make_request(world.parent_a, "objection", "Je m'oppose.", child=world.child_a)
    make_request(world.parent_a2, "other", "Question du second parent.")
    login_as(world.parent_a, target=english)
    page = english.get("/privacy/requests").get_data(as_text=True)
    assert f"request-{mine.public_id}" in page
    assert "Je m" in page and "Question du second parent." not in page
    assert f"Answer due by {long_date(mine.due_dt)}" in page
    assert "Object to a use of my data" in page and "About Awa" in page


@pytest.mark.parametrize("role", NOT_GUARDIAN)
def test_other_roles_get_404(world, login_as, role):
    client = login_as(getattr(world, ROLE_USER[role]))
    assert client.get("/privacy/requests/new").status_code == 404
    assert client.get("/privacy/requests").status_code == 404
    assert client.post("/privacy/requests/new", data={"kind": "other", "message": "?"}).status_code == 404
    assert count() == 0


def test_the_consents_page_links_to_the_request_form(world, login_as, english):
    login_as(world.parent_a, target=english)
    assert 'href="/privacy/requests/new"' in english.get("/consents").get_data(as_text=True)
