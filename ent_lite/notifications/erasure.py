"""Erasure of a guardian's notifications: what was sent to them, their settings and devices.

Events they caused (a message they wrote) stay for the other readers, who may still be told,
but no longer say who caused them. The person's items go before their deliveries, which the
items point at.
"""
from __future__ import annotations

from ent_lite.erasure.helpers import counts, delete_where, set_null
from ent_lite.erasure.signals import on_erasing_user
from ent_lite.notifications.models import (
    Delivery,
    EmailProblem,
    Notification,
    NotificationEvent,
    NotificationPreferences,
    PushSubscription,
)


@on_erasing_user("notification_event.actor_id")
def forget_actor(user, **_) -> dict[str, int]:
    return counts(notification_event=set_null(NotificationEvent.actor_id, user.id))


@on_erasing_user("notification.user_id", "notification_delivery.user_id", "notification_preferences.user_id",
                 "push_subscription.user_id", "email_problem.user_id")
def erase_notifications(user, **_) -> dict[str, int]:
    return counts(
        notification=delete_where(Notification, Notification.user_id == user.id),
        notification_delivery=delete_where(Delivery, Delivery.user_id == user.id),
        notification_preferences=delete_where(NotificationPreferences, NotificationPreferences.user_id == user.id),
        push_subscription=delete_where(PushSubscription, PushSubscription.user_id == user.id),
        email_problem=delete_where(EmailProblem, EmailProblem.user_id == user.id),
    )
