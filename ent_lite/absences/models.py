"""Absence notices: a guardian tells the school and/or the periscolaire a child will be absent.

A notice covers one day or a period (``first_day`` to ``last_day``, local dates). It goes to
the school (the class teachers and directors see it) and/or the periscolaire (the animators
of the child's groups and the site leads). For today, the periscolaire takes it until its
site's cutoff hour (``Establishment.absence_cutoff``, 16 h by default): after that the family
phones the site. Each side acknowledges it once ("seen by the school at 8 h 12"), which the
guardian sees. The optional reason may be about health: it lives in its own row
(``AbsenceReason``) that the purge deletes shortly after the last day (``absence_reasons``);
the notice itself goes with the school year.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.extensions import db


class AbsenceNotice(db.Model):
    __tablename__ = "absence_notice"
    __table_args__ = (Index("ix_absence_notice_days", "first_day", "last_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    to_school: Mapped[bool] = mapped_column(Boolean, default=True)
    to_periscolaire: Mapped[bool] = mapped_column(Boolean, default=False)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A guardian may withdraw a notice (the child comes after all); staff then see it struck.
    cancelled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    school_seen_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    school_seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    periscolaire_seen_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    periscolaire_seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    child = relationship("Child")
    author = relationship("User", foreign_keys=[author_id])
    school_seen_by = relationship("User", foreign_keys=[school_seen_by_id])
    periscolaire_seen_by = relationship("User", foreign_keys=[periscolaire_seen_by_id])
    reason: Mapped[AbsenceReason | None] = relationship(
        back_populates="notice", cascade="all, delete-orphan", passive_deletes=True, uselist=False)

    def __repr__(self) -> str:
        return f"<AbsenceNotice {self.public_id}>"

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


class AbsenceReason(db.Model):
    """The free text a family chose to give with a notice; possibly about health, hence its own
    row and short retention."""

    __tablename__ = "absence_reason"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("absence_notice.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    notice: Mapped[AbsenceNotice] = relationship(back_populates="reason")
