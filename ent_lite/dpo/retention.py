"""How long the DPO's record of rights requests is kept (``rights_requests``): a request
answered or refused is proof that it was handled, kept for the limitation period after its
handling; an open request is never due, it waits for an answer.

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from ent_lite.dpo.models import RequestStatus, RightsRequest
from ent_lite.privacy.registry import NOT_PERSONAL, classify_columns, purge_job

classify_columns("rights_request", {
    "rights_requests": "id public_id kind requester_id child_id message received_dt due_dt status "
                       "handled_dt handled_by_id answer",
    NOT_PERSONAL: "city_id",
})


@purge_job("rights_requests")
def due_requests(cutoff: datetime) -> Select:
    return select(RightsRequest.id).where(RightsRequest.status.in_(RequestStatus.CLOSED),
                                          RightsRequest.handled_dt < cutoff)
