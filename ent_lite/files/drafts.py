"""Files chosen for a post that is not published yet: kept between two submits of its form.

A form sent back for correction (a missing title, a refused photo tag, "Preview", "Add a
question") must not make its author pick their photos again. The processed upload is stored
as an ordinary Attachment that belongs to no post and no message yet, and the form carries
its random public id in a hidden ``draft_file`` input. Such a draft is its uploader's alone:
``rules.can_read_attachment`` serves an unlinked file to its uploader only, and ``own_drafts``
ignores ids of anybody else's file (a forged or stale id is dropped, never an error).

Publishing links the drafts to the post. A draft never published is abandoned: the purge
deletes it (retention category "draft_files", counted from the upload) with its stored files.

Other parts that keep a file by their own column (a calendar event's document, the week's
menu) register that column with ``held_by``: a file it points at belongs to that row, so it
is nobody's draft. This package knows none of them.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, select

from ent_lite.core.db_types import PUBLIC_ID_LENGTH
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.files.processing import Processed
from ent_lite.files.services import (
    MAX_FILES_PER_REQUEST,
    UploadRefused,
    chosen_files,
    delete_attachment,
    store_processed,
)

# The inputs the compose form sends: the drafts it holds, and those ticked "Remove".
DRAFT_FIELD = "draft_file"
REMOVE_FIELD = "remove_draft"


# The registered columns (attachment ids) whose files are in use; see the module docstring.
_holders: dict[str, object] = {}


def held_by(column) -> None:
    """Register a column holding ``attachment.id``: the files it points at are not drafts."""
    _holders[str(column)] = column


def _is_draft():
    held = [~select(column).where(column == Attachment.id).exists() for column in _holders.values()]
    return (Attachment.post_id.is_(None), Attachment.message_id.is_(None), *held)


def own_drafts(user, public_ids: Iterable[str]) -> list[Attachment]:
    """The drafts among these ids that ``user`` uploaded, in upload order; other ids are ignored."""
    ids = sorted({i for i in public_ids if isinstance(i, str) and 0 < len(i) <= PUBLIC_ID_LENGTH})
    user_id = getattr(user, "id", None)
    if not ids or user_id is None:
        return []
    return list(db.session.scalars(
        select(Attachment).where(Attachment.public_id.in_(ids[:MAX_FILES_PER_REQUEST]),
                                 Attachment.uploader_id == user_id, *_is_draft())
        .order_by(Attachment.created_dt, Attachment.id)))


def check_room(user, sent: Iterable[str], removed: Iterable[str], files: Iterable) -> None:
    """Refuse new files that would take a post past its limit, counting the drafts it holds:
    the form keeps those, and tells the author to remove some first (never drops one silently)."""
    held = [d for d in own_drafts(user, sent) if d.public_id not in set(removed)]
    if len(held) + len(chosen_files(files)) > MAX_FILES_PER_REQUEST:
        raise UploadRefused(413, _("A post holds at most %(n)s files: remove some before adding more.",
                                   n=MAX_FILES_PER_REQUEST))


def keep_drafts(user, sent: Iterable[str], removed: Iterable[str], processed: Iterable[Processed],
                now: datetime) -> list[Attachment]:
    """The drafts a form holds after this submit: those it sent back minus those ticked
    "Remove" (deleted), then this submit's new uploads stored as drafts. Flushed; caller commits."""
    removed = set(removed)
    kept = []
    for draft in own_drafts(user, sent):
        if draft.public_id in removed:
            delete_attachment(draft)
        else:
            kept.append(draft)
    return kept + store_processed(processed, user, now)


def attach_drafts(drafts: Iterable[Attachment], *, post_id: int) -> None:
    """Link the form's drafts to the post just written: they are its files from now on."""
    for draft in drafts:
        draft.post_id = post_id
    db.session.flush()


def due_drafts(cutoff: datetime) -> Select:
    """Drafts uploaded before the cutoff and never published (the purge's "draft_files")."""
    return select(Attachment.id).where(*_is_draft(), Attachment.created_dt < cutoff)
