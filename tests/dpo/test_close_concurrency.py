"""Two DPOs (or two tabs) answering one request at the same moment close it once."""
from __future__ import annotations

import threading

from ent_lite.dpo import services
from ent_lite.dpo.models import RequestStatus, RightsRequest
from ent_lite.extensions import db

from tests.dpo.conftest import entries, utc

ANSWERS = 4


def test_concurrent_answers_close_a_request_once(app, world, make_request):
    request_id = make_request(world.parent_a).id
    start = threading.Barrier(ANSWERS)
    closed, refused, errors = [], [], []

    def answer(n: int) -> None:
        with app.app_context():  # its own session and connection
            try:
                item = db.session.get(RightsRequest, request_id)
                start.wait()
                services.close_request(item, RequestStatus.DONE, f"Answer {n}", world.dpo, utc(2026, 11, 3))
                db.session.commit()
                closed.append(n)
            except services.AlreadyClosed:
                db.session.rollback()
                refused.append(n)
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(ANSWERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(closed) == 1 and len(refused) == ANSWERS - 1
    db.session.rollback()
    item = db.session.get(RightsRequest, request_id)
    assert item.answer == f"Answer {closed[0]}"  # the answer kept is the one whose DPO was told so
    assert len(entries("request.close")) == 1


def test_answering_a_request_closed_meanwhile_says_so(world, login_as, english, make_request):
    item = make_request(world.parent_a)
    client = login_as(world.dpo, target=english)
    services.close_request(item, RequestStatus.REFUSED, "Déjà traité.", world.dpo, utc(2026, 11, 3))
    db.session.commit()
    page = client.post(f"/dpo/requests/{item.public_id}", data={"decision": "done", "answer": "Fait."},
                       follow_redirects=True).get_data(as_text=True)
    assert "This request was already closed." in page
    db.session.refresh(item)
    assert item.status == RequestStatus.REFUSED and item.answer == "Déjà traité."
