"""Small tools the features' erasure handlers share. Flush only; the caller commits."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from ent_lite.erasure.signals import FILES
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.files.services import delete_attachment


def delete_where(model, *criteria, **options) -> int:
    """Delete the rows of ``model`` matching ``criteria``; returns how many."""
    statement = delete(model).where(*criteria)
    if options:
        statement = statement.execution_options(**options)
    return db.session.execute(statement).rowcount or 0


def set_null(column, value_id: int) -> int:
    """Drop a reference (``Model.column == value_id``) by setting it to null; returns how many."""
    model = column.class_
    return db.session.execute(update(model).where(column == value_id).values({column.key: None})).rowcount or 0


def delete_attachments(*criteria) -> dict[str, int]:
    """Delete the attachments matching ``criteria``; their stored files go once the caller commits."""
    attachments = list(db.session.scalars(select(Attachment).where(*criteria)))
    files = sum(1 for a in attachments for key in (a.storage_key, a.thumbnail_key) if key)
    for attachment in attachments:
        delete_attachment(attachment)
    return counts(attachment=len(attachments), **{FILES: files})


def counts(**values: int) -> dict[str, int]:
    """Counts without the zeros, so the audit entry lists only what was touched."""
    return {key: value for key, value in values.items() if value}
