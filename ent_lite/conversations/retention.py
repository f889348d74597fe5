"""How long conversations are kept, and what the purge deletes.

- ``conversations`` (school year): a thread goes with the school year of its last message,
  with its members, messages, reads and files.
- ``read_receipts``: the mark of how far a member read goes with the school year it was
  last moved in.

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from ent_lite.conversations.models import Message, Thread, ThreadRead
from ent_lite.privacy.registry import classify_columns, deletion_date_of, purge_job
from ent_lite.privacy.retention import deletion_date, deletion_dt

classify_columns("thread", {
    "conversations": "id public_id establishment_id child_id guardian_id post_id subject started_by_id "
                     "created_dt last_message_dt closed_dt closed_by_id",
})
classify_columns("thread_member", {
    "conversations": "id thread_id user_id",
})
classify_columns("message", {
    "conversations": "id public_id thread_id author_id body created_dt withdrawn_dt",
})
classify_columns("thread_read", {
    "read_receipts": "id thread_id user_id last_read_dt",
})


@purge_job("conversations")
def due_threads(cutoff: datetime) -> Select:
    return select(Thread.id).where(Thread.last_message_dt < cutoff)


# After the posts' read receipts (ent_lite.posts.retention).
@purge_job("read_receipts", order=1)
def due_thread_reads(cutoff: datetime) -> Select:
    return select(ThreadRead.id).where(ThreadRead.last_read_dt < cutoff)


@deletion_date_of(Thread)
def thread_deletion_date(thread: Thread) -> datetime:
    return deletion_dt("conversations", thread.last_message_dt)


@deletion_date_of(Message)
def message_deletion_date(message: Message) -> datetime:
    return deletion_date(message.thread)
