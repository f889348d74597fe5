"""The one way a guardian or a child is erased (PRIVACY.md C.15).

The service sends the erasure signal (each feature deletes or anonymises its own rows and
files), records one ``erasure.done`` audit entry with counts only, then removes the person's
row, or reduces a guardian's account to a tombstone when consent records are held for it.
Every session dies with the row (or the new nonce and missing password of the tombstone).
Flush only: the caller commits, and stored files are removed once it has.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy import inspect as sa_inspect

from ent_lite.accounts.models import Role, User
from ent_lite.audit.services import record
from ent_lite.consents.models import ConsentRecord
from ent_lite.erasure.signals import FILES, erasing_child, erasing_user
from ent_lite.extensions import db
from ent_lite.school.models import Child, GuardianLink

ACTION = "erasure.done"
# The role of a tombstone account: no feature knows it, so it can neither log in nor be reached.
TOMBSTONE_ROLE = "erased"


@dataclass
class ErasureReport:
    subject: str  # "guardian" or "child"
    rows: Counter = field(default_factory=Counter)  # table name -> rows deleted or anonymised
    files: int = 0
    tombstone: bool = False

    def add(self, result: dict[str, int] | None) -> None:
        for key, value in (result or {}).items():
            if key == FILES:
                self.files += value
            elif value:
                self.rows[key] += value

    def details(self) -> dict:
        """Counts only: what the audit entry keeps."""
        return {"subject": self.subject, "rows": dict(sorted(self.rows.items())), "files": self.files,
                "tombstone": self.tombstone}


def _shared_child_ids(user: User) -> frozenset[int]:
    """The guardian's children who have another guardian (read before any link is deleted)."""
    mine = select(GuardianLink.child_id).where(GuardianLink.user_id == user.id)
    return frozenset(db.session.scalars(
        select(GuardianLink.child_id).where(GuardianLink.child_id.in_(mine), GuardianLink.user_id != user.id)))


def _has_held_records(user: User) -> bool:
    return bool(db.session.scalar(select(select(ConsentRecord.id)
                                         .where(ConsentRecord.guardian_id == user.id).exists())))


# What a tombstone keeps; every other column is emptied, so a column added later is too.
TOMBSTONE_COLUMNS = frozenset({"id", "public_id", "city_id", "role", "first_name", "last_name", "session_nonce",
                               "is_enabled", "created_dt"})


def _to_tombstone(user: User, now: datetime) -> None:
    """Keep only the row's id and public id (what held records and the audit log point at)."""
    for attribute in sa_inspect(User).column_attrs:
        if attribute.key not in TOMBSTONE_COLUMNS:
            setattr(user, attribute.key, None)
    user.role = TOMBSTONE_ROLE
    user.first_name = user.last_name = ""
    user.is_enabled = False
    # From now on the date counts the hold, not the person's history.
    user.created_dt = now
    user.end_all_sessions()


def erase_guardian(user: User, *, now: datetime, actor: User | None) -> ErasureReport:
    """Erase a guardian's account and everything that refers to it but the documented holds."""
    if user.role != Role.GUARDIAN:
        raise ValueError("only a guardian account is erased by this service")
    report = ErasureReport("guardian")
    shared = _shared_child_ids(user)
    for _receiver, result in erasing_user.send(user, now=now, shared_child_ids=shared, actor=actor):
        report.add(result)
    report.tombstone = _has_held_records(user)
    report.rows["user_account"] += 1
    record(ACTION, actor=actor, target=user, details=report.details(), now=now)
    if report.tombstone:
        _to_tombstone(user, now)
    else:
        db.session.execute(delete(User).where(User.id == user.id))
    db.session.flush()
    return report


def erase_child(child: Child, *, now: datetime, actor: User | None) -> ErasureReport:
    """Erase a child: roster links, signatures, answers, photo tags and photos, threads, consents."""
    report = ErasureReport("child")
    for _receiver, result in erasing_child.send(child, now=now, actor=actor):
        report.add(result)
    report.rows["child"] += 1
    record(ACTION, actor=actor, target=child, details=report.details(), now=now)
    db.session.execute(delete(Child).where(Child.id == child.id))
    db.session.flush()
    return report
