from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ent_lite.core.db_types import UTCDateTime
from ent_lite.extensions import db


class AuditEntry(db.Model):
    """One audited event. Written once, never changed; removed only by the audit purge.

    ``id`` is given by ``record`` (previous id + 1 while the chain is locked), so ids have no
    gaps and a missing number is a removed entry.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Pseudonymous references such as "user:<public_id>"; never names or emails.
    actor_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_ref: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))
    # Canonical JSON (sorted keys, compact) so the hash can be recomputed from the stored text.
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"


class AuditCheckpoint(db.Model):
    """Trusted start of the chain after a purge: the last purged entry's id and hash."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    through_id: Mapped[int] = mapped_column(Integer)
    through_hash: Mapped[str] = mapped_column(String(64))
