"""Deleting what is past its retention (``flask ent-lite purge``).

Each category runs the purge jobs its features registered (``registry.purge_job``), in
``PURGE_ORDER``: a job selects its due "top" rows (posts, threads, children...) and everything
that references them is deleted with them (ent_lite.privacy.deletion), or the feature deletes
them through its own service (families and children go through erasure). A dry run computes
the same plan and changes nothing. At the boundary an item is kept at its deletion instant and
due from the instant after, in every category (retention.cutoff). Each category of a real run
writes one audit entry, counts only.
"""
from __future__ import annotations

from datetime import datetime

from ent_lite.audit.anchors import write_anchor
from ent_lite.audit.services import record
from ent_lite.extensions import db
from ent_lite.privacy import retention
from ent_lite.privacy.deletion import execute_plan, pk, plan_deletion
from ent_lite.privacy.registry import EXPIRING, PURGE_ORDER, CategoryResult, PurgeJob, jobs_for

DEFAULT_BATCH_SIZE = 500
PURGE_ACTION = "purge.run"


def _query_table(query):
    (column,) = query.selected_columns
    return column.table


def run_job(job: PurgeJob, result: CategoryResult, now: datetime, *, days: int | None, dry_run: bool = False,
            batch_size: int = DEFAULT_BATCH_SIZE) -> None:
    """Run one job of ``result``'s category, adding what it deleted (or would) to ``result``."""
    if job.sweeps:
        job.function(result, now, days, dry_run, batch_size)
        return
    query = job.function(retention.cutoff(job.category, now, days))
    top = _query_table(query)
    while True:
        ids = set(db.session.scalars(query.order_by(pk(top)).limit(None if dry_run else batch_size)))
        if not ids:
            break
        result.rows += len(ids)
        if job.erase is not None and not dry_run:
            job.erase(ids, now, result)
            db.session.commit()
            continue
        plan = plan_deletion(top, ids)
        for name, rows in plan.rows.items():
            if name not in job.keeps:
                result.by_table[name] += len(rows)
        if dry_run:
            result.files += len(plan.file_keys())
            break
        result.files += execute_plan(plan)
        db.session.commit()


def purge_category(key: str, now: datetime, *, dry_run: bool = False,
                   batch_size: int = DEFAULT_BATCH_SIZE) -> CategoryResult:
    """Run every job of category ``key`` in its order."""
    days = retention.effective_days(key) if key in retention.CATEGORIES else None
    result = CategoryResult(key)
    for job in jobs_for(key):
        run_job(job, result, now, days=days, dry_run=dry_run, batch_size=batch_size)
    return result


def run_purge(now: datetime, *, dry_run: bool = False, batch_size: int = DEFAULT_BATCH_SIZE) -> list[CategoryResult]:
    """Purge every category; a real run writes one audit entry per category, counts only, then
    anchors the audit chain's head outside the database (ent_lite.audit.anchors)."""
    results = []
    for key in PURGE_ORDER + EXPIRING:
        result = purge_category(key, now, dry_run=dry_run, batch_size=batch_size)
        if not dry_run:
            record(PURGE_ACTION, now=now, details={"category": result.category, "rows": result.rows,
                                                   "files": result.files, **result.extra})
            db.session.commit()
        results.append(result)
    if not dry_run:
        write_anchor()
    return results
