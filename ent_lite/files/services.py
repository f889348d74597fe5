"""Storing, listing and deleting attachments. Services flush; the view commits.

Stored files follow the database transaction: files written for a transaction that is
rolled back (or never committed) are removed, and files of deleted attachments are removed
only once the deletion is committed. So a refused form leaves no orphan behind and a failed
commit never leaves a row pointing at a missing file.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.files.processing import Checked, Limits, Processed, UploadRefused, check, process
from ent_lite.files.storage import Storage, get_storage, new_key

__all__ = [
    "UploadRefused", "prepare_uploads", "store_processed", "store_upload", "store_uploads", "chosen_files",
    "delete_attachment", "delete_attachments_of", "delete_after_commit", "attachments_by_owner",
    "MAX_FILES_PER_REQUEST",
]

log = logging.getLogger(__name__)

MAX_FILES_PER_REQUEST = 20
_PENDING = "ent_lite.files.pending"


def current_limits() -> Limits:
    config = current_app.config
    return Limits(config["MAX_FILE_BYTES"], config["MAX_IMAGE_PIXELS"], config["MAX_IMAGE_DECODED_BYTES"],
                  config["MAX_REQUEST_DECODED_BYTES"])


def _is_blank(file_storage) -> bool:
    """An empty file input still sends a part without a name: it is no upload."""
    return not isinstance(file_storage, FileStorage) or not file_storage.filename


def chosen_files(files: Iterable) -> list[FileStorage]:
    """The files actually chosen among a form's file inputs."""
    return [f for f in files or () if not _is_blank(f)]


def _checked(file_storage: FileStorage, limits: Limits) -> Checked:
    # One byte past the limit is enough to know the file is too large.
    data = file_storage.stream.read(limits.max_bytes + 1)
    return check(data, file_storage.filename, limits)


def prepare_uploads(files: Iterable) -> list[Processed]:
    """Check and process every file chosen, before anything is written: no database, no storage.

    Call it before the first write of the request, so the seconds a batch of photos may take
    never hold the database's write lock. Every file is checked, and the request's photos
    weighed together, before any is decoded: the first refused one (its name is in the
    message) raises UploadRefused.
    """
    chosen = chosen_files(files)
    if len(chosen) > MAX_FILES_PER_REQUEST:
        raise UploadRefused(413, _("You can send at most %(n)s files at once.", n=MAX_FILES_PER_REQUEST))
    limits = current_limits()
    checked = [_checked(f, limits) for f in chosen]
    if sum(c.decoded_bytes for c in checked) > limits.max_request_decoded_bytes:
        raise UploadRefused(413, _("These photos are too large to be processed together. Send fewer at a "
                                   "time, or save them as JPEG."))
    return [process(c, limits) for c in checked]


def store_processed(processed: Iterable[Processed], uploader, now: datetime, **owner) -> list[Attachment]:
    """Store what prepare_uploads returned; the new Attachments are flushed, linked to
    ``post_id=`` or ``message_id=`` when given."""
    return [_store(item, uploader, now, **owner) for item in processed]


def store_upload(file_storage: FileStorage, uploader, now: datetime) -> Attachment:
    """Check, re-encode and store one upload; the new Attachment is flushed, not linked.

    The caller sets ``post_id`` (or ``message_id``) and commits. Raises UploadRefused.
    """
    if _is_blank(file_storage):
        raise UploadRefused(400, _("Choose a file to send."))
    return store_processed(prepare_uploads([file_storage]), uploader, now)[0]


def store_uploads(files: Iterable, uploader, now: datetime) -> list[Attachment]:
    """prepare_uploads then store_processed: for callers that have written nothing yet."""
    return store_processed(prepare_uploads(files), uploader, now)


def _store(processed: Processed, uploader, now: datetime, post_id: int | None = None,
           message_id: int | None = None) -> Attachment:
    storage = get_storage()
    key = new_key(processed.file_type.extension)
    thumbnail_key = new_key("webp") if processed.thumbnail is not None else None
    for stored_key, data in ((key, processed.data), (thumbnail_key, processed.thumbnail)):
        if stored_key is not None:
            _pending(db.session)["written"].append((storage, stored_key))
            storage.save(stored_key, data)
    attachment = Attachment(
        post_id=post_id,
        message_id=message_id,
        uploader_id=getattr(uploader, "id", None),
        kind=processed.file_type.kind,
        content_type=processed.file_type.content_type,
        display_name=processed.display_name,
        storage_key=key,
        thumbnail_key=thumbnail_key,
        size_bytes=len(processed.data),
        width=processed.width,
        height=processed.height,
        created_dt=now,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def delete_attachment(attachment: Attachment) -> None:
    """Delete the row now (flushed) and its stored files once the deletion is committed."""
    delete_after_commit((attachment.storage_key, attachment.thumbnail_key))
    db.session.delete(attachment)
    db.session.flush()


def delete_after_commit(storage_keys: Iterable[str | None]) -> int:
    """Remove these stored files once the current transaction commits; a rollback keeps them,
    as it keeps the rows that point at them. Empty keys are skipped; returns how many."""
    storage = get_storage()
    keys = [key for key in storage_keys if key]
    _pending(db.session)["doomed"].extend((storage, key) for key in keys)
    return len(keys)


def delete_attachments_of(post_ids: Iterable[int] = (), message_ids: Iterable[int] = ()) -> int:
    """Delete the attachments of posts or messages about to be deleted; returns how many.

    Call it before deleting the owners: the database cascade would remove the rows but
    cannot remove the stored files.
    """
    attachments = [a for group in attachments_by_owner(post_ids, message_ids).values() for a in group]
    for attachment in attachments:
        delete_attachment(attachment)
    return len(attachments)


def attachments_by_owner(post_ids: Iterable[int] = (), message_ids: Iterable[int] = ()) -> dict:
    """{("post", id) or ("message", id): [Attachment, ...]} in upload order, in one query."""
    post_ids = sorted(set(post_ids))
    message_column = getattr(Attachment, "message_id", None)
    message_ids = sorted(set(message_ids)) if message_column is not None else []
    conditions = []
    if post_ids:
        conditions.append(Attachment.post_id.in_(post_ids))
    if message_ids:
        conditions.append(message_column.in_(message_ids))
    found: dict[tuple[str, int], list[Attachment]] = defaultdict(list)
    if not conditions:
        return found
    rows = db.session.scalars(select(Attachment).where(or_(*conditions)).order_by(Attachment.created_dt, Attachment.id))
    for attachment in rows:
        if attachment.post_id is not None:
            found[("post", attachment.post_id)].append(attachment)
        else:
            found[("message", getattr(attachment, "message_id"))].append(attachment)
    return found


# --- stored files follow the transaction ---------------------------------------------------

def _pending(session) -> dict[str, list[tuple[Storage, str]]]:
    return session.info.setdefault(_PENDING, {"written": [], "doomed": []})


def _remove(pairs) -> None:
    for storage, key in pairs:
        try:
            storage.delete(key)
        except OSError:
            # The row is already right; a leftover file is found by the storage check.
            log.warning("could not delete a stored file")


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer transaction decides
    pending = session.info.pop(_PENDING, None)
    if pending:
        _remove(pending["doomed"])


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is not None:
        return
    # Still pending here means the transaction ended without a commit (rollback or close).
    pending = session.info.pop(_PENDING, None)
    if pending:
        _remove(pending["written"])
