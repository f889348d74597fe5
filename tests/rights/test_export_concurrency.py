"""Requests for an export racing each other make one export: the day is claimed atomically."""
from __future__ import annotations

from sqlalchemy import func, select

from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from ent_lite.rights.models import DataExport
from tests.concurrency import at_once

REQUESTS = 4


def run_together(clients, path: str) -> list:
    """POST ``path`` from every client at the same moment, each in its own thread and connection."""
    responses = at_once([lambda c=c: c.post(path) for c in clients])
    db.session.rollback()  # read what the other connections committed
    return responses


def test_concurrent_export_requests_make_exactly_one_export(app, world, login_as):
    clients = [login_as(world.parent_a, target=app.test_client()) for _ in range(REQUESTS)]
    responses = run_together(clients, "/privacy/my-data/export")
    assert [r.status_code for r in responses] == [302] * REQUESTS  # refused ones are told, never a 500
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 1
    created = db.session.scalar(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.action == "export.create"))
    assert created == 1
    # The one export is the guardian's and can be downloaded.
    export = db.session.scalar(select(DataExport))
    assert export.user_id == world.parent_a.id and export.size > 0


def test_two_guardians_exporting_at_once_each_get_theirs(app, world, login_as):
    clients = [login_as(world.parent_a, target=app.test_client()),
               login_as(world.parent_b, target=app.test_client())]
    run_together(clients, "/privacy/my-data/export")
    owners = set(db.session.scalars(select(DataExport.user_id)))
    assert owners == {world.parent_a.id, world.parent_b.id}
