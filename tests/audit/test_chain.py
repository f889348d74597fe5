"""audit-verify finds altered and removed entries; the audit purge keeps the chain verifiable."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from ent_lite.audit.models import AuditCheckpoint, AuditEntry
from ent_lite.audit.services import canonical_json, purge_audit, record, verify_chain
from ent_lite.extensions import db

from tests.audit.helpers import log, raw

NOW = datetime(2026, 11, 3, 9, 30, tzinfo=timezone.utc)
YEAR = timedelta(days=365)


def verify(runner):
    return runner.invoke(args=["ent-lite", "audit-verify"])


def remaining_ids() -> list[int]:
    return db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()


def test_intact_chain_is_reported_with_its_size(runner):
    log(5, NOW)
    result = verify(runner)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "5 entries, chain intact"


def test_empty_log_is_intact(runner):
    result = verify(runner)
    assert result.exit_code == 0 and "0 entries, chain intact" in result.output


@pytest.mark.parametrize("column, value", [
    ("outcome", "failure"),
    ("actor_ref", "user:someone-else"),
    ("details", '{"n":99}'),
    ("created_dt", "2026-01-01 00:00:00.000000"),
])
def test_a_field_altered_with_sql_is_found(runner, column, value):
    ids = log(5, NOW)
    raw(f"UPDATE audit_entry SET {column} = :value WHERE id = :id", value=value, id=ids[2])
    result = verify(runner)
    assert result.exit_code != 0
    assert f"entry {ids[2]} was altered" in result.output
    assert verify_chain().entry_id == ids[2]


def test_an_altered_entry_with_a_recomputed_hash_breaks_the_next_link(runner):
    from ent_lite.audit.services import compute_hash

    ids = log(5, NOW)
    entry = db.session.get(AuditEntry, ids[1])
    db.session.expunge(entry)
    entry.outcome = "failure"
    raw("UPDATE audit_entry SET outcome = 'failure', entry_hash = :h WHERE id = :id",
        h=compute_hash(entry), id=ids[1])
    result = verify(runner)
    assert result.exit_code != 0
    assert f"entry {ids[2]} does not follow the entry before it" in result.output


def test_a_middle_entry_deleted_with_sql_is_found(runner):
    ids = log(5, NOW)
    raw("DELETE FROM audit_entry WHERE id = :id", id=ids[2])
    result = verify(runner)
    assert result.exit_code != 0
    assert f"entry {ids[2]} is missing" in result.output
    assert verify_chain().entry_id == ids[2]


def test_first_entries_deleted_with_sql_are_found(runner):
    ids = log(4, NOW)
    raw("DELETE FROM audit_entry WHERE id IN (:a, :b)", a=ids[0], b=ids[1])
    result = verify(runner)
    assert result.exit_code != 0
    assert f"entries {ids[0]} to {ids[1]} are missing" in result.output


def test_purge_keeps_twelve_months_by_default_and_is_audited(db):
    old = log(3, NOW - YEAR - timedelta(days=10))
    past = record("login.success", now=NOW - YEAR - timedelta(days=1)).id
    inside = record("login.success", now=NOW - YEAR + timedelta(days=1)).id
    db.session.commit()

    assert purge_audit(NOW) == 4
    assert remaining_ids()[:1] == [inside]
    assert set(old + [past]).isdisjoint(remaining_ids())
    purge = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.purge")).one()
    assert purge.created_dt == NOW
    assert verify_chain().ok and verify_chain().count == 2


def test_purge_then_verify_passes_and_new_entries_follow(runner):
    log(6, NOW - YEAR - timedelta(days=30))
    log(3, NOW - timedelta(days=3))
    assert purge_audit(NOW, batch_size=4) == 6
    record("login.success", now=NOW + timedelta(minutes=1))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "5 entries, chain intact"


def test_purge_then_tamper_then_verify_fails(runner):
    log(3, NOW - YEAR - timedelta(days=30))
    kept = log(3, NOW - timedelta(days=3))
    purge_audit(NOW)
    raw("UPDATE audit_entry SET outcome = 'failure' WHERE id = :id", id=kept[1])
    result = verify(runner)
    assert result.exit_code != 0 and f"entry {kept[1]} was altered" in result.output


def test_purge_then_deleting_the_first_remaining_entry_is_found(runner):
    log(3, NOW - YEAR - timedelta(days=30))
    kept = log(3, NOW - timedelta(days=3))
    purge_audit(NOW)
    raw("DELETE FROM audit_entry WHERE id = :id", id=kept[0])
    result = verify(runner)
    assert result.exit_code != 0 and f"entry {kept[0]} is missing" in result.output


def test_a_forged_checkpoint_does_not_hide_removed_entries(runner):
    ids = log(5, NOW - timedelta(days=3))
    hash_2 = db.session.get(AuditEntry, ids[1]).entry_hash
    raw("DELETE FROM audit_entry WHERE id IN (:a, :b)", a=ids[0], b=ids[1])
    db.session.add(AuditCheckpoint(created_dt=NOW, through_id=ids[1], through_hash=hash_2))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code != 0
    assert "has no audit.purge entry" in result.output


def test_deleting_the_checkpoint_is_found(runner):
    log(3, NOW - YEAR - timedelta(days=30))
    log(2, NOW - timedelta(days=3))
    purge_audit(NOW)
    raw("DELETE FROM audit_checkpoint")
    result = verify(runner)
    assert result.exit_code != 0 and "entries 1 to 3 are missing" in result.output


def test_purge_with_nothing_old_changes_nothing(db):
    log(3, NOW - timedelta(days=3))
    assert purge_audit(NOW) == 0
    assert db.session.scalar(select(func.count(AuditCheckpoint.id))) == 0
    assert len(remaining_ids()) == 3


def test_second_purge_moves_the_checkpoint_on(runner):
    log(2, NOW - YEAR - timedelta(days=30))
    purge_audit(NOW)
    log(2, NOW + timedelta(days=1))
    assert purge_audit(NOW + YEAR + timedelta(days=3)) == 3  # two entries and the first purge's
    assert verify(runner).output.splitlines()[0] == "1 entries, chain intact"


def test_interrupted_purge_leaves_entries_verify_skips_and_the_next_purge_removes(runner):
    old = log(3, NOW - YEAR - timedelta(days=30))
    log(2, NOW - timedelta(days=3))
    # As if the process stopped after the checkpoint was committed, before any batch.
    last = db.session.get(AuditEntry, old[-1])
    db.session.add(AuditCheckpoint(created_dt=NOW, through_id=last.id, through_hash=last.entry_hash))
    record("audit.purge", now=NOW, details={"through_id": last.id, "older_than_days": 365})
    db.session.commit()
    assert verify(runner).exit_code == 0
    assert purge_audit(NOW) == 3
    assert verify(runner).output.splitlines()[0] == "3 entries, chain intact"


def test_purge_stops_at_the_first_entry_within_retention(db):
    """An entry written with an earlier time after a recent one is kept, not the recent one lost."""
    old = log(2, NOW - YEAR - timedelta(days=30))
    recent = record("login.success", now=NOW - timedelta(days=2)).id
    late_old = record("login.success", now=NOW - YEAR - timedelta(days=5)).id
    db.session.commit()
    assert purge_audit(NOW) == 2
    assert set(old).isdisjoint(remaining_ids())
    assert {recent, late_old} <= set(remaining_ids())
    assert verify_chain().ok


def test_a_chain_rebuilt_without_the_key_is_found(runner):
    """Someone who can write to the database but lacks the key recomputes every hash after
    the entry they altered, with plain SHA-256: the first rebuilt entry is reported."""
    ids = log(4, NOW)
    entries = [db.session.get(AuditEntry, i) for i in ids]
    for entry in entries:
        db.session.expunge(entry)
    entries[1].outcome = "failure"
    previous = entries[0].entry_hash
    for entry in entries[1:]:
        entry.prev_hash = previous
        payload = {"id": entry.id, "created_dt": entry.created_dt.astimezone(timezone.utc).isoformat(timespec="microseconds"),
                   "actor_ref": entry.actor_ref, "actor_role": entry.actor_role, "action": entry.action,
                   "target_ref": entry.target_ref, "outcome": entry.outcome, "details": entry.details,
                   "prev_hash": entry.prev_hash}
        previous = hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
        raw("UPDATE audit_entry SET outcome = :o, prev_hash = :p, entry_hash = :h WHERE id = :id",
            o=entry.outcome, p=entry.prev_hash, h=previous, id=entry.id)
    result = verify(runner)
    assert result.exit_code != 0
    assert f"entry {ids[1]} was altered" in result.output
