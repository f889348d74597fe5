"""Emailed single-use links (reset, invitation, email confirmation): only the SHA-256 of the token is stored."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import select, update

from ent_lite.accounts.models import AccountToken, User
from ent_lite.extensions import db


class TokenState(Enum):
    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def revoke_tokens(user: User, purpose: str, now: datetime) -> None:
    """Every unused link of this purpose stops working (expired now: the page says it was replaced)."""
    assert purpose in AccountToken.PURPOSES
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_dt.is_(None),
               AccountToken.expires_dt > now)
        .values(expires_dt=now)
        .execution_options(synchronize_session="fetch")
    )


def issue_token(user: User, purpose: str, now: datetime, valid_for: timedelta) -> str:
    """A new link token; the user's earlier unused tokens for the same purpose stop working."""
    revoke_tokens(user, purpose, now)
    token = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=hash_token(token),
                                created_dt=now, expires_dt=now + valid_for))
    db.session.flush()
    return token


def find_token(token: str, purpose: str, now: datetime) -> tuple[TokenState, AccountToken | None]:
    """The stored token and why it can or cannot be used."""
    if not token or len(token) > 100:
        return TokenState.UNKNOWN, None
    row = db.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == hash_token(token), AccountToken.purpose == purpose)
    )
    if row is None:
        return TokenState.UNKNOWN, None
    if row.used_dt is not None:
        return TokenState.USED, row
    if row.expires_dt <= now or not row.user.is_enabled:
        return TokenState.EXPIRED, row
    return TokenState.VALID, row


class TokenAlreadyUsed(Exception):
    """Another request used the link between its check and this use."""


def use_token(row: AccountToken, now: datetime) -> None:
    """Mark the link used, once: two requests carrying the same link at the same moment both
    pass find_token, and only the conditional update tells which one came first."""
    used = db.session.execute(
        update(AccountToken).where(AccountToken.id == row.id, AccountToken.used_dt.is_(None))
        .values(used_dt=now).execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise TokenAlreadyUsed()
    row.used_dt = now
