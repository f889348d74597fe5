"""Builders for the mail-content tests: items and deliveries written directly, as the worker would."""
from __future__ import annotations

import email
from datetime import datetime, timedelta, timezone
from email import policy

from ent_lite.conversations import services as conversations
from ent_lite.extensions import db
from ent_lite.notifications import events
from ent_lite.notifications.models import Category, Channel, Delivery, Notification
from ent_lite.posts.models import Post, PostAudience

NOW = datetime(2026, 3, 12, 17, 0, tzinfo=timezone.utc)  # a Thursday, 18:00 in Paris


def post(author, group, title="Sortie au musée", body="Bonjour", establishment=None, **fields) -> Post:
    item = Post(author_id=author.id, establishment_id=(establishment or group.establishment).id, title=title,
                body_markdown=body, body_html=f"<p>{body}</p>", created_dt=NOW - timedelta(hours=2),
                published_dt=NOW - timedelta(hours=2), **fields)
    item.audience = [PostAudience(kind="group", value=str(group.id))]
    db.session.add(item)
    db.session.flush()
    return item


def message(world, body="Bonjour, Awa a oublié son gilet.", subject="Cantine", starter=None, child=None):
    thread, first = conversations.start_child_thread(starter or world.teacher_a, child or world.child_a,
                                                     world.school.id, subject, body, NOW - timedelta(hours=1))
    db.session.flush()
    return thread, first


def deliver(user, *event_list, digest: bool = True, channel: str = Channel.EMAIL) -> Delivery:
    """One delivery to ``user`` covering one item per event."""
    delivery = Delivery(user_id=user.id, channel=channel, due_dt=NOW,
                        digest_slot_dt=NOW if digest else None,
                        is_urgent=any(e.category == Category.URGENT for e in event_list))
    db.session.add(delivery)
    db.session.flush()
    for event in event_list:
        db.session.flush()
        column = "email_delivery_id" if channel == Channel.EMAIL else "push_delivery_id"
        db.session.add(Notification(event_id=event.id, user_id=user.id, category=event.category,
                                    created_dt=NOW, **{column: delivery.id}))
    db.session.flush()
    return delivery


def post_event(item: Post):
    event = events.post_published(item)
    db.session.flush()
    return event


def message_event(first):
    event = events.message_posted(first, NOW - timedelta(hours=1))
    db.session.flush()
    return event


def reminder_event(item: Post, actor):
    event = events.reminder_requested(item, actor, NOW - timedelta(minutes=30))
    db.session.flush()
    return event


def received(message) -> email.message.EmailMessage:
    """The mail as a receiving server reads it: flattened to bytes, parsed with the modern policy."""
    return email.message_from_bytes(message.as_bytes(), policy=policy.default)
