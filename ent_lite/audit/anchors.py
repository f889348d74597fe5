"""Anchors of the audit chain, kept outside the database (PRIVACY.md 34).

The chain shows an entry altered or removed in its middle, but cutting its newest entries, or
all of them, leaves a chain that still verifies. So the chain's head (id, hash, time) is
written outside the database: by every purge run and by ``flask ent-lite audit-anchor`` (run
it from cron, hourly or at least daily), as one JSON line appended to the anchor file
(ENT_LITE_AUDIT_ANCHOR_PATH) and to the application log, which can be shipped to another host.
``audit-verify`` then fails when an anchored entry is missing or differs. Entries newer than
the last anchor are not covered: anchoring often narrows that window. Anchoring does not walk
the chain (it stays cheap); ``audit-verify`` does.

The verify run does not write an anchor: a check changes nothing, and it could otherwise
anchor a head that had just been cut.
"""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ent_lite.audit.models import AuditEntry
from ent_lite.audit.services import VerifyResult, canonical_json, latest_checkpoint, verify_chain
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db

LOG_PREFIX = "audit anchor "
_BATCH = 1000


class AnchorFileError(ValueError):
    """A line of an anchor file is not an anchor (edited, or not written by ent_lite)."""


@dataclass(frozen=True)
class Anchor:
    id: int
    hash: str
    created_dt: str  # the anchored entry's time
    anchored_dt: str

    def line(self) -> str:
        return canonical_json({"id": self.id, "hash": self.hash, "created_dt": self.created_dt,
                               "anchored_dt": self.anchored_dt})


def anchor_path() -> Path:
    return Path(current_app.config["AUDIT_ANCHOR_PATH"])


def _log() -> logging.Logger:
    # A child of the app's logger, which has a handler; its own level lets INFO through, so the
    # line reaches the log even where the application logs only warnings.
    log = current_app.logger.getChild("audit_anchor")
    log.setLevel(logging.INFO)
    return log


def chain_head(now: datetime | None = None) -> Anchor | None:
    """The newest entry, or the purge checkpoint when every entry was purged; None when empty."""
    anchored = (now or utcnow()).isoformat(timespec="seconds")
    last = db.session.execute(select(AuditEntry.id, AuditEntry.entry_hash, AuditEntry.created_dt)
                              .order_by(AuditEntry.id.desc()).limit(1)).first()
    if last is not None:
        return Anchor(last.id, last.entry_hash, last.created_dt.isoformat(), anchored)
    checkpoint = latest_checkpoint()
    if checkpoint is not None:
        return Anchor(checkpoint.through_id, checkpoint.through_hash, checkpoint.created_dt.isoformat(), anchored)
    return None


def write_anchor(now: datetime | None = None) -> Anchor | None:
    """Append the chain's head to the anchor file and the application log; None when empty."""
    anchor = chain_head(now)
    if anchor is None:
        return None
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: the line goes at the end whatever else holds the file; one write per line.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (anchor.line() + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    _log().info("%s%s", LOG_PREFIX, anchor.line())
    return anchor


def parse_anchors(lines: Iterable[str], source: str) -> list[Anchor]:
    """Anchors from the anchor file or from application log lines ("... audit anchor {...}")."""
    found = []
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        start = text.find("{") if text.startswith("{") or LOG_PREFIX + "{" in text else -1
        try:
            data = json.loads(text[start:]) if start >= 0 else None
            found.append(Anchor(int(data["id"]), str(data["hash"]), str(data["created_dt"]),
                                str(data["anchored_dt"])))
        except (ValueError, TypeError, KeyError):
            raise AnchorFileError(f"{source}, line {number}, is not an audit anchor") from None
    return found


def read_anchors(path: Path) -> list[Anchor]:
    with path.open(encoding="utf-8") as handle:
        return parse_anchors(handle, str(path))


def check_anchors(anchors: Iterable[Anchor]) -> str | None:
    """The first anchored entry that is missing or differs, or None.

    An anchor at or before the purge checkpoint names an entry the purge removed (verify_chain
    has checked that a real purge wrote the checkpoint); the checkpoint's own entry is compared
    with the hash the checkpoint keeps."""
    checkpoint = latest_checkpoint()
    through = checkpoint.through_id if checkpoint is not None else 0
    pending = sorted((a for a in anchors if a.id >= through), key=lambda a: a.id)
    for start in range(0, len(pending), _BATCH):
        batch = pending[start:start + _BATCH]
        stored = dict(db.session.execute(select(AuditEntry.id, AuditEntry.entry_hash)
                                         .where(AuditEntry.id.in_({a.id for a in batch}))).all())
        if checkpoint is not None:
            stored.setdefault(checkpoint.through_id, checkpoint.through_hash)
        for anchor in batch:
            if anchor.id not in stored:
                return f"entry {anchor.id}, anchored on {anchor.anchored_dt}, is missing"
            if stored[anchor.id] != anchor.hash:
                return f"entry {anchor.id} differs from its anchor of {anchor.anchored_dt}"
    return None


@dataclass
class AnchoredResult:
    chain: VerifyResult
    anchors: int = 0
    problem: str | None = None
    # Set when the configured anchor file does not exist yet: nothing protects the newest entries.
    no_anchor_file: bool = False

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.problem is None


def verify_with_anchors(extra: Iterable[Path] = ()) -> AnchoredResult:
    """The chain walk, then every anchor of the configured file and of ``extra`` files."""
    result = AnchoredResult(verify_chain())
    if not result.chain.ok:
        return result
    anchors: list[Anchor] = []
    configured = anchor_path()
    try:
        if configured.exists():
            anchors += read_anchors(configured)
        else:
            result.no_anchor_file = True
        for path in extra:
            anchors += read_anchors(Path(path))
    except AnchorFileError as error:
        result.problem = str(error)
        return result
    result.anchors = len(anchors)
    result.problem = check_anchors(anchors)
    return result
