"""Activation codes printed on family letters: random, single use, expiring (PRIVACY.md 25).

A code is shown once, on the letter printed when it is issued; the database keeps only an
HMAC of it, keyed from the secret key, so that a copy of the database (a backup, a dump for
support) activates no account, while a typed code is still found by one indexed lookup.
Codes carry about 59 random bits, so a keyed hash needs no salt or slow function. Changing
the secret key voids every code not yet used: the letters are then printed again.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, insert, select

from ent_lite.accounts.models import ActivationCode, User
from ent_lite.extensions import db

# No 0/O, 1/I/L: the code is typed from paper on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31^12 ≈ 2^59


@dataclass(frozen=True)
class IssuedCode:
    """A code just issued: its clear text exists only here, for the letter being printed."""

    code: str
    row: ActivationCode

    @property
    def user_id(self) -> int:
        return self.row.user_id

    @property
    def expires_dt(self) -> datetime:
        return self.row.expires_dt


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMN: groups of four are easier to copy."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _key() -> bytes:
    return hashlib.sha256(b"ent_lite activation codes\0" + current_app.config["SECRET_KEY"].encode("utf-8")).digest()


def hash_code(code: str) -> str:
    return hmac.new(_key(), normalise_code(code).encode("ascii", "ignore"), hashlib.sha256).hexdigest()


def issue_activation_codes(users: list[User], now: datetime, valid_days: int) -> list[IssuedCode]:
    """Give each user a new code, replacing their unused ones (earlier letters stop working),
    in three statements whatever the number.

    One bulk INSERT (an executemany): adding objects one by one would cost an INSERT per code.
    """
    if not users:
        return []
    user_ids = list(dict.fromkeys(user.id for user in users))
    db.session.execute(
        delete(ActivationCode).where(ActivationCode.user_id.in_(user_ids), ActivationCode.used_dt.is_(None))
    )
    clear = {user_id: "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for user_id in user_ids}
    db.session.execute(insert(ActivationCode), [
        {"user_id": user_id, "code_hash": hash_code(code), "created_dt": now,
         "expires_dt": now + timedelta(days=valid_days)}
        for user_id, code in clear.items()
    ])
    fresh = db.session.scalars(
        select(ActivationCode).where(ActivationCode.user_id.in_(user_ids), ActivationCode.used_dt.is_(None)))
    by_user = {code.user_id: code for code in fresh}
    return [IssuedCode(clear[user_id], by_user[user_id]) for user_id in user_ids]


def issue_activation_code(user: User, now: datetime, valid_days: int) -> IssuedCode:
    return issue_activation_codes([user], now, valid_days)[0]


def current_codes(user_ids, now: datetime) -> dict[int, ActivationCode]:
    """{user id: the unused, unexpired code} for these users, in one query."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    codes = db.session.scalars(
        select(ActivationCode).where(
            ActivationCode.user_id.in_(ids),
            ActivationCode.used_dt.is_(None),
            ActivationCode.expires_dt > now,
        )
    )
    return {code.user_id: code for code in codes}


def find_code(text: str) -> ActivationCode | None:
    """The code as typed, whatever its state; callers check used/expired to explain the refusal."""
    code = normalise_code(text)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(select(ActivationCode).where(ActivationCode.code_hash == hash_code(code)))
