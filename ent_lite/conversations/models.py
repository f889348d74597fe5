"""Conversations: threads about one child (staff and that child's guardians) or between staff.

Who reads a thread is decided by ``ent_lite.rules`` from the roster as it is now,
never stored as a recipient list: a teacher who leaves the class stops reading its threads.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.extensions import db


class Thread(db.Model):
    """A child thread (``child_id`` set) or a staff-to-staff thread (``child_id`` null).

    ``establishment_id`` is the school or periscolaire site the thread is with: a child
    thread is read by that establishment's staff of the child's current groups, a staff
    thread by its members who still work there.
    """

    __tablename__ = "thread"
    __table_args__ = (Index("ix_thread_last_message", "last_message_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    # A thread with a city service (establishment of kind "service"): the guardian who wrote
    # to it. Every agent of the service reads it (a shared inbox); without a child it is that
    # guardian's alone, with one it is read by all the child's guardians as a child thread is.
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # The post a guardian replied to, if the thread started there.
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_message_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    establishment = relationship("Establishment")
    child = relationship("Child")
    post = relationship("Post")
    started_by = relationship("User", foreign_keys=[started_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])
    guardian = relationship("User", foreign_keys=[guardian_id])
    members: Mapped[list[ThreadMember]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", passive_deletes=True
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Message.id",
    )

    def __repr__(self) -> str:
        return f"<Thread {self.public_id}>"

    @property
    def is_closed(self) -> bool:
        return self.closed_dt is not None


class ThreadMember(db.Model):
    """A staff member of a staff-to-staff thread; on a child thread, the staff it was addressed to."""

    __tablename__ = "thread_member"
    __table_args__ = (UniqueConstraint("thread_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)

    thread: Mapped[Thread] = relationship(back_populates="members")
    user = relationship("User")


class ThreadRead(db.Model):
    """When a user last opened a thread; messages newer than this are unread for them."""

    __tablename__ = "thread_read"
    __table_args__ = (UniqueConstraint("thread_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    last_read_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Message(db.Model):
    """One message; a withdrawn message keeps its place but not its text."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_thread_created", "thread_id", "created_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    thread: Mapped[Thread] = relationship(back_populates="messages")
    author = relationship("User")

    def __repr__(self) -> str:
        return f"<Message {self.public_id}>"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_dt is not None
