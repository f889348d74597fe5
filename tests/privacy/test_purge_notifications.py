"""The record of notifications sent (retention category "notifications"): items, sends and
fanned-out events go 30 days after they were written, never what is still to send."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ent_lite.extensions import db
from ent_lite.notifications.models import Delivery, DeliveryStatus, Notification, NotificationEvent
from ent_lite.privacy.purge import purge_category, run_purge
from tests.notifications.privacy_rows import told_of
from tests.privacy.conftest import utc

DAY = timedelta(days=1)
INSTANT = timedelta(microseconds=1)
SENT = utc(2026, 3, 2, 18)
DUE = SENT + 30 * DAY  # kept up to this instant, purged from the next


def _exists(model, row_id) -> bool:
    db.session.expire_all()
    return db.session.get(model, row_id) is not None


def told(world, post, when, **statuses):
    return told_of(world.parent_a, post, when, **statuses)


MODELS = (NotificationEvent, Notification, Delivery, Delivery)


def test_at_its_deletion_instant_the_record_is_kept_and_the_instant_after_it_is_purged(world, make_post):
    ids = told(world, make_post(SENT - DAY), SENT)
    assert purge_category("notifications", DUE, dry_run=True).rows == 0
    purge_category("notifications", DUE)
    assert all(_exists(model, i) for model, i in zip(MODELS, ids))

    planned = purge_category("notifications", DUE + INSTANT, dry_run=True)
    assert all(_exists(model, i) for model, i in zip(MODELS, ids))
    # The event (its item goes with it) and both sends, each counted once.
    by_table = {"notification_event": 1, "notification": 1, "notification_delivery": 2}
    assert (planned.rows, dict(planned.by_table)) == (3, by_table)
    result = purge_category("notifications", DUE + INSTANT)
    assert (result.rows, dict(result.by_table)) == (3, by_table)
    assert not any(_exists(model, i) for model, i in zip(MODELS, ids))


def test_a_send_still_due_is_never_purged_nor_the_item_and_event_it_tells_about(world, make_post):
    """A weekly digest or a push waiting for a retry: its record must outlive it."""
    event_id, item_id, mail_id, push_id = told(world, make_post(SENT - DAY), SENT, push=DeliveryStatus.PENDING)
    purge_category("notifications", SENT + 365 * DAY)
    assert _exists(Delivery, push_id) and _exists(Notification, item_id) and _exists(NotificationEvent, event_id)
    # The mail already sent follows its own retention; the item stays linked to the push.
    assert not _exists(Delivery, mail_id)
    item = db.session.get(Notification, item_id)
    assert (item.email_delivery_id, item.push_delivery_id) == (None, push_id)


def test_an_event_not_yet_fanned_out_is_never_purged(world, make_post):
    event_id, item_id, _mail, _push = told(world, make_post(SENT - DAY), SENT, fanned_out=False)
    purge_category("notifications", SENT + 365 * DAY)
    assert _exists(NotificationEvent, event_id)
    # What it already told (its fan-out goes on in batches) follows the items' retention.
    assert not _exists(Notification, item_id)


def test_an_event_counts_from_its_fan_out_not_from_its_creation(world, make_post):
    """A post scheduled weeks ahead records its event when written and tells its readers on the day."""
    event_id, item_id, _mail, _push = told(world, make_post(SENT - DAY), SENT)
    event = db.session.get(NotificationEvent, event_id)
    event.created_dt = SENT - 90 * DAY
    db.session.commit()
    purge_category("notifications", DUE)
    assert _exists(NotificationEvent, event_id) and _exists(Notification, item_id)


def test_an_old_event_keeps_a_recent_item(world, make_post):
    """Items are normally written before their event is marked fanned out; one written later keeps it."""
    event_id, item_id, _mail, _push = told(world, make_post(SENT - DAY), SENT)
    db.session.get(Notification, item_id).created_dt = DUE
    db.session.commit()
    purge_category("notifications", DUE + INSTANT)
    assert _exists(NotificationEvent, event_id) and _exists(Notification, item_id)


@pytest.mark.parametrize("days", [7, 90])
def test_the_administrators_duration_is_the_one_the_purge_uses(world, make_post, days):
    from ent_lite.privacy import retention

    ids = told(world, make_post(SENT - DAY), SENT)
    retention.set_override("notifications", days, SENT)
    db.session.commit()
    purge_category("notifications", SENT + days * DAY)
    assert all(_exists(model, i) for model, i in zip(MODELS, ids))
    purge_category("notifications", SENT + days * DAY + INSTANT)
    assert not any(_exists(model, i) for model, i in zip(MODELS, ids))


def test_the_nightly_purge_runs_the_category_and_audits_its_counts(world, make_post):
    import json

    from sqlalchemy import select

    from ent_lite.audit.models import AuditEntry

    told(world, make_post(SENT - DAY), SENT)
    told(world, make_post(SENT - DAY, title="Piscine"), SENT, push=DeliveryStatus.PENDING)
    run_purge(DUE + DAY)
    details = [json.loads(e.details) for e in db.session.scalars(select(AuditEntry)
                                                                  .where(AuditEntry.action == "purge.run"))]
    (entry,) = [d for d in details if d["category"] == "notifications"]
    assert entry == {"category": "notifications", "rows": 1 + 3, "files": 0}
