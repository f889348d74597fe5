"""What the purge deletes of the notifications record (retention category "notifications").

The record says what kind of notification went to whom, when, by which channel and with what
outcome; never what it said. A row is due once it is older than the cutoff, counted from when
it was written: an item from its creation, a delivery from when it was sent or given up, an
event from its fan-out. Never due, whatever their age: a delivery still to send, an item that
a delivery still to send will tell about (a weekly digest not gone yet), an event not fully
fanned out, or one that still has such an item. The purge deletes them in this order
(events, items, deliveries), events taking their items with them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, exists, func, or_, select

from ent_lite.notifications.models import Delivery, DeliveryStatus, Notification, NotificationEvent
from ent_lite.privacy.registry import NOT_PERSONAL, classify_columns, purge_job

# Preferences, devices and a refused address live as long as the account they serve; a
# device's push endpoint and keys go with its subscription. The record of what was sent holds
# no content, only kinds, dates, channels and outcomes. The instance's own signing key
# identifies the server to push services, no person.
classify_columns("notification_preferences", {
    "accounts": "user_id news_email news_push todo_email todo_push messages_email messages_push "
                "digest_minute weekly_day quiet_start_minute quiet_end_minute quiet_weekends updated_dt",
})
classify_columns("push_subscription", {
    "accounts": "id public_id user_id endpoint p256dh auth device_label created_dt last_success_dt",
})
classify_columns("email_problem", {
    "accounts": "id user_id address smtp_code detail recorded_dt shown_dt",
})
classify_columns("notification_event", {
    "notifications": "id post_id message_id registration_id actor_id due_dt created_dt not_before_dt "
                     "fanout_cursor fanned_out_dt lease_until",
    NOT_PERSONAL: "kind category",
})
classify_columns("notification", {
    "notifications": "id event_id user_id category created_dt email_delivery_id push_delivery_id",
})
classify_columns("notification_delivery", {
    "notifications": "id public_id user_id channel digest_slot_dt is_urgent status due_dt attempts "
                     "lease_until created_dt done_dt last_error",
})
classify_columns("vapid_key", {
    NOT_PERSONAL: "id private_pem created_dt",
})


def _still_to_tell(item=Notification):
    """Condition on an item: one of its deliveries has not been sent yet."""
    return exists().where(Delivery.id.in_([item.email_delivery_id, item.push_delivery_id]),
                          Delivery.status.notin_(DeliveryStatus.DONE))


@purge_job("notifications", order=0)
def due_events(cutoff: datetime) -> Select:
    """Events fanned out before the cutoff, none of whose items must stay."""
    kept_item = exists().where(Notification.event_id == NotificationEvent.id,
                               or_(Notification.created_dt >= cutoff, _still_to_tell()))
    return select(NotificationEvent.id).where(NotificationEvent.fanned_out_dt.is_not(None),
                                              NotificationEvent.fanned_out_dt < cutoff, ~kept_item)


@purge_job("notifications", order=1)
def due_items(cutoff: datetime) -> Select:
    """Items created before the cutoff whose mail and push are done, when their event stays
    (for another item); the others go with their event, so a dry run counts each row once."""
    return select(Notification.id).where(Notification.created_dt < cutoff, ~_still_to_tell(),
                                         Notification.event_id.notin_(due_events(cutoff)))


@purge_job("notifications", order=2)
def due_deliveries(cutoff: datetime) -> Select:
    """Mails and pushes sent, refused or skipped before the cutoff."""
    return select(Delivery.id).where(Delivery.status.in_(DeliveryStatus.DONE),
                                     func.coalesce(Delivery.done_dt, Delivery.created_dt) < cutoff)

