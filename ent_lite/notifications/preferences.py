"""A person's notification preferences; no stored row means the defaults."""
from __future__ import annotations

from ent_lite.extensions import db
from ent_lite.notifications.models import NotificationPreferences


def defaults(user_id: int) -> NotificationPreferences:
    """Daily digest at 18:00 by email, push at once when turned on, quiet 20:00–07:00 and weekends."""
    columns = NotificationPreferences.__table__.columns
    return NotificationPreferences(user_id=user_id, **{
        c.name: c.default.arg for c in columns if c.default is not None and not callable(c.default.arg)})


def preferences_of(user_id: int) -> NotificationPreferences:
    """The stored preferences, or unsaved defaults."""
    return db.session.get(NotificationPreferences, user_id) or defaults(user_id)
