"""Private calendar feeds and the public open-data calendar.

Rules kept:
- One private feed per person. Its address holds a random token (32 bytes, URL-safe); only
  the token's SHA-256 is stored, so a database leak gives no working address, and looking
  a token up by its hash compares nothing character by character. Renewing replaces the
  row (the old address answers 404 at once); revoking deletes it.
- A feed is read without login, so it carries what its owner may see now (a disabled
  account's feed answers 404) and nothing more than a poster would: see ``agenda.ical``.
- Its window: from 30 days back to 365 days ahead. A cancelled event stays until its last
  day has passed, so that a subscribed calendar learns of the cancellation.
- Reading a feed records when, at most once an hour: calendar apps fetch often, and the
  owner only needs to tell a live subscription from a forgotten one.
- The public feed: the city's events marked public (holidays, city events), same window.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from ent_lite.accounts.models import Role, User
from ent_lite.agenda import ical
from ent_lite.agenda.calendar import in_range, session_rows
from ent_lite.agenda.models import CalendarFeed, Event
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from ent_lite.rules import reach_of, visible_events

DAYS_BACK, DAYS_AHEAD = 30, 365
READ_MARK_EVERY = timedelta(hours=1)
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def feed_of(user) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def create_feed(user, now: datetime) -> str:
    """A new private address for this person (replacing any earlier one); returns its token."""
    revoke_feed(user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=token_hash(token), created_dt=now))
    db.session.flush()
    return token


def replaces_marker(feed: CalendarFeed) -> str:
    """What the renewal form names as the address it replaces (a prefix of its hash, which
    opens nothing): a form sent again after a renewal names a gone address and renews nothing."""
    return feed.token_hash[:16]


def revoke_feed(user) -> None:
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.flush()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed this token opens, or None (unknown, revoked, or its owner disabled)."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token)))
    if feed is None or not feed.user.is_enabled:
        return None
    return feed


def user_for_token(token: str) -> User | None:
    feed = feed_for_token(token)
    return feed.user if feed else None


def mark_read(feed: CalendarFeed, now: datetime) -> bool:
    """Record a calendar app's fetch (at most once an hour); True when a row changed."""
    if feed.last_read_dt is not None and now - feed.last_read_dt < READ_MARK_EVERY:
        return False
    feed.last_read_dt = now
    return True


def window(now: datetime) -> tuple[date, date]:
    today = to_local(now).date()
    return today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)


def _not_cancelled_and_past(today: date):
    # A cancelled event stays in feeds until its last day has passed.
    return Event.cancelled_dt.is_(None) | (Event.last_day_expr() >= today)


def private_entries(user, now: datetime) -> list[ical.Entry]:
    """What a person's private feed carries: their events, and for a guardian their children's
    confirmed activity sessions (one entry per session, whichever children it concerns)."""
    first_day, last_day = window(now)
    today = to_local(now).date()
    reach = reach_of(user)
    events = db.session.scalars(visible_events(user, now, reach).where(
        in_range(first_day, last_day), _not_cancelled_and_past(today)).order_by(Event.start_date, Event.id)).all()
    entries = [ical.entry_of_event(event) for event in events]
    if reach.role == Role.GUARDIAN and reach.children.public_ids:
        for session, activity, _ in session_rows(reach.children.public_ids.keys(), first_day, last_day):
            entries.append(ical.entry_of_session(session.public_id, activity.title, activity.place,
                                                 session.starts_dt, session.ends_dt, activity.updated_dt,
                                                 activity.withdrawn_dt is not None))
    return entries


def public_events(city_id: int | None, now: datetime) -> list[Event]:
    """The city's open-data calendar: its public events in the window, published."""
    if city_id is None:
        return []
    first_day, last_day = window(now)
    return db.session.scalars(select(Event).where(
        Event.city_id == city_id, Event.is_public.is_(True), Event.published_dt <= now,
        in_range(first_day, last_day), _not_cancelled_and_past(to_local(now).date()),
    ).order_by(Event.start_date, Event.id)).all()
