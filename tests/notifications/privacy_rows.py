"""A row in every notification table about one guardian, for the erasure, export and purge tests.

The worker that fans events out and sends them is another part of the feature; here the rows it
would write are added directly, as it leaves them: one item, its mail sent, its push still due.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ent_lite.extensions import db
from ent_lite.notifications import events
from ent_lite.notifications.models import (
    Category,
    Channel,
    Delivery,
    DeliveryStatus,
    EmailProblem,
    EventKind,
    Notification,
    NotificationEvent,
    NotificationPreferences,
    PushSubscription,
)

# What a browser hands over when a person turns push on: the endpoint and keys are secrets
# of that device, never to be shown back (the export lists the device by its label).
ENDPOINT = "https://push.example.test/send/3f9c-secret-endpoint-"  # + the person's public id
P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"


@dataclass
class NotificationRows:
    post_event: NotificationEvent
    own_event: NotificationEvent
    item: Notification
    email: Delivery
    push: Delivery
    device: PushSubscription
    problem: EmailProblem


def add_notification_rows(guardian, post, message, now: datetime) -> NotificationRows:
    """``post`` (by staff) was told to ``guardian`` by mail (sent) and push (still due);
    ``message`` (by ``guardian``) caused an event told to others. Flushed, not committed."""
    # The services wrote the events already when the post and message went through them.
    post_event = db.session.scalar(select(NotificationEvent).where(
        NotificationEvent.post_id == post.id, NotificationEvent.kind == EventKind.POST)) or events.post_published(post)
    own_event = db.session.scalar(select(NotificationEvent).where(
        NotificationEvent.message_id == message.id)) or events.message_posted(message, now)
    post_event.fanned_out_dt = own_event.fanned_out_dt = now
    email = Delivery(user_id=guardian.id, channel=Channel.EMAIL, status=DeliveryStatus.SENT, due_dt=now,
                     attempts=1, created_dt=now, done_dt=now + timedelta(minutes=1))
    push = Delivery(user_id=guardian.id, channel=Channel.PUSH, status=DeliveryStatus.PENDING, due_dt=now,
                    created_dt=now)
    db.session.add_all([email, push])
    db.session.flush()
    item = Notification(event_id=post_event.id, user_id=guardian.id, category=Category.NEWS, created_dt=now,
                        email_delivery_id=email.id, push_delivery_id=push.id)
    device = PushSubscription(user_id=guardian.id, endpoint=ENDPOINT + guardian.public_id, p256dh=P256DH, auth=AUTH,
                              device_label="Firefox on Android", created_dt=now)
    problem = EmailProblem(user_id=guardian.id, address=guardian.email, smtp_code=550,
                           detail="5.1.1 mailbox unavailable", recorded_dt=now)
    db.session.add_all([item, device, problem,
                        NotificationPreferences(user_id=guardian.id, news_email="weekly", updated_dt=now)])
    db.session.flush()
    return NotificationRows(post_event, own_event, item, email, push, device, problem)


def told_of(guardian, post, when: datetime, *, email: str = DeliveryStatus.SENT, push: str = DeliveryStatus.SENT,
            fanned_out: bool = True) -> tuple[int, int, int, int]:
    """``guardian`` told of ``post`` at ``when`` by mail and push, each with the status given
    (done ones done at ``when``); committed. Returns the ids of (event, item, mail, push)."""
    event = events.post_published(post)
    event.created_dt = event.not_before_dt = when
    event.fanned_out_dt = when if fanned_out else None
    deliveries = [Delivery(user_id=guardian.id, channel=channel, status=status, due_dt=when, created_dt=when,
                           done_dt=when if status in DeliveryStatus.DONE else None)
                  for channel, status in ((Channel.EMAIL, email), (Channel.PUSH, push))]
    db.session.add_all(deliveries)
    db.session.flush()
    item = Notification(event_id=event.id, user_id=guardian.id, category=Category.NEWS, created_dt=when,
                        email_delivery_id=deliveries[0].id, push_delivery_id=deliveries[1].id)
    db.session.add(item)
    db.session.commit()
    return event.id, item.id, deliveries[0].id, deliveries[1].id
