from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ent_lite.core.db_types import UTCDateTime, utcnow
from ent_lite.extensions import db


class RetentionOverride(db.Model):
    """An administrator's retention duration for one category, within the policy's bounds."""

    __tablename__ = "retention_override"

    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
