"""Serving stored files, only to those who may read the post or message they belong to.

Every refusal (unknown id, no right, thumbnail of a PDF, file missing from storage) is the
same 404, so nobody learns whether a file exists. Responses are never cached: the global
headers give ``Cache-Control: no-store`` as on every authenticated page, so a child's photo
does not stay on a shared phone after logout.
"""
from __future__ import annotations

import logging
import os

from flask import Blueprint, abort, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ent_lite import rules
from ent_lite.core.db_types import PUBLIC_ID_LENGTH
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.files.processing import THUMBNAIL_CONTENT_TYPE, human_size, thumbnail_size
from ent_lite.files.storage import get_storage

bp = Blueprint("files", __name__, template_folder="templates")
log = logging.getLogger(__name__)

# The file is never a page: no script, no plugin, no form, no same-origin rights even if a
# browser were tricked into rendering it as one.
FILE_CSP = "default-src 'none'; sandbox"


@bp.app_template_filter("human_size")
def human_size_filter(size: int) -> str:
    return human_size(size)


@bp.app_template_global("thumbnail_size")
def thumbnail_size_of(attachment) -> tuple[int, int]:
    return thumbnail_size(attachment.width or 1, attachment.height or 1)


@bp.app_template_global("photo_alt")
def photo_alt(attachment) -> str:
    return _("Photo: %(name)s", name=attachment.display_name)


def _readable_or_404(public_id: str) -> Attachment:
    if len(public_id) > PUBLIC_ID_LENGTH:
        abort(404)
    attachment = db.session.scalar(select(Attachment).where(Attachment.public_id == public_id))
    if attachment is None or not rules.can_read_attachment(current_user, attachment):
        abort(404)
    return attachment


def _send(key: str, content_type: str, name: str, as_attachment: bool):
    try:
        stream = get_storage().open(key)
    except (FileNotFoundError, ValueError):
        log.warning("a stored file is missing")
        abort(404)
    response = send_file(stream, mimetype=content_type, as_attachment=as_attachment, download_name=name,
                         conditional=False, etag=False, max_age=None)
    try:
        response.content_length = os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError):
        pass  # a stream without a file behind it (an object store) is sent without a length
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Other sites cannot embed a signed-in reader's files.
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@bp.get("/files/<public_id>")
def download(public_id: str):
    attachment = _readable_or_404(public_id)
    # Images open in the browser; documents are downloaded, never rendered in our origin.
    return _send(attachment.storage_key, attachment.content_type, attachment.display_name,
                 as_attachment=attachment.kind != "image")


@bp.get("/files/<public_id>/thumb")
def thumbnail(public_id: str):
    attachment = _readable_or_404(public_id)
    if not attachment.thumbnail_key:
        abort(404)
    stem = attachment.display_name.rsplit(".", 1)[0]
    return _send(attachment.thumbnail_key, THUMBNAIL_CONTENT_TYPE, f"{stem}.webp", as_attachment=False)
