"""The notification tables in a guardian's export (PRIVACY.md C.12 and C.13).

What was sent to them and how, their choices, their devices and a refused address. A device is
listed by its label and dates: its endpoint and keys are secrets of the device that let anyone
holding them send it notifications, and say nothing more about the person. Nobody else is
named: an item says what kind of notification it was, never who caused it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.extensions import db
from ent_lite.notifications.models import (
    Delivery,
    EmailProblem,
    Notification,
    NotificationEvent,
    NotificationPreferences,
    PushSubscription,
)
from ent_lite.rights.registry import deletion, exporter, row


def _minutes(value: int | None) -> str | None:
    return None if value is None else f"{value // 60:02d}:{value % 60:02d}"


@exporter("notification_preferences", _l("Your notification choices"))
def _preferences(guardian, child_ids):
    p = db.session.get(NotificationPreferences, guardian.id)
    if p is None:  # never changed: the defaults apply, nothing is stored
        return []
    return [row(news_email=p.news_email, news_push=p.news_push, todo_email=p.todo_email, todo_push=p.todo_push,
                messages_email=p.messages_email, messages_push=p.messages_push,
                digest_time=_minutes(p.digest_minute), weekly_day=p.weekly_day,
                quiet_start=_minutes(p.quiet_start_minute), quiet_end=_minutes(p.quiet_end_minute),
                quiet_weekends=p.quiet_weekends, updated_dt=p.updated_dt)]


@exporter("push_subscription", _l("Devices where you turned notifications on"))
def _devices(guardian, child_ids):
    rows = db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == guardian.id)
                              .order_by(PushSubscription.id))
    return [row(public_id=d.public_id, device=d.device_label, created_dt=d.created_dt,
                last_success_dt=d.last_success_dt) for d in rows]


@exporter("email_problem", _l("Your address refused by the mail server"))
def _email_problem(guardian, child_ids):
    rows = db.session.scalars(select(EmailProblem).where(EmailProblem.user_id == guardian.id))
    return [row(address=p.address, smtp_code=p.smtp_code, detail=p.detail, recorded_dt=p.recorded_dt,
                shown_dt=p.shown_dt) for p in rows]


@exporter("notification", _l("Notifications sent to you"))
def _items(guardian, child_ids):
    rows = list(db.session.execute(
        select(Notification, NotificationEvent.kind).join(NotificationEvent)
        .where(Notification.user_id == guardian.id).order_by(Notification.created_dt, Notification.id)))
    ids = {i for item, _kind in rows for i in (item.email_delivery_id, item.push_delivery_id) if i is not None}
    deliveries = {d.id: d for d in db.session.scalars(select(Delivery).where(Delivery.id.in_(ids)))} if ids else {}

    def sent(delivery_id):
        delivery = deliveries.get(delivery_id)
        return (delivery.public_id, delivery.status) if delivery else (None, None)

    result = []
    for item, kind in rows:
        email, email_status = sent(item.email_delivery_id)
        push, push_status = sent(item.push_delivery_id)
        result.append(row(category=item.category, about=kind, created_dt=item.created_dt, email=email,
                          email_status=email_status, push=push, push_status=push_status,
                          deletion_dt=deletion("notifications", item.created_dt)))
    return result


@exporter("notification_delivery", _l("Notification mails and pushes"))
def _deliveries(guardian, child_ids):
    rows = db.session.scalars(select(Delivery).where(Delivery.user_id == guardian.id).order_by(Delivery.id))
    return [row(public_id=d.public_id, channel=d.channel, digest_for=d.digest_slot_dt, is_urgent=d.is_urgent,
                status=d.status, due_dt=d.due_dt, attempts=d.attempts, created_dt=d.created_dt, done_dt=d.done_dt,
                error=d.last_error, deletion_dt=deletion("notifications", d.done_dt)) for d in rows]


@exporter("notification_event", _l("Notifications your own messages caused"))
def _own_events(guardian, child_ids):
    # The people told are not named: only that the guardian's act was announced, and when.
    rows = db.session.scalars(select(NotificationEvent).where(NotificationEvent.actor_id == guardian.id)
                              .order_by(NotificationEvent.id))
    return [row(about=e.kind, category=e.category, created_dt=e.created_dt, told_from=e.fanned_out_dt,
                deletion_dt=deletion("notifications", e.fanned_out_dt)) for e in rows]
