"""The calendar rows a guardian's export holds: their private calendar address (when it was
made and last read, never the token, which is not stored)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.agenda.models import CalendarFeed
from ent_lite.extensions import db
from ent_lite.rights.registry import exporter, row


@exporter("calendar_feed", _l("Your private calendar address"))
def _feeds(guardian, child_ids):
    feeds = db.session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == guardian.id)).all()
    return [row(created_dt=f.created_dt, last_read_dt=f.last_read_dt) for f in feeds]
