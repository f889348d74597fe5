"""Writing audit entries and tampering with them, for the chain and anchor tests."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text

from ent_lite.audit.services import record
from ent_lite.extensions import db


def log(count: int, start: datetime, step: timedelta = timedelta(days=1)) -> list[int]:
    ids = [record("login.success", now=start + i * step, details={"n": i}).id for i in range(count)]
    db.session.commit()
    return ids


def raw(sql: str, **params) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    db.session.execute(text(sql), params)
    db.session.commit()
    db.session.expire_all()
