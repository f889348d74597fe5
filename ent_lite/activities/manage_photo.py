"""An activity's photo: the posts' upload pipeline, kept across a form sent back, then adopted.

- The upload is checked and re-encoded by ``files.services.prepare_uploads`` (metadata such as
  GPS EXIF removed, PRIVACY.md 30) before any database write; only an image is a photo.
- A form sent back (an error, "Add sessions") keeps the photo as its author's draft file
  (``files.drafts``): the form carries the draft's public id, and a forged or someone else's id
  is ignored. An abandoned draft is purged as every draft file is.
- Saving the activity adopts the draft: its stored files become ``photo_key`` and
  ``photo_thumb_key`` and the draft row goes (not its files). A replaced or removed photo's
  files are deleted once the change is committed.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ent_lite.activities.models import Activity
from ent_lite.extensions import db
from ent_lite.files import drafts
from ent_lite.files.models import Attachment
from ent_lite.files.processing import Processed
from ent_lite.files.services import UploadRefused, delete_after_commit, prepare_uploads


def prepare(file_storage) -> Processed | None:
    """The processed photo, None when no file was chosen; UploadRefused when not a photo."""
    processed = prepare_uploads([file_storage] if file_storage is not None else [])
    if not processed:
        return None
    if processed[0].file_type.kind != "image":
        raise UploadRefused(415, _("The photo must be a JPEG, PNG or WebP image."))
    return processed[0]


def keep(user, draft_id: str | None, processed: Processed | None, now: datetime) -> Attachment | None:
    """The photo the form holds after this submit: a new upload replaces the earlier draft.
    Flushed; the caller commits."""
    held = drafts.own_drafts(user, [draft_id] if draft_id else [])
    if processed is None:
        return held[0] if held else None
    kept = drafts.keep_drafts(user, [d.public_id for d in held], [d.public_id for d in held], [processed], now)
    return kept[-1]


def adopt(activity: Activity, draft: Attachment | None, remove: bool) -> None:
    """Make ``draft`` the activity's photo (or remove the photo); flushed, caller commits."""
    if draft is None and not remove:
        return
    delete_after_commit((activity.photo_key, activity.photo_thumb_key))
    activity.photo_key = draft.storage_key if draft else None
    activity.photo_thumb_key = draft.thumbnail_key if draft else None
    if draft is not None:
        # The row only: its stored files are the activity's now.
        db.session.delete(draft)
    db.session.flush()
