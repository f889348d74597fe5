"""One login per device: the id Flask-Login keeps in the session and in the remember cookie.

The id is "<public_id>:<session nonce>:<device key>:<issued at>". Both cookies are signed with
the secret key, so the browser can change none of its parts, and each part ends logins in
its own way (PRIVACY.md 24):

- the session nonce is the user's: changing it (log out everywhere, password change,
  erasure) ends every device at once;
- the device key is this login's: logging out puts a hash of it on a deny list, which ends
  this device only, any copy of its cookies included, and leaves the user's other devices
  signed in;
- the issue time bounds every login to ``REMEMBER_COOKIE_DURATION_DAYS`` on the server, so a
  remember cookie kept past its 30 days by the browser (or copied) is refused all the same.

A deny list rather than a table of live logins: nothing is written at login, and a revoked
key is kept only until its issue time is too old to be accepted anyway, then deleted. Its
rows hold a hash of a random value that is in no other table, so they name no one.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import delete, exists, select

from ent_lite.accounts.models import RevokedLogin, User
from ent_lite.core.upsert import insert
from ent_lite.extensions import db

# A login issued this far in the future (a clock set back on a server) is still taken.
_CLOCK_SKEW_SECONDS = 300


@dataclass(frozen=True)
class LoginId:
    public_id: str
    nonce: str
    device: str
    issued: int  # Unix time of the login

    def __str__(self) -> str:
        return f"{self.public_id}:{self.nonce}:{self.device}:{self.issued}"

    @property
    def key_hash(self) -> str:
        return hashlib.sha256(self.device.encode("ascii")).hexdigest()


def new_login_id(user: User, now: int) -> LoginId:
    return LoginId(user.public_id, user.session_nonce, secrets.token_urlsafe(16), now)


def parse(text: str | None) -> LoginId | None:
    """The id's parts, or None for anything else (ids made before devices had keys included)."""
    parts = (text or "").split(":")
    if len(parts) != 4 or not all(parts) or not parts[3].isdigit() or not parts[2].isascii():
        return None
    return LoginId(parts[0], parts[1], parts[2], int(parts[3]))


def max_age_seconds() -> int:
    return current_app.config["REMEMBER_COOKIE_DURATION_DAYS"] * 86400


def is_current(login: LoginId, now: int) -> bool:
    """Issued less than the remember-me duration ago."""
    return now - max_age_seconds() < login.issued <= now + _CLOCK_SKEW_SECONDS


def load(login: LoginId) -> User | None:
    """The login's user, if that device has not logged out (one query)."""
    revoked = exists().where(RevokedLogin.key_hash == login.key_hash)
    return db.session.scalar(select(User).where(User.public_id == login.public_id, ~revoked))


def _utc(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def revoke(login: LoginId, now: int) -> None:
    """End this device's login, copies of its cookies included. Flushes; the caller commits."""
    db.session.execute(delete(RevokedLogin).where(RevokedLogin.expires_dt < _utc(now)))
    expires = _utc(login.issued + max_age_seconds() + _CLOCK_SKEW_SECONDS)
    # Two logouts racing with copies of one cookie write one row.
    db.session.execute(insert(RevokedLogin).values(key_hash=login.key_hash, expires_dt=expires)
                       .on_conflict_do_nothing(index_elements=["key_hash"]))
