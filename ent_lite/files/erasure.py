"""Erasure of the files a guardian sent (message attachments): rows now, stored files at commit."""
from __future__ import annotations

from ent_lite.erasure.helpers import delete_attachments
from ent_lite.erasure.signals import erasure_handler
from ent_lite.files.models import Attachment


@erasure_handler("user", "attachment.uploader_id")
def erase_uploads(user, **_) -> dict[str, int]:
    return delete_attachments(Attachment.uploader_id == user.id)
