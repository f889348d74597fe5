"""What the purge deletes of the notifications record (retention category "notifications").

The record says what kind of notification went to whom, when, by which channel and with what
outcome; never what it said. A row is due once it is older than the cutoff, counted from when
it was written: an item from its creation, a delivery from when it was sent or given up, an
event from its fan-out. Never due, whatever their age: a delivery still to send, an item that
a delivery still to send will tell about (a weekly digest not gone yet), an event not fully
fanned out, or one that still has such an item. The purge (ent_lite.privacy.purge) deletes
them in this order, events taking their items with them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, exists, func, or_, select

from ent_lite.notifications.models import Delivery, DeliveryStatus, Notification, NotificationEvent


def _still_to_tell(item=Notification):
    """Condition on an item: one of its deliveries has not been sent yet."""
    return exists().where(Delivery.id.in_([item.email_delivery_id, item.push_delivery_id]),
                          Delivery.status.notin_(DeliveryStatus.DONE))


def due_events(cutoff: datetime) -> Select:
    """Events fanned out before the cutoff, none of whose items must stay."""
    kept_item = exists().where(Notification.event_id == NotificationEvent.id,
                               or_(Notification.created_dt >= cutoff, _still_to_tell()))
    return select(NotificationEvent.id).where(NotificationEvent.fanned_out_dt.is_not(None),
                                              NotificationEvent.fanned_out_dt < cutoff, ~kept_item)


def due_items(cutoff: datetime) -> Select:
    """Items created before the cutoff whose mail and push are done, when their event stays
    (for another item); the others go with their event, so a dry run counts each row once."""
    return select(Notification.id).where(Notification.created_dt < cutoff, ~_still_to_tell(),
                                         Notification.event_id.notin_(due_events(cutoff)))


def due_deliveries(cutoff: datetime) -> Select:
    """Mails and pushes sent, refused or skipped before the cutoff."""
    return select(Delivery.id).where(Delivery.status.in_(DeliveryStatus.DONE),
                                     func.coalesce(Delivery.done_dt, Delivery.created_dt) < cutoff)


def due_queries(cutoff: datetime) -> list[Select]:
    return [due_events(cutoff), due_items(cutoff), due_deliveries(cutoff)]
