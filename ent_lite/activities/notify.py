"""Telling a family that a registration changed status: one outbox row, content-free.

Written in the caller's transaction (a rolled-back change tells nobody); the worker fans it
out to the child's guardians and sends at once (an offer has a deadline, the rest is short news).
"""
from __future__ import annotations

from datetime import datetime

from ent_lite.extensions import db
from ent_lite.notifications.models import Category, EventKind, NotificationEvent


def status_changed(registration, now: datetime, actor_id: int | None = None) -> NotificationEvent:
    event = NotificationEvent(kind=EventKind.ACTIVITY, category=Category.TODO, registration_id=registration.id,
                              actor_id=actor_id, due_dt=now, created_dt=now, not_before_dt=now)
    db.session.add(event)
    return event
