"""Recording what notifies: one outbox row, written in the caller's transaction.

The caller commits (or rolls back: then nobody is told). Who is told is decided later by the
worker, from the roster and consents as they are when the event is fanned out.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ent_lite.extensions import db
from ent_lite.forms.models import PostForm
from ent_lite.notifications.models import Category, EventKind, NotificationEvent

# A signature or an answer due this soon goes at once instead of waiting for a digest.
DUE_SOON = timedelta(hours=24)


def post_category(post, due_dt: datetime | None) -> str:
    if post.is_urgent:
        return Category.URGENT
    if post.requires_ack or due_dt is not None:
        return Category.TODO
    return Category.NEWS


def post_published(post, form_deadline: datetime | None = None) -> NotificationEvent:
    """A new post: its readers are told when it appears (a scheduled post waits for its time).

    ``form_deadline``: the deadline of the post's form, if it asks for answers.
    """
    due_dt = post.ack_due_dt if post.requires_ack and post.ack_due_dt else form_deadline
    event = NotificationEvent(kind=EventKind.POST, category=post_category(post, due_dt), post_id=post.id,
                              actor_id=post.author_id, due_dt=due_dt, created_dt=post.created_dt,
                              not_before_dt=post.published_dt)
    db.session.add(event)
    return event


def _unfanned_post_event(post) -> NotificationEvent | None:
    """The post's event while nobody has been told yet: until then it may still change.

    Locked (PostgreSQL) so that a worker starting its fan-out skips it until this edit commits
    instead of telling people from the old category or time."""
    return db.session.scalar(select(NotificationEvent).where(
        NotificationEvent.post_id == post.id, NotificationEvent.kind == EventKind.POST,
        NotificationEvent.fanned_out_dt.is_(None), NotificationEvent.fanout_cursor == 0).with_for_update())


def _earliest(*dts: datetime | None) -> datetime | None:
    present = [dt for dt in dts if dt is not None]
    return min(present) if present else None


def form_attached(post, deadline: datetime) -> None:
    """A poll or authorisation was attached: the post is now something to do by ``deadline``
    (told at once when that is within a day). Once fanned out, the item stays as it was told."""
    event = _unfanned_post_event(post)
    if event is None:
        return
    event.due_dt = _earliest(event.due_dt, deadline)
    event.category = post_category(post, event.due_dt)


def post_updated(post) -> None:
    """The author edited a post not told yet: a scheduled post moved in time is told at its
    new time; an urgent mark or a signature request added or removed changes its category."""
    event = _unfanned_post_event(post)
    if event is None:
        return
    form_deadline = db.session.scalar(select(PostForm.deadline_dt).where(PostForm.post_id == post.id))
    event.not_before_dt = post.published_dt
    event.due_dt = _earliest(post.ack_due_dt if post.requires_ack else None, form_deadline)
    event.category = post_category(post, event.due_dt)


def reminder_requested(post, actor, now: datetime) -> NotificationEvent:
    """The author reminds the guardians who still have to sign."""
    event = NotificationEvent(kind=EventKind.REMINDER, category=Category.TODO, post_id=post.id, actor_id=actor.id,
                              due_dt=post.ack_due_dt, created_dt=now, not_before_dt=now)
    db.session.add(event)
    return event


def message_posted(message, now: datetime) -> NotificationEvent:
    """A new message or reply: the thread's other readers are told."""
    event = NotificationEvent(kind=EventKind.MESSAGE, category=Category.MESSAGES, message_id=message.id,
                              actor_id=message.author_id, created_dt=now, not_before_dt=now)
    db.session.add(event)
    return event
