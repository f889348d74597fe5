"""Who an event tells: SELECTs of user ids, taken by the fan-out a batch at a time.

The rules are the features' own (who reads a post, who must still sign, who reads a thread),
asked at fan-out time so the roster and the consents are those of the moment the event is
told. Only accounts that can log in are told (the link in a mail requires it), and never the
person who caused the event. An expired or deleted post, or a withdrawn message, tells nobody.
A change of an activity registration tells the child's guardians (``activity_guardians``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, String, and_, cast, false, or_, select

from ent_lite.accounts.models import Membership, Role, User
from ent_lite.activities.models import Registration
from ent_lite.audience import keys as audience_keys
from ent_lite.consents import services as consents
from ent_lite.conversations.models import Message
from ent_lite.extensions import db
from ent_lite.notifications.models import EventKind, NotificationEvent
from ent_lite.posts.models import Post, PostAudience
from ent_lite.posts.stats import reached_child_ids
from ent_lite.posts.tracking import reminder_recipients
from ent_lite.rules import READING_STAFF, message_recipients
from ent_lite.school.models import GuardianLink

NOBODY = select(User.id).where(false())


def _can_log_in():
    return and_(User.is_enabled.is_(True), User.password_hash.is_not(None))


def post_readers(post: Post) -> Select:
    """The guardians of the children the post reaches, and the staff of its groups or schools."""
    guardian_ids = select(GuardianLink.user_id).where(GuardianLink.child_id.in_(reached_child_ids(post.id)))
    guardians = and_(User.role == Role.GUARDIAN, User.id.in_(guardian_ids))
    if post.is_optional_info:  # only the guardians who agreed to receive it read it
        guardians = and_(guardians, User.id.in_(consents.agreeing_guardians(consents.CITY_INFORMATION)))
    matching_key = or_(
        and_(PostAudience.kind == audience_keys.GROUP,
             PostAudience.value == cast(Membership.group_id, String(100))),
        and_(PostAudience.kind == audience_keys.ESTABLISHMENT,
             PostAudience.value == cast(Membership.establishment_id, String(100))),
    )
    staff_ids = select(Membership.user_id).join(PostAudience, and_(PostAudience.post_id == post.id, matching_key))
    staff = and_(User.role.in_(READING_STAFF), User.id.in_(staff_ids))
    return select(User.id).where(_can_log_in(), or_(guardians, staff))


def activity_guardians(registration: Registration) -> Select:
    """Every guardian of the child, whoever registered: both parents follow the registration."""
    guardian_ids = select(GuardianLink.user_id).where(GuardianLink.child_id == registration.child_id)
    return select(User.id).where(_can_log_in(), User.role == Role.GUARDIAN, User.id.in_(guardian_ids))


def _base(event: NotificationEvent, now: datetime) -> Select:
    if event.kind in (EventKind.POST, EventKind.REMINDER):
        post = db.session.get(Post, event.post_id) if event.post_id else None
        if post is None or post.is_expired(now):
            return NOBODY
        if event.kind == EventKind.POST:
            return post_readers(post)
        return reminder_recipients(post).with_only_columns(User.id).order_by(None).where(_can_log_in())
    if event.kind == EventKind.MESSAGE:
        message = db.session.get(Message, event.message_id) if event.message_id else None
        if message is None or message.withdrawn_dt is not None:
            return NOBODY
        return message_recipients(message.thread).with_only_columns(User.id).order_by(None).where(_can_log_in())
    if event.kind == EventKind.ACTIVITY:
        registration = db.session.get(Registration, event.registration_id) if event.registration_id else None
        return NOBODY if registration is None else activity_guardians(registration)
    return NOBODY


def published_later(event: NotificationEvent, now: datetime) -> datetime | None:
    """When the event's post was moved to a later publication: its readers are told then."""
    if event.kind != EventKind.POST or event.post_id is None:
        return None
    post = db.session.get(Post, event.post_id)
    return post.published_dt if post is not None and post.is_scheduled(now) else None


def recipients(event: NotificationEvent, now: datetime) -> Select:
    """SELECT of the ids of the users to tell about ``event`` (unordered), the actor left out."""
    query = _base(event, now)
    if event.actor_id is not None:
        query = query.where(User.id != event.actor_id)
    return query


def next_batch(event: NotificationEvent, now: datetime, after_id: int, size: int) -> list[int]:
    """The next ``size`` recipients after ``after_id``, in user id order (the fan-out cursor)."""
    query = recipients(event, now).where(User.id > after_id).order_by(User.id).limit(size)
    return list(db.session.scalars(query))
