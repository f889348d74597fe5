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
from ent_lite.privacy.retention import deletion_dt


def due_queries(key: str, cutoff: datetime) -> list:
    last_day = last_day_ended_before(cutoff)
    return {
        "absence_notices": [select(AbsenceNotice.id).where(AbsenceNotice.last_day <= last_day)],
        "absence_reasons": [select(AbsenceReason.id).join(AbsenceNotice, AbsenceNotice.id == AbsenceReason.notice_id)
                            .where(AbsenceNotice.last_day <= last_day)],
    }.get(key, [])


def deletion_date(obj) -> datetime | None:
    """When a notice or its reason is deleted (None: not ours)."""
    if isinstance(obj, AbsenceNotice):
        return deletion_dt("absence_notices", day_end_utc(obj.last_day))
    if isinstance(obj, AbsenceReason):
        notice = obj.notice
        return min(deletion_dt("absence_reasons", day_end_utc(notice.last_day)), deletion_date(notice))
    return None
