"""Addresses the mail server refused for good: recorded so nobody is mailed there again.

One row per person (the latest refusal); the fan-out plans no mail to an address that has a
row, until the person changes it. The row holds the SMTP code only, never the server's text,
which may quote the address or the message.
"""
from __future__ import annotations

from datetime import datetime

from ent_lite.core.upsert import insert
from ent_lite.extensions import db
from ent_lite.notifications.models import EmailProblem


def record_refusal(user, address: str, code: int | None, now: datetime) -> None:
    """Record (or refresh) the refusal of ``user``'s ``address``; the caller commits."""
    values = {"address": address, "smtp_code": code, "detail": f"SMTP {code}" if code else "refused",
              "recorded_dt": now, "shown_dt": None}
    db.session.execute(
        insert(EmailProblem).values(user_id=user.id, **values)
        .on_conflict_do_update(index_elements=["user_id"], set_=values)
    )
