"""An event's document (the week's menu as a PDF): uploaded through the files pipeline, kept
between two submits of the event form as a draft, readable exactly by who may see the event.

- Upload: ``files.services.prepare_uploads`` checks the bytes (PRIVACY.md 30); only a PDF is
  accepted here (415 otherwise), one per event.
- Between submits: stored as an unlinked Attachment (``files.drafts``) whose id the form sends
  back in ``document_draft``; a new upload replaces it; ticking "remove" drops it. Once the
  event holds it, ``files.drafts.held_by`` (registered here) says it is no draft.
- Reading: ``ent_lite.rules.can_read_attachment`` asks ``event_document_readable`` for a file
  an event holds: its readers and managers (``rules.can_view_event``), nobody else, the
  uploader included once the event is not theirs to see.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ent_lite import rules
from ent_lite.agenda.models import Event
from ent_lite.extensions import db
from ent_lite.files import drafts as file_drafts
from ent_lite.files.processing import Processed, UploadRefused
from ent_lite.files.services import prepare_uploads

DRAFT_FIELD = "document_draft"
REMOVE_FIELD = "remove_document"

# An event's PDF belongs to its event: never a form's draft, never swept by the draft purge.
file_drafts.held_by(Event.document_id)


def prepare_document(file_storage) -> list[Processed]:
    """The processed PDF chosen (or []), before any write; UploadRefused when it is not one."""
    processed = prepare_uploads([file_storage] if file_storage else [])
    if any(p.file_type.kind != "pdf" for p in processed):
        raise UploadRefused(415, _("Choose a PDF document."))
    return processed


def keep_document(user, sent: str | None, remove: bool, processed: list[Processed], now: datetime):
    """The draft the form holds after this submit: a new upload replaces the one sent back,
    "remove" drops it. Flushed; the view commits."""
    sent_ids = [sent] if sent else []
    dropped = sent_ids if (remove or processed) else []
    kept = file_drafts.keep_drafts(user, sent_ids, dropped, processed, now)
    return kept[-1] if kept else None


@rules.attachment_owner
def event_document_readable(user, attachment, now=None, reach=None) -> bool | None:
    """Whether ``user`` may read this file, when it is an event's document (None otherwise)."""
    event = db.session.scalar(select(Event).where(Event.document_id == attachment.id))
    if event is None:
        return None
    return rules.can_view_event(user, event, now, reach)
