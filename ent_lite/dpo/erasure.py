"""Erasure and rights requests: the request stays as proof that it was answered in time
(retention category rights_requests), without the person.

Guardian erased: their requests lose the link to them and the text they wrote; the kind,
dates, status and the DPO's answer remain (a legal hold, see ent_lite/erasure/__init__.py).
Their requests still open are closed as done with a fixed note: no one is left to answer,
and an open request without a requester would only turn overdue. Child erased: requests
lose the link to the child.
"""
from __future__ import annotations

from sqlalchemy import update

from ent_lite.dpo.models import ERASURE_NOTE, RequestStatus, RightsRequest
from ent_lite.erasure.helpers import counts, set_null
from ent_lite.erasure.signals import erasure_handler
from ent_lite.extensions import db


@erasure_handler("user", "rights_request.requester_id", "rights_request.handled_by_id")
def erase_requester(user, *, now, actor=None, **_) -> dict[str, int]:
    mine = RightsRequest.requester_id == user.id
    db.session.execute(
        update(RightsRequest).where(mine, RightsRequest.status == RequestStatus.OPEN)
        .values(status=RequestStatus.DONE, handled_dt=now, answer=ERASURE_NOTE,
                handled_by_id=getattr(actor, "id", None)))
    touched = db.session.execute(update(RightsRequest).where(mine).values(requester_id=None, message="")).rowcount or 0
    # Only staff handle requests and erasure is for guardians; cleared so no reference is left.
    touched += set_null(RightsRequest.handled_by_id, user.id)
    return counts(rights_request=touched)


@erasure_handler("child", "rights_request.child_id")
def forget_child(child, **_) -> dict[str, int]:
    return counts(rights_request=set_null(RightsRequest.child_id, child.id))
