"""Column helpers shared by every feature's models."""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator

PUBLIC_ID_LENGTH = 22


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_public_id() -> str:
    """Random identifier shown in URLs: 128 bits, never sequential."""
    return secrets.token_urlsafe(16)


class PublicId(String):
    """Marker type so the schema reads clearly; a 22-character random string."""

    def __init__(self) -> None:
        super().__init__(PUBLIC_ID_LENGTH)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so values are
    stored as naive UTC and given back as aware UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
