"""The notification tables: the outbox of events, one item per person, and the sends.

- ``NotificationEvent`` is the transactional outbox: the feature writes one row in the same
  transaction as the post, message or reminder, so a rolled-back event notifies nobody and a
  city-wide post costs one row at publish time.
- The worker fans an event out in batches into ``Notification`` rows (one per person told)
  and plans each person's ``Delivery`` rows (one mail or one push each; a digest delivery
  covers many notifications).
- The worker claims due deliveries with a lease, sends, and records the outcome.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.extensions import db


class Category:
    """What an item is about; preferences are set per category and channel."""

    NEWS = "news"          # a new post
    URGENT = "urgent"      # an urgent post: cannot be turned off, ignores quiet hours
    TODO = "todo"          # a signature or an answer due, and its reminder
    MESSAGES = "messages"  # a new message or reply
    ALL = (URGENT, TODO, MESSAGES, NEWS)
    CONFIGURABLE = (TODO, MESSAGES, NEWS)


class Channel:
    EMAIL = "email"
    PUSH = "push"
    ALL = (EMAIL, PUSH)


class Mode:
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"
    ALL = (IMMEDIATE, DAILY, WEEKLY, OFF)
    DIGESTS = (DAILY, WEEKLY)


class EventKind:
    POST = "post"          # a post became visible to its readers
    REMINDER = "reminder"  # the author reminds who still has to sign
    MESSAGE = "message"    # a message in a conversation
    ACTIVITY = "activity"  # a registration to an activity changed status (confirmed, offer...)


class DeliveryStatus:
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"      # permanent: refused address, expired push subscription...
    SKIPPED = "skipped"    # nothing left to say (every item read before the digest went out)
    DONE = (SENT, FAILED, SKIPPED)


class NotificationEvent(db.Model):
    """Something happened that tells people: the outbox row, fanned out by the worker."""

    __tablename__ = "notification_event"
    __table_args__ = (Index("ix_notification_event_due", "fanned_out_dt", "not_before_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(12))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    # Who caused it (told nothing about their own act); null once they are erased.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # The deadline of a signature or an answer: due within 24 hours, it goes at once.
    due_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Not fanned out before: a scheduled post tells its readers when it appears.
    not_before_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Fan-out progress: recipients are taken in user id order, a batch at a time.
    fanout_cursor: Mapped[int] = mapped_column(Integer, default=0)
    fanned_out_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Notification(db.Model):
    """One item for one person: what the digest lists and the nav counts clear."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("event_id", "user_id"), Index("ix_notification_user", "user_id", "created_dt"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("notification_event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(12))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    email_delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_delivery.id", ondelete="SET NULL"), index=True)
    push_delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_delivery.id", ondelete="SET NULL"), index=True)

    event: Mapped[NotificationEvent] = relationship()


class Delivery(db.Model):
    """One mail or one push to one person, claimed by a worker with a lease.

    ``public_id`` makes the mail's Message-ID: a retry after a crash sends the same id, so a
    receiving server (and the tests) can tell a repeat from a second notification.
    """

    __tablename__ = "notification_delivery"
    __table_args__ = (
        # One digest per person, channel and send time; immediate sends have no slot (NULLs differ).
        UniqueConstraint("user_id", "channel", "digest_slot_dt"),
        Index("ix_notification_delivery_due", "status", "due_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    digest_slot_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING)
    due_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A short technical reason (SMTP code, HTTP status), never an address or any content.
    last_error: Mapped[str | None] = mapped_column(String(200))


class NotificationPreferences(db.Model):
    """A person's choices; no row means the defaults (``preferences.DEFAULTS``)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    news_email: Mapped[str] = mapped_column(String(10), default=Mode.DAILY)
    news_push: Mapped[str] = mapped_column(String(10), default=Mode.IMMEDIATE)
    todo_email: Mapped[str] = mapped_column(String(10), default=Mode.DAILY)
    todo_push: Mapped[str] = mapped_column(String(10), default=Mode.IMMEDIATE)
    messages_email: Mapped[str] = mapped_column(String(10), default=Mode.DAILY)
    messages_push: Mapped[str] = mapped_column(String(10), default=Mode.IMMEDIATE)
    # Local wall-clock times in minutes after midnight (city time zone).
    digest_minute: Mapped[int] = mapped_column(Integer, default=18 * 60)
    weekly_day: Mapped[int] = mapped_column(Integer, default=4)  # Monday 0 … Sunday 6
    quiet_start_minute: Mapped[int] = mapped_column(Integer, default=20 * 60)
    quiet_end_minute: Mapped[int] = mapped_column(Integer, default=7 * 60)
    quiet_weekends: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def mode(self, category: str, channel: str) -> str:
        if category == Category.URGENT:
            return Mode.IMMEDIATE
        return getattr(self, f"{category}_{channel}")


class PushSubscription(db.Model):
    """One phone or browser where the person turned notifications on (Web Push)."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    # "Chrome on Android": shown on the preferences page so a lost phone can be removed.
    device_label: Mapped[str] = mapped_column(String(100), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_success_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VapidKey(db.Model):
    """The instance's Web Push signing key, generated once and shared by every app server."""

    __tablename__ = "vapid_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EmailProblem(db.Model):
    """An address the mail server refused for good: no more mail to it until it changes.

    Shown to administrators and to the person at their next login.
    """

    __tablename__ = "email_problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    address: Mapped[str] = mapped_column(String(254))
    smtp_code: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(200), default="")
    recorded_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the person was shown the problem after logging in.
    shown_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
