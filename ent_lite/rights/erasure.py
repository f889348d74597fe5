"""Erasure of a guardian's data exports: the rows now, the ZIP files once the caller commits."""
from __future__ import annotations

from sqlalchemy import select

from ent_lite.erasure.helpers import counts, delete_where
from ent_lite.erasure.signals import FILES, erasure_handler
from ent_lite.extensions import db
from ent_lite.files.services import delete_after_commit
from ent_lite.rights.models import DataExport


@erasure_handler("user", "data_export.user_id")
def erase_exports(user, **_) -> dict[str, int]:
    keys = list(db.session.scalars(select(DataExport.storage_key).where(DataExport.user_id == user.id)))
    files = delete_after_commit(keys)
    return counts(data_export=delete_where(DataExport, DataExport.user_id == user.id), **{FILES: files})
