"""PRIVACY.md 34: cutting the newest audit entries, or all of them, is found through the anchors
of the chain's head kept outside the database (file and application log)."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

from ent_lite.audit.services import purge_audit
from ent_lite.privacy.purge import run_purge

from tests.audit.helpers import log as audit_log, raw

NOW = datetime(2026, 11, 3, 9, 30, tzinfo=timezone.utc)


def log(count: int, start: datetime = NOW) -> list[int]:
    return audit_log(count, start, step=timedelta(minutes=1))


def anchor(runner):
    return runner.invoke(args=["ent-lite", "audit-anchor"])


def verify(runner, *extra: str):
    args = ["ent-lite", "audit-verify"]
    for path in extra:
        args += ["--anchors", str(path)]
    return runner.invoke(args=args)


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_anchor_command_appends_the_head_to_the_file_and_the_log(runner, audit_anchors, caplog):
    ids = log(3)
    with caplog.at_level(logging.INFO):
        result = anchor(runner)
    assert result.exit_code == 0 and f"Anchored entry {ids[-1]}" in result.output
    log(2)
    anchor(runner)
    written = lines(audit_anchors)
    assert [entry["id"] for entry in written] == [ids[-1], ids[-1] + 2]
    assert set(written[0]) == {"id", "hash", "created_dt", "anchored_dt"} and len(written[0]["hash"]) == 64
    assert written[0]["created_dt"].startswith("2026-11-03T09:32")
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("audit anchor ")]
    assert logged and json.loads(logged[0].removeprefix("audit anchor ")) == written[0]
    assert audit_anchors.stat().st_mode & 0o777 == 0o600


def test_an_intact_anchored_log_passes(runner):
    log(4)
    anchor(runner)
    log(2)  # newer than the anchor: still fine
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "6 entries, chain intact" in result.output and "1 anchors match" in result.output


def test_cutting_the_newest_entries_is_found(runner):
    ids = log(5)
    anchor(runner)
    raw("DELETE FROM audit_entry WHERE id >= :id", id=ids[3])
    result = verify(runner)
    assert result.exit_code == 1
    assert f"entry {ids[-1]}, anchored on" in result.output and "is missing" in result.output


def test_deleting_every_entry_is_found(runner):
    log(5)
    anchor(runner)
    raw("DELETE FROM audit_entry")
    result = verify(runner)
    assert result.exit_code == 1 and "is missing" in result.output


def test_deleting_every_entry_and_the_checkpoints_after_a_purge_is_found(runner):
    log(3, NOW - timedelta(days=400))
    log(2)
    run_purge(NOW)  # purges the old entries and anchors the head
    assert verify(runner).exit_code == 0
    raw("DELETE FROM audit_entry")
    raw("DELETE FROM audit_checkpoint")
    assert verify(runner).exit_code == 1


def test_a_rewritten_head_is_found(runner):
    ids = log(3)
    anchor(runner)
    raw("UPDATE audit_entry SET entry_hash = :h WHERE id = :id", h="f" * 64, id=ids[-1])
    result = verify(runner)
    assert result.exit_code == 1  # the chain walk finds it first; the anchor would too


def test_each_purge_anchors_and_purged_anchors_stay_valid(runner, audit_anchors):
    log(3, NOW - timedelta(days=400))
    run_purge(NOW - timedelta(days=30))  # nothing old enough yet: anchors the head
    run_purge(NOW)  # the anchored entries are now purged, proven by the checkpoint
    assert len(lines(audit_anchors)) == 2
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "2 anchors match" in result.output


def test_a_copy_of_the_anchors_kept_elsewhere_is_checked_too(runner, audit_anchors, tmp_path):
    ids = log(4)
    anchor(runner)
    shipped = tmp_path / "syslog-extract.txt"
    shipped.write_text("Nov  3 09:40:01 host ent_lite: INFO " + "audit anchor "
                       + audit_anchors.read_text().strip() + "\n")
    # Someone able to write to the server cuts the log and empties the local anchor file.
    raw("DELETE FROM audit_entry WHERE id = :id", id=ids[-1])
    audit_anchors.write_text("")
    assert verify(runner).exit_code == 0  # the local file alone no longer tells
    result = verify(runner, shipped)
    assert result.exit_code == 1 and f"entry {ids[-1]}, anchored on" in result.output


def test_an_edited_anchor_file_fails(runner, audit_anchors):
    log(2)
    anchor(runner)
    with audit_anchors.open("a") as handle:
        handle.write("not an anchor\n")
    result = verify(runner)
    assert result.exit_code == 1 and "line 2, is not an audit anchor" in result.output


def test_without_anchor_file_verify_says_the_newest_entries_are_unprotected(runner):
    log(2)
    result = verify(runner)
    assert result.exit_code == 0 and "No anchor file yet" in result.output


def test_anchoring_an_empty_log_writes_nothing(runner, audit_anchors):
    result = anchor(runner)
    assert result.exit_code == 0 and "nothing to anchor" in result.output
    assert not audit_anchors.exists()


def test_the_purge_alone_leaves_an_anchor(db, audit_anchors):
    log(2)
    purge_audit(NOW)  # the audit purge alone does not anchor: the purge run does
    assert not audit_anchors.exists()
    run_purge(NOW)
    assert len(lines(audit_anchors)) == 1
