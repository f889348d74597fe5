"""How long consent records are kept, and what the purge deletes (``consent_records``).

Consent records are append-only: only these deletions carry the purge's option. A record is
kept while it is the consent in force and, as proof of what was agreed, for the retention
after it ends (5 years by default). Then the erased guardians' tombstone accounts that nothing
references any more go too.

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from ent_lite.accounts.models import User
from ent_lite.consents.models import ConsentRecord
from ent_lite.erasure.services import TOMBSTONE_ROLE
from ent_lite.extensions import db
from ent_lite.privacy import retention
from ent_lite.privacy.deletion import execute_plan, plan_deletion, references_to
from ent_lite.privacy.registry import CategoryResult, classify_columns, purge_job
from ent_lite.school.models import Child

classify_columns("consent_record", {
    "consent_records": "id public_id guardian_id child_id purpose audience notice_hash granted created_dt",
})


def _consent_ended(cutoff: datetime):
    """Condition on ConsentRecord: the consent ended before the cutoff.

    A record ends when a later one exists for the same guardian, child, purpose and audience
    (the later record's date; "later" in the order the consents service reads them), when its
    guardian was erased (the tombstone's date is the erasure's) or when the guardian's or the
    child's row is gone (the child's erasure deletes its records: nothing is left to prove).
    The latest record of a guardian and child who are still here is the consent in force.
    """
    record, later, guardian = ConsentRecord, aliased(ConsentRecord), aliased(User)
    superseded = select(later.id).where(
        later.guardian_id == record.guardian_id, later.child_id.is_not_distinct_from(record.child_id),
        later.purpose == record.purpose, later.audience.is_not_distinct_from(record.audience),
        or_(later.created_dt > record.created_dt, and_(later.created_dt == record.created_dt, later.id > record.id)),
        later.created_dt < cutoff,
    ).exists()
    guardian_erased = select(guardian.id).where(
        guardian.id == record.guardian_id, guardian.role == TOMBSTONE_ROLE, guardian.created_dt < cutoff,
    ).exists()
    guardian_gone = ~select(guardian.id).where(guardian.id == record.guardian_id).exists()
    child_gone = and_(record.child_id.is_not(None), ~select(Child.id).where(Child.id == record.child_id).exists())
    return or_(superseded, guardian_erased, guardian_gone, child_gone)


def _free_tombstones(cutoff: datetime):
    """Tombstone accounts that nothing will reference once the ended consent records are gone."""
    held = select(ConsentRecord.id).where(ConsentRecord.guardian_id == User.id, ~_consent_ended(cutoff)).exists()
    holds = ConsentRecord.__table__.c.guardian_id
    others = [select(column).where(column == User.id).exists()
              for _table, column, _ondelete in references_to(User.__table__) if column is not holds]
    return select(User.id).where(User.role == TOMBSTONE_ROLE, ~held, *[~other for other in others])


@purge_job("consent_records", order=0)
def due_consent_records(cutoff: datetime):
    return select(ConsentRecord.id).where(_consent_ended(cutoff))


@purge_job("consent_records", order=1, sweeps=User.__tablename__)
def purge_tombstones(result: CategoryResult, now: datetime, days: int, dry_run: bool, batch_size: int) -> None:
    """Delete the erased guardians' accounts whose last consent record was just purged; counted
    apart ("tombstones"), the category's rows being the records."""
    query = _free_tombstones(retention.cutoff("consent_records", now, days)).order_by(User.id)
    deleted = 0
    while True:
        ids = set(db.session.scalars(query.limit(None if dry_run else batch_size)))
        deleted += len(ids)
        if dry_run or not ids:
            break
        execute_plan(plan_deletion(User.__table__, ids))
        db.session.commit()
    result.extra["tombstones"] = deleted
    if deleted:
        result.by_table[User.__tablename__] += deleted
