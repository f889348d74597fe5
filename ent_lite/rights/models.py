from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.extensions import db


class DataExport(db.Model):
    """A guardian's export ZIP, stored under a generated key until ``expires_dt`` (48 h)."""

    __tablename__ = "data_export"
    __table_args__ = (Index("ix_data_export_user_created", "user_id", "created_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
