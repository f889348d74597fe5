"""The files a guardian's export holds: only what the guardian sent (the archive carries the files
themselves under ``files/``); photos of their children posted by staff are the school's."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.conversations.models import Message
from ent_lite.extensions import db
from ent_lite.privacy.retention import deletion_date
from ent_lite.rights.registry import exporter, file_path, post_refs, row, sent_files


@exporter("attachment", _l("Files you sent"))
def _attachments(guardian, child_ids):
    files = sent_files(guardian)
    posts = post_refs(a.post_id for a in files)
    message_ids = {a.message_id for a in files if a.message_id is not None}
    messages = dict(db.session.execute(select(Message.id, Message.public_id).where(Message.id.in_(message_ids))).all()) \
        if message_ids else {}
    return [row(public_id=a.public_id, name=a.display_name, kind=a.kind, content_type=a.content_type,
                 size_bytes=a.size_bytes, post=posts.get(a.post_id), message=messages.get(a.message_id),
                 created_dt=a.created_dt, file=file_path(a), deletion_dt=deletion_date(a)) for a in files]
