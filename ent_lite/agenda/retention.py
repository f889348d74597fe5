"""How long calendar events are kept (``class_content``): with their school year, counted from
the end of the last day they cover, as posts are from their publication. The private calendar
feed lives as long as its account (``accounts``) and is deleted with it.

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ent_lite.agenda.models import Event
from ent_lite.core.localtime import day_end_utc, last_day_ended_before
from ent_lite.privacy.retention import deletion_dt


def due_events(cutoff: datetime):
    last_day = Event.last_day_expr()
    return select(Event.id).where(last_day <= last_day_ended_before(cutoff))


def deletion_date(event: Event) -> datetime:
    return deletion_dt("class_content", day_end_utc(event.last_date))
