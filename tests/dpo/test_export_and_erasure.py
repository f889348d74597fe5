"""Rights requests in the guardian's export, and what erasing a guardian or a child leaves of them."""
from __future__ import annotations

from datetime import timedelta

from ent_lite.core.db_types import utcnow
from ent_lite.dpo import services
from ent_lite.dpo.models import ERASURE_NOTE, RightsRequest
from ent_lite.erasure.services import erase_child, erase_guardian
from ent_lite.extensions import db
from ent_lite.rights.registry import EXPORTERS


def test_the_export_holds_the_guardians_own_requests_with_the_dpo_by_role(app, world, make_request):
    mine = make_request(world.parent_a, "objection", "Pas de photos.", child=world.child_a)
    make_request(world.parent_a2, "other", "Question de Moussa.", child=world.child_a)
    services.close_request(mine, "done", "C'est fait.", world.dpo, utcnow())
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        rows = EXPORTERS["rights_request"](world.parent_a, [world.child_a.id])
    (row,) = rows
    assert row["public_id"] == mine.public_id and row["message"] == "Pas de photos."
    assert row["child"] == f"Awa ({world.child_a.public_id})"
    assert row["status"] == "done" and row["answer"] == "C'est fait."
    assert row["handled_by"] == "Data protection officer"
    assert world.dpo.last_name not in str(rows) and "Moussa" not in str(rows)


def test_erasing_a_child_keeps_the_request_without_the_child(world, make_request):
    item = make_request(world.parent_b, "child_correction", "Le nom de Léo est mal écrit.", child=world.child_b)
    erase_child(world.child_b, now=utcnow() + timedelta(seconds=1), actor=world.dpo)
    db.session.commit()
    db.session.expire_all()
    assert item.child_id is None and item.requester_id == world.parent_b.id and item.status == "open"


def _requests_of_parent_b(world, make_request):
    """An answered objection and two open requests of parent_b (one overdue), the last an erasure request."""
    answered = make_request(world.parent_b, "objection", "Pas de photos.", days_ago=40)
    services.close_request(answered, "refused", "Refusé : la photo de classe relève de la mission publique.",
                           world.dpo, utcnow() - timedelta(days=30))
    other = make_request(world.parent_b, "other", "Qui lit mes messages ?", days_ago=35)
    erasure = make_request(world.parent_b, "erasure", "Effacez mon compte.", days_ago=2)
    db.session.commit()
    return answered, other, erasure


def _after_erasure(*items):
    db.session.expire_all()
    return [db.session.get(RightsRequest, item.id) for item in items]


def test_the_dpo_erasure_closes_the_guardians_other_open_requests(world, make_request, login_as, english):
    answered, other, erasure = _requests_of_parent_b(world, make_request)
    assert other.is_overdue(utcnow())
    login_as(world.dpo, target=english)
    assert english.post(f"/dpo/requests/{erasure.public_id}/erase", data={"confirm": "y"}).status_code == 302

    answered, other, erasure = _after_erasure(answered, other, erasure)
    assert services.open_requests(world.dpo) == []
    assert (other.status, other.answer, other.handled_by_id) == ("done", ERASURE_NOTE, world.dpo.id)
    assert other.handled_dt is not None and other.message == "" and not other.is_overdue(utcnow())
    assert (erasure.status, erasure.handled_by_id, erasure.answer) == ("done", world.dpo.id, None)
    page = english.get(f"/dpo/requests/{other.public_id}").get_data(as_text=True)
    assert "Closed by the erasure of the account." in page and "Overdue" not in page
    assert "Qui lit mes messages" not in page


def test_the_command_line_erasure_closes_the_guardians_open_requests_too(world, make_request, runner,
                                                                         login_as, english):
    answered, other, erasure = _requests_of_parent_b(world, make_request)
    result = runner.invoke(args=["ent-lite", "erase-guardian", world.parent_b.email, "--yes"])
    assert result.exit_code == 0, result.output

    answered, other, erasure = _after_erasure(answered, other, erasure)
    assert services.open_requests(world.dpo) == []
    for item in (other, erasure):
        assert (item.status, item.answer, item.handled_by_id) == ("done", ERASURE_NOTE, None)
        assert item.handled_dt is not None and item.requester_id is None and item.message == ""
    page = login_as(world.dpo, target=english).get(f"/dpo/requests/{erasure.public_id}").get_data(as_text=True)
    assert "Closed by the erasure of the account." in page and "Effacez mon compte" not in page
    assert "by an erased account" not in page


def test_the_dpos_answer_is_kept_as_a_documented_hold_and_the_guardians_text_goes(world, make_request):
    import ent_lite.erasure

    answered, *_rest = _requests_of_parent_b(world, make_request)
    erase_guardian(world.parent_b, now=utcnow(), actor=world.dpo)
    db.session.commit()

    (answered,) = _after_erasure(answered)
    assert answered.answer == "Refusé : la photo de classe relève de la mission publique."
    assert answered.message == "" and answered.requester_id is None and answered.status == "refused"
    (row,) = [line for line in ent_lite.erasure.__doc__.splitlines() if line.startswith("| rights_request.answer")]
    assert "LEGAL HOLD" in row and "art. 12" in row
