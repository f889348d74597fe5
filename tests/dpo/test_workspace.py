"""The DPO's workspace: only the DPO gets in; the queue flags overdue requests; answering,
refusing and carrying out an erasure are audited."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.dpo.models import RightsRequest
from ent_lite.extensions import db

from tests.dpo.conftest import NOT_DPO, ROLE_USER, entries


def workspace_urls(item) -> list[str]:
    return ["/dpo", "/dpo/consents", "/dpo/audit", "/dpo/audit?action=login",
            f"/dpo/requests/{item.public_id}", f"/dpo/requests/{item.public_id}/erase"]


@pytest.mark.parametrize("role", NOT_DPO)
def test_every_workspace_page_is_404_for_every_other_role(world, login_as, make_request, role):
    item = make_request(world.parent_b, "erasure", "")
    client = login_as(getattr(world, ROLE_USER[role]))
    for url in workspace_urls(item):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/dpo/requests/{item.public_id}", data={"decision": "done", "answer": "x"}).status_code == 404
    assert client.post(f"/dpo/requests/{item.public_id}/erase", data={"confirm": "y"}).status_code == 404
    db.session.expire_all()
    assert item.status == "open" and item.requester_id == world.parent_b.id
    assert not entries("request.close") and not entries("audit.search")
    assert 'href="/dpo"' not in client.get("/account").get_data(as_text=True)


def test_the_dpo_reaches_every_workspace_page(world, login_as, english, make_request):
    item = make_request(world.parent_b, "erasure", "")
    login_as(world.dpo, target=english)
    for url in workspace_urls(item):
        assert english.get(url).status_code == 200, url
    assert 'href="/dpo"' in english.get("/account").get_data(as_text=True)  # the navigation entry


def test_the_queue_puts_overdue_requests_first_and_flags_them(world, login_as, english, make_request):
    recent = make_request(world.parent_a, "other", "Récente.", days_ago=1)
    overdue = make_request(world.parent_b, "objection", "En retard.", days_ago=45)
    soon = make_request(world.parent_a2, "other", "Bientôt due.", days_ago=25)
    answered = make_request(world.other_parent, "other", "Répondue.", days_ago=3)
    login_as(world.dpo, target=english)
    english.post(f"/dpo/requests/{answered.public_id}", data={"decision": "done", "answer": "Voilà."})

    page = english.get("/dpo").get_data(as_text=True)
    open_part, closed_part = page.split('id="closed-title"')
    order = [m.group(1) for m in re.finditer(r'href="/dpo/requests/([^"]+)"', open_part)]
    assert order == [overdue.public_id, soon.public_id, recent.public_id]
    assert "1 request is overdue." in open_part
    assert open_part.count("Overdue</span>") == 1
    overdue_row = open_part.split(overdue.public_id)[1].split("</tr>")[0]
    assert "Overdue" in overdue_row
    assert answered.public_id in closed_part and answered.public_id not in open_part
    assert "Done" in closed_part
    # The messages themselves are read on each request's page, not in the queue.
    assert "En retard." not in page


def test_the_workspace_links_to_the_register_and_its_downloads(world, login_as, english):
    login_as(world.dpo, target=english)
    page = english.get("/dpo").get_data(as_text=True)
    for href in ("/privacy/register", "/privacy/register.csv", "/privacy/register.json", "/dpo/consents", "/dpo/audit"):
        assert f'href="{href}"' in page
    # The retention settings are the administrator's: the DPO gets neither the page nor a link.
    assert 'href="/privacy/retention"' not in page
    assert english.get("/privacy/retention").status_code == 404


def test_the_dpo_answers_and_the_guardian_reads_the_answer(world, login_as, english, make_request, mailbox,
                                                          app):
    item = make_request(world.parent_a, "objection", "Je refuse les photos.", child=world.child_a)
    login_as(world.dpo, target=english)
    page = english.get(f"/dpo/requests/{item.public_id}").get_data(as_text=True)
    assert "Je refuse les photos." in page and "Awa Diallo" in page and world.parent_a.email in page

    response = english.post(f"/dpo/requests/{item.public_id}", data={
        "decision": "done", "answer": "Les photos d'Awa ne sont plus publiées."})
    assert response.status_code == 302
    db.session.expire_all()
    assert (item.status, item.handled_by_id) == ("done", world.dpo.id)
    assert item.handled_dt is not None
    (entry,) = entries("request.close")
    assert entry.actor_ref == f"user:{world.dpo.public_id}" and entry.target_ref == f"rights_request:{item.public_id}"
    assert json.loads(entry.details) == {"kind": "objection", "status": "done", "overdue": False}

    (mail,) = mailbox.to(world.parent_a.email)
    assert "http://localhost/privacy/requests" in mail.get_content()
    assert "photos" not in mail.get_content()

    # A second submission (another tab) changes nothing.
    again = english.post(f"/dpo/requests/{item.public_id}", data={"decision": "refused", "answer": "Non."})
    assert "This request was already closed." in again.get_data(as_text=True)
    db.session.expire_all()
    assert item.status == "done" and len(entries("request.close")) == 1

    guardian = login_as(world.parent_a, target=app.test_client())
    guardian.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    mine = guardian.get("/privacy/requests").get_data(as_text=True)
    assert "ne sont plus publiées" in mine and "Done" in mine


def test_a_refusal_needs_its_reasons(world, login_as, english, make_request):
    item = make_request(world.parent_a, "other", "Question ?")
    login_as(world.dpo, target=english)
    response = english.post(f"/dpo/requests/{item.public_id}", data={"decision": "refused", "answer": ""})
    assert "Give the reasons for the refusal." in response.get_data(as_text=True)
    response = english.post(f"/dpo/requests/{item.public_id}", data={"answer": "Oui."})
    assert "Choose done or refused." in response.get_data(as_text=True)
    db.session.expire_all()
    assert item.status == "open" and not entries("request.close")


def test_an_unknown_request_is_404(world, login_as):
    client = login_as(world.dpo)
    assert client.get("/dpo/requests/" + "x" * 22).status_code == 404


# --- erasure ---------------------------------------------------------------------------------

def test_the_dpo_carries_out_an_erasure_request_after_confirming(world, login_as, english, make_request, app):
    item = make_request(world.parent_b, "erasure", "Supprimez tout.")
    family = login_as(world.parent_b, target=app.test_client())
    assert family.get("/news").status_code == 200
    parent_id, parent_ref = world.parent_b.id, f"user:{world.parent_b.public_id}"

    login_as(world.dpo, target=english)
    page = english.get(f"/dpo/requests/{item.public_id}").get_data(as_text=True)
    assert f'href="/dpo/requests/{item.public_id}/erase"' in page
    confirm = english.get(f"/dpo/requests/{item.public_id}/erase").get_data(as_text=True)
    assert "Julie Lefèvre" in confirm and "cannot be undone" in confirm

    # Without the confirmation nothing happens.
    refused = english.post(f"/dpo/requests/{item.public_id}/erase", data={})
    assert "Tick the box to confirm." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, parent_id).email == world.parent_b.email and item.status == "open"

    done = english.post(f"/dpo/requests/{item.public_id}/erase", data={"confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    person = db.session.get(User, parent_id)
    assert person is None or (person.email is None and person.password_hash is None and person.first_name == "")
    item = db.session.scalars(select(RightsRequest).where(RightsRequest.public_id == item.public_id)).one()
    assert (item.status, item.requester_id, item.handled_by_id) == ("done", None, world.dpo.id)
    assert item.message == ""
    (erased,) = entries("erasure.done")
    assert erased.target_ref == parent_ref and erased.actor_ref == f"user:{world.dpo.public_id}"
    (closed,) = entries("request.close")
    assert json.loads(closed.details)["erased"] is True
    # The guardian's session is dead.
    assert family.get("/news").status_code == 302
    page = english.get(f"/dpo/requests/{item.public_id}").get_data(as_text=True)
    assert "Erased account" in page and "Supprimez tout." not in page
    assert english.get(f"/dpo/requests/{item.public_id}/erase").status_code == 404


def test_only_an_open_erasure_request_offers_the_erasure(world, login_as, english, make_request):
    item = make_request(world.parent_a, "objection", "Non.")
    login_as(world.dpo, target=english)
    assert "/erase" not in english.get(f"/dpo/requests/{item.public_id}").get_data(as_text=True)
    assert english.get(f"/dpo/requests/{item.public_id}/erase").status_code == 404
    assert english.post(f"/dpo/requests/{item.public_id}/erase", data={"confirm": "y"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, world.parent_a.id).email is not None


def test_the_dpo_lands_on_the_workspace_and_opening_a_request_is_audited(world, login_as, make_request):
    item = make_request(world.parent_b, "erasure", "")
    client = login_as(world.dpo)
    assert client.get("/").headers["Location"].endswith("/dpo")
    assert not entries("request.view")
    assert client.get(f"/dpo/requests/{item.public_id}").status_code == 200
    [entry] = entries("request.view")
    assert entry.actor_ref == f"user:{world.dpo.public_id}" and entry.target_ref.endswith(item.public_id)
