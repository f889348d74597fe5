"""A guardian's request to the data protection officer (PRIVACY.md C.16).

Kept after it is answered as proof that it was answered in time (retention category
"rights_requests"); the requester's account may be erased meanwhile, so the link to them
is set to null rather than the request removed.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id
from ent_lite.extensions import db


class RequestKind:
    ERASURE = "erasure"
    CHILD_CORRECTION = "child_correction"
    OBJECTION = "objection"
    OTHER = "other"
    ALL = (ERASURE, CHILD_CORRECTION, OBJECTION, OTHER)


class RequestStatus:
    OPEN = "open"
    DONE = "done"
    REFUSED = "refused"
    ALL = (OPEN, DONE, REFUSED)
    CLOSED = (DONE, REFUSED)


# The answer stored on the open requests an erasure closes (their requester is gone), in
# English like every stored code; shown translated.
ERASURE_NOTE = "Closed by the erasure of the account."
_ERASURE_NOTE_SHOWN = _l("Closed by the erasure of the account.")


class RightsRequest(db.Model):
    __tablename__ = "rights_request"
    __table_args__ = (Index("ix_rights_request_status_due", "status", "due_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    kind: Mapped[str] = mapped_column(String(20))
    # The requester's city, whose DPO answers; kept when the requester's account is erased.
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id", ondelete="SET NULL"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    received_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    # One calendar month after receipt (GDPR article 12(3)).
    due_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.OPEN)
    handled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    answer: Mapped[str | None] = mapped_column(Text)

    requester = relationship("User", foreign_keys=[requester_id])
    handled_by = relationship("User", foreign_keys=[handled_by_id])
    child = relationship("Child")

    def __repr__(self) -> str:
        return f"<RightsRequest {self.public_id} {self.kind} {self.status}>"

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and self.due_dt < now

    @property
    def closed_by_erasure(self) -> bool:
        return self.answer == ERASURE_NOTE

    @property
    def shown_answer(self) -> str | None:
        """The answer as the DPO's pages show it."""
        return str(_ERASURE_NOTE_SHOWN) if self.closed_by_erasure else self.answer
