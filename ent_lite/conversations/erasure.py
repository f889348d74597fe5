"""Erasure in conversations.

A guardian's messages keep their place in the thread but lose their text, files and author,
as a withdrawn message does, and the threads they started lose their subject (the pages show
a neutral "Subject removed"): the staff's replies and the other guardian's messages stay
readable, and nothing the erased guardian wrote remains. Threads about an erased child go
entirely, with every message and file in them, and so do a guardian's own threads with a city
service (no child: nobody else of the family reads them); with a child, only the link goes.
"""
from __future__ import annotations

from sqlalchemy import select, update

from ent_lite.conversations.models import Message, Thread, ThreadMember, ThreadRead
from ent_lite.erasure.helpers import counts, delete_attachments, delete_where, set_null
from ent_lite.erasure.signals import erasure_handler
from ent_lite.extensions import db
from ent_lite.files.models import Attachment


@erasure_handler("user", "message.author_id", "thread.started_by_id", "thread.closed_by_id",
                 "thread_read.user_id", "thread_member.user_id")
def erase_guardian_messages(user, *, now, **_) -> dict[str, int]:
    written = select(Message.id).where(Message.author_id == user.id)
    files = delete_attachments(Attachment.message_id.in_(written))
    blanked = db.session.execute(
        update(Message).where(Message.author_id == user.id)
        .values(body="", author_id=None, withdrawn_dt=db.func.coalesce(Message.withdrawn_dt, now))
    ).rowcount or 0
    # The subject is the guardian's words too; read before ``started_by_id`` is dropped.
    db.session.execute(update(Thread).where(Thread.started_by_id == user.id).values(subject=""))
    return counts(
        message=blanked,
        thread=set_null(Thread.started_by_id, user.id) + set_null(Thread.closed_by_id, user.id),
        thread_read=delete_where(ThreadRead, ThreadRead.user_id == user.id),
        thread_member=delete_where(ThreadMember, ThreadMember.user_id == user.id),
        **files,
    )


@erasure_handler("child", "thread.child_id")
def erase_child_threads(child, **_) -> dict[str, int]:
    return _delete_threads(list(db.session.scalars(select(Thread.id).where(Thread.child_id == child.id))))


@erasure_handler("user", "thread.guardian_id")
def erase_guardian_service_threads(user, **_) -> dict[str, int]:
    own = list(db.session.scalars(select(Thread.id).where(Thread.guardian_id == user.id, Thread.child_id.is_(None))))
    deleted = _delete_threads(own)
    unlinked = set_null(Thread.guardian_id, user.id)
    return counts(**{**deleted, "thread": deleted.get("thread", 0) + unlinked})


def _delete_threads(thread_ids: list[int]) -> dict[str, int]:
    """Threads with every message, file, read mark and member in them."""
    if not thread_ids:
        return {}
    in_threads = select(Message.id).where(Message.thread_id.in_(thread_ids))
    files = delete_attachments(Attachment.message_id.in_(in_threads))
    return counts(
        thread_read=delete_where(ThreadRead, ThreadRead.thread_id.in_(thread_ids)),
        thread_member=delete_where(ThreadMember, ThreadMember.thread_id.in_(thread_ids)),
        message=delete_where(Message, Message.thread_id.in_(thread_ids)),
        thread=delete_where(Thread, Thread.id.in_(thread_ids)),
        **files,
    )
