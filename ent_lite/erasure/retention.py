"""The purge of families and children past their retention, through the erasure service.

A child goes 90 days (by default) after its departure (``pupil_records``); a guardian's
account once none of their children is still here or left after the cutoff, and they have
not logged in since (``accounts``). Both go through ``erase_child`` / ``erase_guardian``, the
one path for deleting a person: each feature erases its own rows and files, and the
documented legal holds are kept (a dry run, which plans from the foreign keys, leaves the
held tables out of its counts). Children run first: their departure may free their family.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import exists, or_, select

from ent_lite.accounts.models import Role, User
from ent_lite.erasure.services import erase_child, erase_guardian
from ent_lite.erasure.signals import LEGAL_HOLDS
from ent_lite.extensions import db
from ent_lite.privacy.registry import CategoryResult, purge_job
from ent_lite.school.models import Child, GuardianLink


def _held_tables(referenced: str) -> frozenset[str]:
    return frozenset(name.split(".")[0] for name in LEGAL_HOLDS[referenced])


def _eraser(model, erase: Callable) -> Callable:
    def erase_all(ids: set[int], now: datetime, result: CategoryResult) -> None:
        for person in db.session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)).all():
            report = erase(person, now=now, actor=None)
            result.files += report.files
            for table, rows in report.rows.items():
                result.by_table[table] += rows

    return erase_all


@purge_job("pupil_records", erase=_eraser(Child, erase_child), keeps=_held_tables("child"))
def departed_children(cutoff: datetime):
    return select(Child.id).where(Child.left_dt.is_not(None), Child.left_dt < cutoff)


@purge_job("accounts", erase=_eraser(User, erase_guardian), keeps=_held_tables("user_account"))
def departed_guardians(cutoff: datetime):
    """Guardians none of whose children is still here or left after the cutoff."""
    still_linked = exists().where(
        GuardianLink.user_id == User.id, GuardianLink.child_id == Child.id,
        or_(Child.left_dt.is_(None), Child.left_dt >= cutoff),
    )
    return select(User.id).where(
        User.role == Role.GUARDIAN, User.created_dt < cutoff, ~still_linked,
        or_(User.last_login_dt.is_(None), User.last_login_dt < cutoff),
    )
