"""How long the audit log is kept (``audit_log``, 12 months by default, CNIL's logging
recommendation), purged by the audit log's own service so its chain stays verifiable."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from ent_lite.audit.models import AuditEntry
from ent_lite.audit.services import purge_audit
from ent_lite.extensions import db
from ent_lite.privacy.registry import NOT_PERSONAL, CategoryResult, classify_columns, purge_job

classify_columns("audit_entry", {
    "audit_log": "id created_dt actor_ref actor_role action target_ref outcome details prev_hash "
                 "entry_hash",
})
classify_columns("audit_checkpoint", {
    NOT_PERSONAL: "id created_dt through_id through_hash",
})


@purge_job("audit_log", sweeps=AuditEntry.__tablename__)
def purge_audit_log(result: CategoryResult, now: datetime, days: int, dry_run: bool, batch_size: int) -> None:
    if dry_run:
        result.rows = db.session.scalar(select(func.count()).select_from(AuditEntry)
                                        .where(AuditEntry.created_dt < now - timedelta(days=days))) or 0
    else:
        result.rows = purge_audit(now, timedelta(days=days), batch_size=batch_size)
    if result.rows:
        result.by_table[AuditEntry.__tablename__] = result.rows
