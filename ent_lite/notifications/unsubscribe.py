"""One-click unsubscribing (RFC 8058): a signed link per person turns their email off.

The link carries the person's public id signed with the app's secret under a salt of its
own, so it cannot be forged nor reused as any other token of the app. It does not expire:
the link in a mail from last year must still work. It can do one thing only, turn
non-urgent mail off, which is why it needs no login.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ent_lite.accounts.emails import external_url
from ent_lite.accounts.models import User
from ent_lite.core import upsert
from ent_lite.extensions import db
from ent_lite.notifications.models import Category, Channel, Mode, NotificationPreferences
from ent_lite.notifications.preferences import defaults

SALT = "ent_lite.notifications.unsubscribe"
# The columns an unsubscribe turns off: every email category but urgent, which has none.
EMAIL_COLUMNS = tuple(f"{category}_{Channel.EMAIL}" for category in Category.CONFIGURABLE)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def token(user: User) -> str:
    return _serializer().dumps(user.public_id)


def link(user: User) -> str:
    return external_url("notifications.unsubscribe", token=token(user))


def user_for(value: str) -> User | None:
    """The person the token names, or None for a tampered token or an erased account."""
    try:
        public_id = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(public_id, str):
        return None
    return db.session.scalar(select(User).where(User.public_id == public_id))


def email_is_off(user: User) -> bool:
    prefs = db.session.get(NotificationPreferences, user.id)
    return prefs is not None and all(getattr(prefs, column) == Mode.OFF for column in EMAIL_COLUMNS)


def turn_email_off(user: User, now: datetime) -> None:
    """Every non-urgent email category off; push and hours are kept. One atomic statement, so
    two POSTs at once (a mail provider retrying) write one row and neither fails. Flushes."""
    off = {column: Mode.OFF for column in EMAIL_COLUMNS}
    columns = NotificationPreferences.__table__.columns
    row = {c.name: getattr(defaults(user.id), c.name) for c in columns}
    row.update(off, updated_dt=now)
    statement = upsert.insert(NotificationPreferences).values(**row).on_conflict_do_update(
        index_elements=["user_id"], set_={**off, "updated_dt": now})
    db.session.execute(statement)
    db.session.expire_all()
