"""Activation codes printed on family letters: random, single use, expiring."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from ent_lite.accounts.models import ActivationCode, User
from ent_lite.extensions import db

# No 0/O, 1/I/L: the code is typed from paper on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31^12 ≈ 2^59


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMN: groups of four are easier to copy."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def issue_activation_codes(users: list[User], now: datetime, valid_days: int) -> list[ActivationCode]:
    """Give each user a new code, replacing their unused ones; one query and one flush for all."""
    if not users:
        return []
    user_ids = [user.id for user in users]
    db.session.execute(
        delete(ActivationCode).where(ActivationCode.user_id.in_(user_ids), ActivationCode.used_dt.is_(None))
    )
    codes = [
        ActivationCode(
            user=user,
            code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
            created_dt=now,
            expires_dt=now + timedelta(days=valid_days),
        )
        for user in users
    ]
    db.session.add_all(codes)
    db.session.flush()
    return codes


def issue_activation_code(user: User, now: datetime, valid_days: int) -> ActivationCode:
    return issue_activation_codes([user], now, valid_days)[0]


def current_code(user: User, now: datetime) -> ActivationCode | None:
    return db.session.scalar(
        select(ActivationCode).where(
            ActivationCode.user_id == user.id,
            ActivationCode.used_dt.is_(None),
            ActivationCode.expires_dt > now,
        )
    )


def find_code(text: str) -> ActivationCode | None:
    """The code as typed, whatever its state; callers check used/expired to explain the refusal."""
    code = normalise_code(text)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(select(ActivationCode).where(ActivationCode.code == code))
