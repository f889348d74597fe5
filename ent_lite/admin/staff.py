"""Disabling and re-enabling staff accounts (the register: staff accounts are disabled when they leave).

A disabled account cannot sign in, receive a reset link or accept an invitation
(``User.is_active`` and ``find_token`` check ``is_enabled``). Disabling also changes the
session nonce and voids the pending links, so that re-enabling later revives neither an old
cookie nor an old emailed link. An administrator acts on staff of their own city only, and
never on their own account (the city would risk losing its last administrator).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ent_lite.accounts.models import AccountToken, Role, User
from ent_lite.audit.services import record
from ent_lite.extensions import db


def staff_accounts(admin: User) -> list[User]:
    """Every staff account of the administrator's city, by name."""
    return list(db.session.scalars(
        select(User).where(User.city_id == admin.city_id, User.role.in_(Role.STAFF))
        .order_by(User.last_name, User.first_name, User.id)))


def manageable_staff(admin: User, public_id: str) -> User | None:
    """The staff account ``admin`` may disable or re-enable, or None (the view answers 404)."""
    user = db.session.scalar(select(User).where(User.public_id == public_id))
    if user is None or not may_manage(admin, user):
        return None
    return user


def may_manage(admin: User, user: User) -> bool:
    return (admin.role == Role.ADMIN and user.role in Role.STAFF and user.city_id == admin.city_id
            and user.id != admin.id)


def disable_staff(admin: User, user: User, now: datetime) -> bool:
    """Disable ``user``: every session and pending link dies. False when already disabled. Flushes."""
    if not user.is_enabled:
        return False
    user.is_enabled = False
    user.end_all_sessions()
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_dt.is_(None), AccountToken.expires_dt > now)
        .values(expires_dt=now)
        .execution_options(synchronize_session=False))
    record("admin.staff_disable", actor=admin, target=user, now=now, details={"role": user.role})
    return True


def enable_staff(admin: User, user: User, now: datetime) -> bool:
    """Let ``user`` sign in again with their password. False when already enabled. Flushes."""
    if user.is_enabled:
        return False
    user.is_enabled = True
    record("admin.staff_enable", actor=admin, target=user, now=now, details={"role": user.role})
    return True
