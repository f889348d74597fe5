"""The guardian's rights requests in their data export (ent_lite/rights/export.py).

Only the requests the guardian sent: one sent by another guardian about the same child is
that guardian's text. The DPO appears by role.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.dpo.models import RightsRequest
from ent_lite.extensions import db
from ent_lite.rights.registry import PersonLabels, exporter
from ent_lite.school.models import Child


def _dt(value):
    return value.isoformat(timespec="seconds") if value is not None else None


@exporter("rights_request", _l("Your requests to the data protection officer"))
def export_requests(guardian, child_ids):
    rows = list(db.session.scalars(select(RightsRequest).where(RightsRequest.requester_id == guardian.id)
                                   .order_by(RightsRequest.id)))
    child_ids = {r.child_id for r in rows if r.child_id}
    children = {child_id: f"{first} ({public_id})" for child_id, first, public_id in db.session.execute(
        select(Child.id, Child.first_name, Child.public_id).where(Child.id.in_(child_ids)))}
    people = PersonLabels(guardian, [r.handled_by_id for r in rows if r.handled_by_id])
    return [{"public_id": r.public_id, "kind": r.kind, "child": children.get(r.child_id), "message": r.message,
             "received_dt": _dt(r.received_dt), "due_dt": _dt(r.due_dt), "status": r.status,
             "handled_dt": _dt(r.handled_dt), "handled_by": people(r.handled_by_id) if r.handled_dt else None,
             "answer": r.answer} for r in rows]
