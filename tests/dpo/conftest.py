"""Builders for the rights-request and DPO workspace tests."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from ent_lite.audit.models import AuditEntry
from ent_lite.dpo import services
from ent_lite.extensions import db

ROLE_USER = {"guardian": "parent_a", "teacher": "teacher_a", "director": "director", "animator": "animator",
             "city_agent": "city_agent", "admin": "admin", "dpo": "dpo"}
NOT_DPO = [role for role in ROLE_USER if role != "dpo"]
NOT_GUARDIAN = [role for role in ROLE_USER if role != "guardian"]


def utc(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.fixture
def make_request(db):
    """A request sent through the service ``days_ago`` days ago (committed)."""

    def _make(guardian, kind="other", message="Une question.", child=None, days_ago=0, now=None):
        now = now or datetime.now(timezone.utc) - timedelta(days=days_ago)
        created = services.create_request(guardian, kind, message, now, child=child)
        db.session.commit()
        return created

    return _make
