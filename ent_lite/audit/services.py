"""Writing to and reading the audit log.

Each entry's hash covers all its fields and the previous entry's hash, so altering or removing
an entry breaks the chain where it happened; ``verify_chain`` finds the first break.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import delete, event, func, select, text
from sqlalchemy.orm import Session

from ent_lite.audit.models import AuditCheckpoint, AuditEntry
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db

GENESIS_HASH = "0" * 64
DEFAULT_RETENTION = timedelta(days=365)
PAGE_SIZE = 50
# Any constant bigint; it names the PostgreSQL advisory lock that serialises appends.
_CHAIN_LOCK_KEY = 0x656E745F61756469
_MAX_TEXT = 200
_PURGE_OPTION = "audit_purge"
PURGE_ACTION = "audit.purge"


class AuditLogChangeRefused(RuntimeError):
    """Raised when code tries to update or delete an audit entry outside the audit purge."""


# --- writing -------------------------------------------------------------------------------

def neutralise(value: str, limit: int = _MAX_TEXT) -> str:
    """Make logged input safe to print: control, format and separator characters are shown
    escaped (``\\x1b``, ``\\r``, ``\\u202e``) so nobody can forge lines or colour a terminal."""
    out = []
    for ch in str(value)[:limit]:
        category = unicodedata.category(ch)
        if category[0] == "C" or category in ("Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _clean(value):
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, dict):
        return {neutralise(k, 64): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_clean(v) for v in items]
    return neutralise(value)


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _unproxied(obj):
    """``current_user`` is a proxy; its class name is not the user's."""
    unwrap = getattr(obj, "_get_current_object", None)
    return unwrap() if callable(unwrap) else obj


def reference(obj) -> str | None:
    """Pseudonymous reference to a model instance: "child:<public_id>", "user:<public_id>"."""
    if obj is None:
        return None
    obj = _unproxied(obj)
    if isinstance(obj, str):
        return neutralise(obj, 64)
    kind = _CAMEL.sub("_", type(obj).__name__).lower()
    return f"{kind}:{obj.public_id}"


def _dt_text(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _chain_key() -> bytes:
    """The HMAC key of the chain: AUDIT_KEY, or one derived from the secret key. Without it,
    someone able to write to the database cannot rebuild a chain that verifies."""
    configured = current_app.config.get("AUDIT_KEY")
    if configured:
        return configured.encode("utf-8")
    return hashlib.sha256(b"ent_lite audit chain\0" + current_app.config["SECRET_KEY"].encode("utf-8")).digest()


def compute_hash(entry) -> str:
    """HMAC-SHA-256 over every field but ``entry_hash``; ``entry`` is an AuditEntry or a row of it."""
    payload = {
        "id": entry.id,
        "created_dt": _dt_text(entry.created_dt),
        "actor_ref": entry.actor_ref,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "target_ref": entry.target_ref,
        "outcome": entry.outcome,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return hmac.new(_chain_key(), canonical_json(payload).encode("utf-8"), hashlib.sha256).hexdigest()


def _lock_chain() -> None:
    """Serialise appends until the end of the transaction.

    Two transactions that both read the same last entry would fork the chain. On PostgreSQL a
    transaction-scoped advisory lock makes the second wait until the first commits; reading the
    last entry afterwards (READ COMMITTED takes a new snapshot per statement) sees the first's
    entry. SQLite has a single writer, but Python's sqlite3 only opens the write transaction at
    the first INSERT, after our read; a write that changes nothing takes the write lock first.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    elif dialect == "sqlite":
        db.session.execute(text("UPDATE audit_checkpoint SET id = id WHERE 0"))


def _chain_tail() -> tuple[int, str]:
    """Id and hash the next entry follows: the last entry, else the last checkpoint."""
    last = db.session.execute(
        select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    if last is not None:
        return last.id, last.entry_hash
    checkpoint = latest_checkpoint()
    if checkpoint is not None:
        return checkpoint.through_id, checkpoint.through_hash
    return 0, GENESIS_HASH


def record(
    action: str,
    *,
    actor=None,
    target=None,
    outcome: str = "success",
    details: dict | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the audit log and flush it; the caller commits.

    ``actor`` is a User or None (system, anonymous); ``target`` a model instance with a
    ``public_id`` or None. ``details`` holds codes and counts only, never free text, passwords,
    tokens or email addresses.
    """
    now = now or utcnow()
    if now.tzinfo is None:
        raise ValueError("naive datetime given to the audit log")
    now = now.astimezone(timezone.utc)
    actor = _unproxied(actor) if actor is not None else None
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None  # an anonymous visitor
    if target is not None and not isinstance(target, str) and getattr(target, "public_id", None) is None:
        db.session.flush()  # a new object gets its public id from the column default on flush
    _lock_chain()
    prev_id, prev_hash = _chain_tail()
    entry = AuditEntry(
        id=prev_id + 1,
        created_dt=now,
        actor_ref=reference(actor),
        actor_role=getattr(actor, "role", None),
        action=neutralise(action, 64),
        target_ref=reference(target),
        outcome=neutralise(outcome, 20),
        details=canonical_json(_clean(details or {})),
        prev_hash=prev_hash,
    )
    entry.entry_hash = compute_hash(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


# --- append-only guard ---------------------------------------------------------------------

@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditLogChangeRefused(f"audit entry {target.id} cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditLogChangeRefused(f"audit entry {target.id} cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state):
    """``update(AuditEntry)`` / ``delete(AuditEntry)`` bypass the mapper events above."""
    if not (state.is_update or state.is_delete) or state.execution_options.get(_PURGE_OPTION):
        return
    mapper = state.bind_arguments.get("mapper")
    if mapper is not None and mapper.class_ is AuditEntry:
        raise AuditLogChangeRefused("audit entries are removed only by the audit purge")


# --- reading -------------------------------------------------------------------------------

def latest_checkpoint() -> AuditCheckpoint | None:
    return db.session.execute(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)
    ).scalar_one_or_none()


@dataclass
class SearchPage:
    entries: list[AuditEntry]
    page: int
    has_next: bool


def search(
    actor_ref: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> SearchPage:
    """Entries newest first. ``action`` ending with "." matches a family ("login." ->
    login.success, login.failure); ``since`` is inclusive, ``until`` exclusive."""
    page = max(1, page)
    query = select(AuditEntry)
    if actor_ref:
        query = query.where(AuditEntry.actor_ref == actor_ref)
    if action:
        if action.endswith("."):
            query = query.where(AuditEntry.action.startswith(action, autoescape=True))
        else:
            query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.created_dt >= since)
    if until is not None:
        query = query.where(AuditEntry.created_dt < until)
    rows = db.session.execute(
        query.order_by(AuditEntry.id.desc()).offset((page - 1) * per_page).limit(per_page + 1)
    ).scalars().all()
    return SearchPage(entries=list(rows[:per_page]), page=page, has_next=len(rows) > per_page)


def details_of(entry) -> dict:
    return json.loads(entry.details)


# --- verifying -----------------------------------------------------------------------------

@dataclass
class VerifyResult:
    count: int
    problem: str | None = None
    entry_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(batch_size: int = 1000) -> VerifyResult:
    """Walk the chain in id order from the last checkpoint (or the start).

    Reports the first entry whose own hash does not match its fields ("altered"), or whose
    predecessor is not the entry before it ("missing"). Entries at or before the checkpoint are
    skipped: they are already purged or about to be.
    """
    checkpoint = latest_checkpoint()
    expected_id, expected_prev = (
        (checkpoint.through_id + 1, checkpoint.through_hash) if checkpoint else (1, GENESIS_HASH)
    )
    # A checkpoint is written together with an "audit.purge" entry naming it; a checkpoint
    # without one was not written by the purge and could hide removed entries.
    checkpoint_confirmed = checkpoint is None
    count = 0
    after_id = expected_id - 1
    while True:
        # Plain rows, not entities: a long walk fills no identity map and detaches nothing.
        batch = db.session.execute(
            select(*AuditEntry.__table__.columns)
            .where(AuditEntry.id > after_id).order_by(AuditEntry.id).limit(batch_size)
        ).all()
        if not batch:
            if not checkpoint_confirmed:
                return VerifyResult(
                    count, f"the purge checkpoint at entry {checkpoint.through_id} has no audit.purge entry",
                    checkpoint.through_id,
                )
            return VerifyResult(count=count)
        for entry in batch:
            if entry.entry_hash != compute_hash(entry):
                return VerifyResult(count, f"entry {entry.id} was altered", entry.id)
            if entry.id != expected_id:
                missing = (
                    f"entry {expected_id} is missing"
                    if entry.id == expected_id + 1
                    else f"entries {expected_id} to {entry.id - 1} are missing"
                )
                return VerifyResult(count, missing, expected_id)
            if entry.prev_hash != expected_prev:
                return VerifyResult(
                    count, f"entry {entry.id} does not follow the entry before it", entry.id
                )
            if not checkpoint_confirmed and entry.action == PURGE_ACTION:
                checkpoint_confirmed = _purged_through(entry) == checkpoint.through_id
            expected_id, expected_prev = entry.id + 1, entry.entry_hash
            after_id = entry.id
            count += 1


def _purged_through(entry) -> int | None:
    try:
        return json.loads(entry.details).get("through_id")
    except (ValueError, AttributeError):
        return None


# --- purging -------------------------------------------------------------------------------

def purge_audit(now: datetime, older_than: timedelta = DEFAULT_RETENTION, batch_size: int = 1000) -> int:
    """Delete entries created before ``now - older_than``; returns how many were deleted.

    First a checkpoint (id and hash of the newest entry to purge) and an "audit.purge" entry are
    committed, so the chain stays verifiable from the checkpoint; then the old entries are
    deleted in batches, each committed, so a long purge never holds a large transaction. An
    interrupted purge leaves entries behind the checkpoint, which verify skips and the next
    purge removes. It commits as it goes: call it with no other change pending.
    """
    cutoff = now - older_than
    _lock_chain()
    # Only a leading run of the chain can be purged and stay verifiable, so the purge stops at
    # the first entry still within retention even if a later one carries an older time.
    first_kept = db.session.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.created_dt >= cutoff))
    old_query = select(AuditEntry.id, AuditEntry.entry_hash).where(AuditEntry.created_dt < cutoff)
    if first_kept is not None:
        old_query = old_query.where(AuditEntry.id < first_kept)
    newest_old = db.session.execute(old_query.order_by(AuditEntry.id.desc()).limit(1)).first()
    checkpoint = latest_checkpoint()
    through_id = checkpoint.through_id if checkpoint is not None else 0
    if newest_old is not None and newest_old.id > through_id:
        through_id = newest_old.id
        db.session.add(AuditCheckpoint(created_dt=now, through_id=through_id,
                                       through_hash=newest_old.entry_hash))
        record(PURGE_ACTION, now=now, details={"through_id": through_id, "older_than_days": older_than.days})
    db.session.commit()  # the checkpoint, and the end of the transaction _lock_chain opened

    deleted = 0
    while True:
        ids = db.session.execute(
            select(AuditEntry.id).where(AuditEntry.id <= through_id).order_by(AuditEntry.id).limit(batch_size)
        ).scalars().all()
        if not ids:
            return deleted
        result = db.session.execute(
            delete(AuditEntry).where(AuditEntry.id.in_(ids)).execution_options(**{_PURGE_OPTION: True})
        )
        db.session.commit()
        deleted += result.rowcount
