"""How long posts and what families did with them are kept, and what the purge deletes.

- ``class_content`` (school year): a post goes with its school year, counted from its
  publication, with its audience, photo tags, files, forms and everything referencing it.
- ``form_answers``: a signature goes with the school year it was given in.
- ``read_receipts``: a read receipt goes with the school year it was written in.

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from ent_lite.posts.models import Post, PostRead, PostSignature
from ent_lite.privacy.registry import NOT_PERSONAL, classify_columns, deletion_date_of, purge_job
from ent_lite.privacy.retention import deletion_dt

classify_columns("post", {
    "class_content": "id public_id author_id title body_markdown body_html created_dt published_dt "
                     "expires_dt edited_dt ack_due_dt reminded_dt",
    NOT_PERSONAL: "submission_token is_optional_info establishment_id is_urgent is_pinned replies_allowed "
                  "requires_ack ack_every_guardian",
})
classify_columns("post_audience", {
    "class_content": "id post_id kind value",
})
classify_columns("post_photo_child", {
    "class_content": "id post_id child_id",
})
classify_columns("post_signature", {
    "form_answers": "id post_id child_id user_id signed_dt",
})
classify_columns("post_read", {
    "read_receipts": "id post_id user_id read_dt",
})


# Posts first in their category: events and audience rules (ent_lite.agenda.retention) follow.
@purge_job("class_content", order=0)
def due_posts(cutoff: datetime) -> Select:
    return select(Post.id).where(Post.published_dt < cutoff)


# After the forms' answers (ent_lite.forms.retention).
@purge_job("form_answers", order=1)
def due_signatures(cutoff: datetime) -> Select:
    return select(PostSignature.id).where(PostSignature.signed_dt < cutoff)


# Before the conversations' read receipts (ent_lite.conversations.retention).
@purge_job("read_receipts", order=0)
def due_reads(cutoff: datetime) -> Select:
    return select(PostRead.id).where(PostRead.read_dt < cutoff)


@deletion_date_of(Post)
def post_deletion_date(post: Post) -> datetime:
    return deletion_dt("class_content", post.published_dt)
