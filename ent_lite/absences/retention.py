"""How long absence notices are kept.

- ``absence_notices`` (school year): a notice goes with the school year of its last day.
- ``absence_reasons`` (event): the reason a family gave, possibly about health, goes 15 days
  (by default) after the notice's last day ends, the notice staying.

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ent_lite.absences.models import AbsenceNotice, AbsenceReason
from ent_lite.core.localtime import day_end_utc, last_day_ended_before
from ent_lite.privacy.registry import classify_columns, purge_job
from ent_lite.privacy.retention import deletion_dt

classify_columns("absence_notice", {
    "absence_notices": "id public_id child_id author_id first_day last_day to_school to_periscolaire "
                       "created_dt cancelled_dt school_seen_dt school_seen_by_id periscolaire_seen_dt "
                       "periscolaire_seen_by_id",
})
classify_columns("absence_reason", {
    "absence_reasons": "id notice_id body created_dt",
})


@purge_job("absence_reasons")
def due_reasons(cutoff: datetime):
    return (select(AbsenceReason.id).join(AbsenceNotice, AbsenceNotice.id == AbsenceReason.notice_id)
            .where(AbsenceNotice.last_day <= last_day_ended_before(cutoff)))


@purge_job("absence_notices")
def due_notices(cutoff: datetime):
    return select(AbsenceNotice.id).where(AbsenceNotice.last_day <= last_day_ended_before(cutoff))


def deletion_date(obj) -> datetime | None:
    """When a notice or its reason is deleted (None: not ours)."""
    if isinstance(obj, AbsenceNotice):
        return deletion_dt("absence_notices", day_end_utc(obj.last_day))
    if isinstance(obj, AbsenceReason):
        notice = obj.notice
        return min(deletion_dt("absence_reasons", day_end_utc(notice.last_day)), deletion_date(notice))
    return None
