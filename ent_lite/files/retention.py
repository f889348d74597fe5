"""How long stored files are kept, and what the purge removes with their rows.

An attachment goes with its post or message (their own categories); a draft never published
goes a day (by default) after its upload (``draft_files``, ent_lite.files.drafts). Whatever
deletes attachment rows, the purge removes their stored files once the deletion is committed.

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ent_lite.conversations.models import Message
from ent_lite.extensions import db
from ent_lite.files.drafts import due_drafts
from ent_lite.files.models import Attachment
from ent_lite.posts.models import Post
from ent_lite.privacy.registry import NOT_PERSONAL, classify_columns, deletion_date_of, purge_job, stored_files
from ent_lite.privacy.retention import deletion_date, deletion_dt

classify_columns("attachment", {
    "class_content": "id public_id post_id message_id uploader_id display_name storage_key thumbnail_key "
                     "created_dt",
    NOT_PERSONAL: "kind content_type size_bytes width height",
})

purge_job("draft_files")(due_drafts)


@stored_files(Attachment.__tablename__)
def attachment_files(ids: set[int]) -> list[str]:
    pairs = db.session.execute(select(Attachment.storage_key, Attachment.thumbnail_key)
                               .where(Attachment.id.in_(ids))).all()
    return [key for pair in pairs for key in pair if key]


@deletion_date_of(Attachment)
def attachment_deletion_date(attachment: Attachment) -> datetime:
    if attachment.post_id is not None:
        return deletion_date(db.session.get(Post, attachment.post_id))
    if attachment.message_id is not None:
        return deletion_date(db.session.get(Message, attachment.message_id))
    return deletion_dt("draft_files", attachment.created_dt)  # a draft never published
