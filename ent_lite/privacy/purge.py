"""Deleting what is past its retention (``flask ent-lite purge``).

Each category selects its due rows (the "top" rows: posts, threads, children...); everything
that references them is found from the models' foreign keys and deleted with them (or has
its reference set to null), the database's own cascades not being relied on (SQLite does not
enforce them). Stored files of deleted attachments are removed after each batch commits.
A dry run computes the same plan and changes nothing. At the boundary an item is kept at its
deletion instant and due from the instant after, in every category (retention.cutoff).

Consent records are append-only: only these deletions carry the consents' purge option. A
record is kept while it is the consent in force and for the retention after it ends.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Table, and_, delete, exists, or_, select, update
from sqlalchemy.orm import aliased

from ent_lite.absences import retention as absences
from ent_lite.accounts.models import AccountToken, ActivationCode, Role, User
from ent_lite.activities import retention as activities
from ent_lite.agenda import retention as agenda
from ent_lite.audit.anchors import write_anchor
from ent_lite.consents.models import PURGE_OPTION, ConsentRecord
from ent_lite.conversations.models import Thread, ThreadRead
from ent_lite.dpo.models import RequestStatus, RightsRequest
from ent_lite.extensions import db
from ent_lite.files import drafts
from ent_lite.files.models import Attachment
from ent_lite.forms.models import Answer, PostForm, Question, Response
from ent_lite.notifications import retention as notifications
from ent_lite.posts.models import Post, PostRead, PostSignature
from ent_lite.privacy import retention
from ent_lite.school.models import Child, GuardianLink

DEFAULT_BATCH_SIZE = 500
PURGE_ACTION = "purge.run"
ACTIVITY_TABLE = "activity"  # its photo_key / photo_thumb_key are stored files


@dataclass
class Plan:
    """Rows to delete per table, and references to set to null, for a set of top rows."""

    rows: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    nulls: list[tuple[Table, str, set[int]]] = field(default_factory=list)

    def file_keys(self) -> list[str]:
        """The stored files the rows hold: attachments' and activities' photos (the table by
        name: this module does not import the activities' models)."""
        ids = self.rows.get(Attachment.__tablename__)
        pairs = db.session.execute(select(Attachment.storage_key, Attachment.thumbnail_key)
                                   .where(Attachment.id.in_(ids))).all() if ids else []
        return [key for pair in pairs for key in pair if key] + self.activity_photo_keys()

    def activity_photo_keys(self) -> list[str]:
        activity_ids = self.rows.get(ACTIVITY_TABLE)
        if not activity_ids:
            return []
        activity = _table(ACTIVITY_TABLE)
        pairs = db.session.execute(select(activity.c.photo_key, activity.c.photo_thumb_key)
                                   .where(activity.c.id.in_(activity_ids))).all()
        return [key for pair in pairs for key in pair if key]


@dataclass
class CategoryResult:
    category: str
    rows: int = 0
    files: int = 0
    # Every row the deletion reached, by table (the top rows and those deleted with them).
    by_table: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    note: str = ""
    # More counts for the audit entry (tombstone accounts deleted with the consent records).
    extra: dict[str, int] = field(default_factory=dict)


def _table(name: str) -> Table:
    return db.metadata.tables[name]


def _pk(table: Table):
    (column,) = table.primary_key.columns
    return column


def _references_to(table: Table) -> list[tuple[Table, object, str | None]]:
    found = []
    for other in db.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table:
                found.append((other, fk.parent, (fk.ondelete or "").upper() or None))
    return found


def plan_deletion(table: Table, ids: set[int], plan: Plan | None = None) -> Plan:
    """Everything to delete with rows ``ids`` of ``table``, following the foreign keys."""
    plan = plan or Plan()
    ids = set(ids) - plan.rows[table.name]
    if not ids:
        return plan
    plan.rows[table.name] |= ids
    for other, column, ondelete in _references_to(table):
        if ondelete == "SET NULL":
            plan.nulls.append((other, column.name, ids))
            continue
        child_ids = set(db.session.scalars(select(_pk(other)).where(column.in_(ids))))
        if not child_ids:
            continue
        if ondelete != "CASCADE":
            raise RuntimeError(f"{other.name}.{column.name} keeps rows of {table.name} referenced")
        plan_deletion(other, child_ids, plan)
    return plan


def execute_plan(plan: Plan) -> int:
    """Apply the plan in the current transaction; returns how many files will be removed."""
    from ent_lite.files.services import delete_after_commit, delete_attachment

    files = len(plan.file_keys())
    # An activity's photo is no attachment row: its files go once the deletion is committed.
    delete_after_commit(plan.activity_photo_keys())
    for table, column, ids in plan.nulls:
        deleted = plan.rows.get(table.name, set())
        db.session.execute(update(table).where(table.c[column].in_(ids), _pk(table).notin_(deleted))
                           .values({column: None}))
    attachment_ids = plan.rows.get(Attachment.__tablename__)
    if attachment_ids:
        # Through the files service, so stored files go once the deletion is committed.
        for attachment in db.session.scalars(select(Attachment).where(Attachment.id.in_(attachment_ids))):
            delete_attachment(attachment)
    for table in reversed(db.metadata.sorted_tables):
        ids = plan.rows.get(table.name)
        if ids and table.name != Attachment.__tablename__:
            # The retention purge is the one deletion consent records allow (with erasure).
            db.session.execute(delete(table).where(_pk(table).in_(ids)).execution_options(**{PURGE_OPTION: True}))
    return files


# --- what is due, per category ----------------------------------------------------------------

def _due_guardians(cutoff: datetime):
    """Guardians none of whose children is still here or left after the cutoff."""
    still_linked = exists().where(
        GuardianLink.user_id == User.id, GuardianLink.child_id == Child.id,
        or_(Child.left_dt.is_(None), Child.left_dt >= cutoff),
    )
    return select(User.id).where(
        User.role == Role.GUARDIAN, User.created_dt < cutoff, ~still_linked,
        or_(User.last_login_dt.is_(None), User.last_login_dt < cutoff),
    )


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
        guardian.id == record.guardian_id, guardian.role == _tombstone_role(), guardian.created_dt < cutoff,
    ).exists()
    guardian_gone = ~select(guardian.id).where(guardian.id == record.guardian_id).exists()
    child_gone = and_(record.child_id.is_not(None), ~select(Child.id).where(Child.id == record.child_id).exists())
    return or_(superseded, guardian_erased, guardian_gone, child_gone)


def _tombstone_role() -> str:
    from ent_lite.erasure.services import TOMBSTONE_ROLE

    return TOMBSTONE_ROLE


def _free_tombstones(cutoff: datetime):
    """Tombstone accounts that nothing will reference once the ended consent records are gone."""
    held = select(ConsentRecord.id).where(ConsentRecord.guardian_id == User.id, ~_consent_ended(cutoff)).exists()
    holds = ConsentRecord.__table__.c.guardian_id
    others = [select(column).where(column == User.id).exists()
              for _table, column, _ondelete in _references_to(User.__table__) if column is not holds]
    return select(User.id).where(User.role == _tombstone_role(), ~held, *[~other for other in others])


def due_queries(key: str, cutoff: datetime) -> list:
    """Selects of the ids of due top rows for one category (one per table)."""
    queries = {
        # Posts, then events, then the audience rules neither uses any more (agenda.retention).
        "class_content": [select(Post.id).where(Post.published_dt < cutoff), agenda.due_events(cutoff),
                          agenda.due_rules(cutoff, select(Post.id).where(Post.published_dt < cutoff))],
        "conversations": [select(Thread.id).where(Thread.last_message_dt < cutoff)],
        "read_receipts": [select(PostRead.id).where(PostRead.read_dt < cutoff),
                          select(ThreadRead.id).where(ThreadRead.last_read_dt < cutoff)],
        "form_answers": [select(Response.id).where(Response.updated_dt < cutoff),
                         select(PostSignature.id).where(PostSignature.signed_dt < cutoff)],
        "health_answers": [select(Answer.id).join(Question, Question.id == Answer.question_id)
                           .join(PostForm, PostForm.id == Question.form_id)
                           .where(Question.is_health.is_(True), PostForm.deadline_dt < cutoff)],
        "pupil_records": [select(Child.id).where(Child.left_dt.is_not(None), Child.left_dt < cutoff)],
        "accounts": [_due_guardians(cutoff)],
        "security_tokens": [
            select(ActivationCode.id).where(or_(ActivationCode.used_dt < cutoff, ActivationCode.expires_dt < cutoff)),
            select(AccountToken.id).where(or_(AccountToken.used_dt < cutoff, AccountToken.expires_dt < cutoff)),
        ],
        "consent_records": [select(ConsentRecord.id).where(_consent_ended(cutoff))],
        # Never what is still to send (ent_lite.notifications.retention).
        "notifications": notifications.due_queries(cutoff),
        "draft_files": [drafts.due_drafts(cutoff)],
        # Open requests are never due: they wait for an answer.
        "rights_requests": [select(RightsRequest.id).where(RightsRequest.status.in_(RequestStatus.CLOSED),
                                                           RightsRequest.handled_dt < cutoff)],
    }
    return queries.get(key) or activities.due_queries(key, cutoff) or absences.due_queries(key, cutoff)


def _query_table(query) -> Table:
    (column,) = query.selected_columns
    return column.table


# Categories in the order they run: a child's departure before its family's account, which
# may leave a tombstone holding consent records, deleted once those are; an activity's
# sensitive notes before its registrations.
PURGE_ORDER = ("class_content", "conversations", "form_answers", "health_answers", "read_receipts",
               "notifications", "activity_health_notes", "activity_registrations", "family_brackets",
               "absence_reasons", "absence_notices",
               "pupil_records", "accounts", "consent_records", "rights_requests",
               "security_tokens", "draft_files", "audit_log")


# Families and children go through the erasure service (one path for deletion: each feature
# erases its own rows and files, and the documented legal holds are kept); the dry run still
# plans from the foreign keys, leaving out the tables erasure keeps.
ERASED_BY_SERVICE = {"accounts": "user_account", "pupil_records": "child"}


def _held_tables(key: str) -> set[str]:
    from ent_lite.erasure.signals import LEGAL_HOLDS

    return {name.split(".")[0] for name in LEGAL_HOLDS[ERASED_BY_SERVICE[key]]}


def _erase(key: str, ids: set[int], now: datetime, result: CategoryResult) -> None:
    from ent_lite.erasure.services import erase_child, erase_guardian

    model, erase = (User, erase_guardian) if key == "accounts" else (Child, erase_child)
    for person in db.session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)).all():
        report = erase(person, now=now, actor=None)
        result.files += report.files
        for table, rows in report.rows.items():
            result.by_table[table] += rows


def purge_category(key: str, now: datetime, *, dry_run: bool = False,
                   batch_size: int = DEFAULT_BATCH_SIZE) -> CategoryResult:
    days = retention.effective_days(key)
    result = CategoryResult(key)
    if key == "audit_log":
        return _purge_audit(result, now, days, dry_run, batch_size)
    cutoff = retention.cutoff(key, now, days)
    for query in due_queries(key, cutoff):
        table = _query_table(query)
        while True:
            ids = set(db.session.scalars(query.order_by(_pk(table)).limit(None if dry_run else batch_size)))
            if not ids:
                break
            result.rows += len(ids)
            if key in ERASED_BY_SERVICE and not dry_run:
                _erase(key, ids, now, result)
                db.session.commit()
                continue
            plan = plan_deletion(table, ids)
            for name, rows in plan.rows.items():
                if key not in ERASED_BY_SERVICE or name not in _held_tables(key):
                    result.by_table[name] += len(rows)
            if dry_run:
                result.files += len(plan.file_keys())
                break
            result.files += execute_plan(plan)
            db.session.commit()
    if key == "consent_records":
        _purge_tombstones(result, cutoff, dry_run, batch_size)
    return result


def _purge_tombstones(result: CategoryResult, cutoff: datetime, dry_run: bool, batch_size: int) -> None:
    """Delete the erased guardians' accounts whose last consent record was just purged."""
    query = _free_tombstones(cutoff).order_by(User.id)
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


def _purge_audit(result: CategoryResult, now: datetime, days: int, dry_run: bool, batch_size: int):
    try:
        from ent_lite.audit.models import AuditEntry
        from ent_lite.audit.services import purge_audit
    except ImportError:  # the audit log is not installed
        result.note = "no audit log"
        return result
    if dry_run:
        from sqlalchemy import func

        result.rows = db.session.scalar(select(func.count()).select_from(AuditEntry)
                                        .where(AuditEntry.created_dt < now - timedelta(days=days))) or 0
    else:
        result.rows = purge_audit(now, timedelta(days=days), batch_size=batch_size)
    if result.rows:
        result.by_table["audit_entry"] = result.rows
    return result


def run_purge(now: datetime, *, dry_run: bool = False, batch_size: int = DEFAULT_BATCH_SIZE) -> list[CategoryResult]:
    """Purge every category; a real run writes one audit entry per category, counts only, then
    anchors the audit chain's head outside the database (ent_lite.audit.anchors)."""
    results = []
    for key in PURGE_ORDER:
        result = purge_category(key, now, dry_run=dry_run, batch_size=batch_size)
        if not dry_run:
            _audit(result, now)
        results.append(result)
    results.append(_purge_exports(now, dry_run))
    if not dry_run:
        write_anchor()
    return results


def _purge_exports(now: datetime, dry_run: bool) -> CategoryResult:
    """Guardians' data exports, deleted by their own package 48 hours after being made."""
    from ent_lite.rights.export import purge_exports

    result = purge_exports(now, dry_run=dry_run)
    if not dry_run:
        _audit(result, now)
    return result


def _audit(result: CategoryResult, now: datetime) -> None:
    try:
        from ent_lite.audit.services import record
    except ImportError:
        return
    record(PURGE_ACTION, now=now, details={"category": result.category, "rows": result.rows, "files": result.files,
                                           **result.extra})
    db.session.commit()
