"""Erasure and notifications: a guardian's own record, and what told of a child's threads.

A guardian: what was sent to them, their choices, devices and refused address are deleted.
Events they caused (a message they wrote) stay for the other readers, who may still be told,
but no longer say who caused them. The person's items go before their deliveries, which the
items point at.

A child: their threads and messages are deleted (ent_lite.conversations.erasure), so the
events and items telling of those messages go too. SQLite enforces no foreign keys, and an
item left pointing at a deleted message could later point at another message given its id.
"""
from __future__ import annotations

from sqlalchemy import exists, or_, select

from ent_lite.conversations.models import Message, Thread
from ent_lite.erasure.helpers import counts, delete_where, set_null
from ent_lite.erasure.signals import erasure_handler
from ent_lite.extensions import db
from ent_lite.notifications.models import (
    Delivery,
    EmailProblem,
    Notification,
    NotificationEvent,
    NotificationPreferences,
    PushSubscription,
)


@erasure_handler("user", "notification_event.actor_id")
def forget_actor(user, **_) -> dict[str, int]:
    return counts(notification_event=set_null(NotificationEvent.actor_id, user.id))


@erasure_handler("user", "notification.user_id", "notification_delivery.user_id",
                 "notification_preferences.user_id", "push_subscription.user_id", "email_problem.user_id")
def erase_notifications(user, **_) -> dict[str, int]:
    return counts(
        notification=delete_where(Notification, Notification.user_id == user.id),
        notification_delivery=delete_where(Delivery, Delivery.user_id == user.id),
        notification_preferences=delete_where(NotificationPreferences, NotificationPreferences.user_id == user.id),
        push_subscription=delete_where(PushSubscription, PushSubscription.user_id == user.id),
        email_problem=delete_where(EmailProblem, EmailProblem.user_id == user.id),
    )


@erasure_handler("child")
def forget_child_threads(child, **_) -> dict[str, int]:
    # Handlers run in no fixed order: the messages may be gone already, leaving their events orphaned.
    about_child = select(Message.id).join(Thread, Thread.id == Message.thread_id).where(Thread.child_id == child.id)
    orphaned = NotificationEvent.message_id.is_not(None) & ~exists().where(Message.id == NotificationEvent.message_id)
    ids = list(db.session.scalars(select(NotificationEvent.id).where(
        or_(NotificationEvent.message_id.in_(about_child), orphaned))))
    if not ids:
        return {}
    return counts(notification=delete_where(Notification, Notification.event_id.in_(ids)),
                  notification_event=delete_where(NotificationEvent, NotificationEvent.id.in_(ids)))
