from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db


def _local_day(context) -> date:
    """The city's calendar day of the export's creation."""
    return to_local(context.get_current_parameters().get("created_dt") or utcnow()).date()


class DataExport(db.Model):
    """A guardian's export ZIP, stored under a generated key until ``expires_dt`` (48 h)."""

    __tablename__ = "data_export"
    __table_args__ = (
        Index("ix_data_export_user_created", "user_id", "created_dt"),
        # At most one export per guardian and day (PRIVACY.md 14), held by the database itself
        # so that requests racing each other cannot each make one.
        UniqueConstraint("user_id", "export_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    export_day: Mapped[date] = mapped_column(Date, default=_local_day)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
