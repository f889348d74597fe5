"""Erasing a child takes the notifications of their threads' messages with the messages, whichever
erasure handler runs first (SQLite enforces no foreign keys: nothing else would)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ent_lite.conversations import services as conversations
from ent_lite.conversations.erasure import erase_child_threads
from ent_lite.conversations.models import Message
from ent_lite.core.db_types import utcnow
from ent_lite.erasure.services import erase_child
from ent_lite.extensions import db
from ent_lite.notifications.erasure import forget_child_threads
from ent_lite.notifications.models import Category, Notification, NotificationEvent


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _told_of_messages(world):
    """parent_a2 told of parent_a's message about child_a; parent_b of a message about child_b."""
    now = utcnow() - timedelta(hours=1)
    _t, about_a = conversations.start_child_thread(world.parent_a, world.child_a, world.school.id, "Cantine",
                                                   "Awa a oublié son gilet.", now)
    _t, about_b = conversations.start_child_thread(world.parent_b, world.child_b, world.school.id, "Sortie",
                                                   "Léo sera absent.", now)
    for message, reader in ((about_a, world.parent_a2), (about_b, world.teacher_a)):
        # Each message wrote its event; the worker fanned it out to one reader.
        event = db.session.scalar(select(NotificationEvent).where(NotificationEvent.message_id == message.id))
        event.fanned_out_dt = now
        db.session.flush()
        db.session.add(Notification(event_id=event.id, user_id=reader.id, category=Category.MESSAGES, created_dt=now))
    db.session.commit()
    return about_b.id


def _left_pointing_at_no_message() -> int:
    return db.session.scalar(select(func.count()).select_from(NotificationEvent).where(
        NotificationEvent.message_id.is_not(None),
        ~select(Message.id).where(Message.id == NotificationEvent.message_id).exists()))


def test_erasing_a_child_takes_the_notifications_of_their_messages(world):
    other_message_id = _told_of_messages(world)
    erase_child(world.child_a, now=utcnow(), actor=None)
    db.session.commit()
    assert _left_pointing_at_no_message() == 0
    # Another family's notification stays.
    assert db.session.scalars(select(NotificationEvent.message_id)).all() == [other_message_id]
    assert _count(Notification) == 1


@pytest.mark.parametrize("messages_first", [True, False])
def test_in_either_order_of_the_handlers(world, messages_first):
    _told_of_messages(world)
    child = world.child_a
    handlers = [erase_child_threads, forget_child_threads]
    for handler in handlers if messages_first else reversed(handlers):
        handler(child, now=utcnow(), actor=None)
    db.session.flush()
    assert _left_pointing_at_no_message() == 0
    assert _count(NotificationEvent) == 1 and _count(Notification) == 1
