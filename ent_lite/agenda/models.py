"""Calendar events and the private calendar feeds that carry them to a phone's calendar app.

- ``Event``: a date (optionally a time and an end) with a title and a place as text, sent
  from an establishment (school, periscolaire site or city service) to audience keys like a
  post (``EventAudience``, resolved when read: ``rules.visible_events``). It may belong to a post
  (``post_id``: staff attach it when writing the post; it then follows the post's audience
  and publication) or stand alone (school closures, strikes, holidays, meetings, the week's
  menu as a document). Dates and times are local to the city (Europe/Paris): what the author
  typed, not instants, so "Mercredi 9 h" stays 9 h across a change to summer time.
- An event is never deleted while calendars may hold it: cancelling sets ``cancelled_dt``
  and every change raises ``sequence``, so a subscribed calendar app updates or cancels its
  copy (iCalendar SEQUENCE and STATUS:CANCELLED). The purge removes it with its school year.
- ``CalendarFeed``: one private feed per person, read without login through a random token in
  its address; only the token's hash is stored. Revoking deletes the row; renewing replaces it.
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Time, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.extensions import db


class EventCategory:
    CLOSURE = "closure"    # school or site closed
    STRIKE = "strike"
    HOLIDAY = "holiday"    # school holidays, public holidays
    MEETING = "meeting"
    MENU = "menu"          # the week's menu, as a document
    OUTING = "outing"
    OTHER = "other"
    ALL = (CLOSURE, STRIKE, HOLIDAY, MEETING, MENU, OUTING, OTHER)


class Event(db.Model):
    __tablename__ = "agenda_event"
    __table_args__ = (Index("ix_agenda_event_city_start", "city_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"))
    # Who sends it: the school, periscolaire site or city service (as Post.establishment_id).
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # The post it was attached to; one event per post. A deleted post cancels its event.
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"), unique=True)
    category: Mapped[str] = mapped_column(String(12), default=EventCategory.OTHER)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    # Local (city) dates and times. No start time: an all-day event; no end date: one day.
    start_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_date: Mapped[date | None] = mapped_column(Date)
    end_time: Mapped[time | None] = mapped_column(Time)
    # Repeats every week on the same day until this date included (RRULE:FREQ=WEEKLY;UNTIL).
    weekly_until: Mapped[date | None] = mapped_column(Date)
    # Also in the city's open-data calendar without login (holidays, city events): only
    # a city agent or the admin marks an event public, and only when it is for all families.
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    # The week's menu or another document (a PDF through the files pipeline), readable by
    # whoever reads the event.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id", ondelete="SET NULL"), index=True)
    # Readers see it from then (a scheduled post's event appears with the post).
    published_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # iCalendar SEQUENCE: raised by every change a subscribed calendar must pick up.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    establishment = relationship("Establishment")
    author = relationship("User")
    post = relationship("Post")
    document = relationship("Attachment")
    audience: Mapped[list[EventAudience]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<Event {self.public_id}>"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_dt is not None

    @property
    def last_date(self) -> date:
        """The last day it covers (the first day of the last week when it repeats)."""
        return self.weekly_until or self.end_date or self.start_date

    @classmethod
    def last_day_expr(cls):
        """``last_date`` in SQL, for queries by the last day an event covers."""
        return func.coalesce(cls.weekly_until, cls.end_date, cls.start_date)


class EventAudience(db.Model):
    """One audience key of an event (``audience.keys``), as ``PostAudience`` is for a post."""

    __tablename__ = "agenda_event_audience"
    __table_args__ = (Index("ix_agenda_event_audience_key", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("agenda_event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(100))

    event: Mapped[Event] = relationship(back_populates="audience")


class CalendarFeed(db.Model):
    """A person's private calendar address; the token itself is shown once, never stored."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When a calendar app last fetched it, so the owner can tell a forgotten subscription.
    last_read_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")
