"""Consent records: appended, never updated or deleted by the application (PRIVACY.md A.1).

The state of a consent is the latest record of each guardian for (child or guardian,
purpose, audience); a withdrawal is a new record with ``granted`` false. The whole history
is the proof of what was agreed, when, and under which version of the privacy notice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.extensions import db
from ent_lite.privacy.registry import PURGE_OPTION


class ConsentRecord(db.Model):
    __tablename__ = "consent_record"
    __table_args__ = (
        Index("ix_consent_record_child", "child_id", "purpose"),
        Index("ix_consent_record_guardian", "guardian_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # Null for a purpose about the guardian themselves (city information).
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(50))
    # "class", "school", "city" for photo publication; null when the purpose has none.
    audience: Mapped[str | None] = mapped_column(String(20))
    # The privacy notice version the guardian had in front of them.
    notice_hash: Mapped[str] = mapped_column(String(64))
    granted: Mapped[bool] = mapped_column(Boolean)  # False: withdrawn
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        state = "granted" if self.granted else "withdrawn"
        return f"<ConsentRecord {self.purpose}/{self.audience} {state}>"


class AppendOnlyError(RuntimeError):
    """A consent record was about to be changed or deleted."""


@event.listens_for(ConsentRecord, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise AppendOnlyError("consent records are never updated: append a new one")


@event.listens_for(ConsentRecord, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise AppendOnlyError("consent records are never deleted one by one: see PURGE_OPTION")


# The retention purge and erasure delete records with PURGE_OPTION, and only they.


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state) -> None:
    # ORM bulk statements (session.execute(update(ConsentRecord)...)) skip the mapper events.
    if not (state.is_update or state.is_delete) or state.execution_options.get(PURGE_OPTION):
        return
    if state.bind_mapper is ConsentRecord.__mapper__:
        raise AppendOnlyError("consent records are never updated or deleted by the application")
