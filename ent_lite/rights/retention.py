"""How long guardians' data exports are kept: each carries its own expiry (48 hours by
default, ``data_exports``), after which the purge deletes the row and then its ZIP file."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from ent_lite.extensions import db
from ent_lite.files.services import delete_after_commit
from ent_lite.privacy.registry import CategoryResult, classify_columns, purge_job
from ent_lite.rights.models import DataExport

classify_columns("data_export", {
    "data_exports": "id public_id user_id created_dt export_day expires_dt storage_key size",
})


@purge_job("exports", sweeps=DataExport.__tablename__)
def purge_exports(result: CategoryResult, now: datetime, days: int | None, dry_run: bool, batch_size: int) -> None:
    """Delete exports past their expiry and their files."""
    due = list(db.session.execute(select(DataExport.id, DataExport.storage_key).where(DataExport.expires_dt <= now)))
    result.rows = result.files = len(due)
    if due:
        result.by_table[DataExport.__tablename__] = len(due)
    if dry_run or not due:
        return
    db.session.execute(delete(DataExport).where(DataExport.id.in_([i for i, _k in due])))
    # Files go once the rows are gone, so no row ever points at a missing file.
    delete_after_commit(key for _id, key in due)
    db.session.commit()
