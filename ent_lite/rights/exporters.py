"""The rights rows a guardian's export holds: their previous data exports (dates and sizes)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.extensions import db
from ent_lite.rights.models import DataExport
from ent_lite.rights.registry import exporter, row


@exporter("data_export", _l("Your data exports"))
def _exports(guardian, child_ids):
    rows = db.session.scalars(select(DataExport).where(DataExport.user_id == guardian.id).order_by(DataExport.id))
    return [row(public_id=r.public_id, created_dt=r.created_dt, expires_dt=r.expires_dt, size=r.size) for r in rows]
