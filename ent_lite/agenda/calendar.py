"""The family calendar: what one person sees between two local days, as a list of items.

Rule kept: the calendar shows exactly the events of ``rules.visible_events``
(the posts' rule), weekly events expanded into their occurrences, plus, for a guardian, the
sessions of their current children's confirmed activity registrations, each item naming the
children it concerns by first name. Staff see the events they reach, without names.
Cancelled items stay, marked, so that a family learns of the cancellation.

The number of queries is constant whatever the number of items: the events with their
audience keys (two queries), the sessions (one), the reader's keys (one, ``reach_of``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import url_for
from sqlalchemy import select

from ent_lite.accounts.models import Role
from ent_lite.activities.models import Activity, ActivitySession, Registration, RegistrationStatus
from ent_lite.agenda.ical import sequence_since
from ent_lite.agenda.models import Event, EventAudience
from ent_lite.core.localtime import day_end_utc, local_to_utc, to_local
from ent_lite.extensions import db
from ent_lite.rules import Reach, reach_of, visible_events
from ent_lite.school.models import Child

EVENT, ACTIVITY = "event", "activity"


@dataclass(frozen=True)
class CalendarItem:
    kind: str                 # EVENT or ACTIVITY
    title: str
    place: str
    start_date: date          # local day (this occurrence's, for a weekly event)
    start_time: time | None   # None: all day
    end_date: date | None
    end_time: time | None
    category: str             # an EventCategory, or the activity's category
    children: str             # "Awa" or "Awa, Léo"; "" for staff
    link_id: str              # the public id of the page it links to (the event's, the activity's)
    cancelled: bool
    public_id: str
    sequence: int
    updated_dt: datetime

    @property
    def url(self) -> str:
        """Its page (built when shown, in a request): the event's, or the activity's."""
        if self.kind == ACTIVITY:
            return url_for("activities.show", public_id=self.link_id)
        return event_url(self.link_id)

    @property
    def last_date(self) -> date:
        return self.end_date or self.start_date

    def shown_on(self, first_day: date) -> date:
        """The day a view lists it under: its start, or the first day shown when it began before."""
        return max(self.start_date, first_day)


def in_range(first_day: date, last_day: date):
    """Events with a day between the two (inclusive), weekly ones by their whole span."""
    return (Event.start_date <= last_day) & (Event.last_day_expr() >= first_day)


def occurrences(event: Event, first_day: date, last_day: date) -> list[date]:
    """The start days of an event's occurrences that cover a day between the two."""
    length = (event.end_date or event.start_date) - event.start_date
    if not event.weekly_until:
        return [event.start_date]
    days, start = [], event.start_date
    if start + length < first_day:  # jump straight to the first week in range
        start += timedelta(weeks=(first_day - start - length).days // 7)
    while start <= event.weekly_until and start <= last_day:
        if start + length >= first_day:
            days.append(start)
        start += timedelta(weeks=1)
    return days


def audience_keys(events) -> dict[int, list[tuple[str, str]]]:
    """{event id: its audience keys}, in one query (to name the children each event concerns)."""
    keys: dict[int, list[tuple[str, str]]] = {}
    if events:
        rows = db.session.execute(select(EventAudience.event_id, EventAudience.kind, EventAudience.value)
                                  .where(EventAudience.event_id.in_(sorted(e.id for e in events))))
        for event_id, kind, value in rows:
            keys.setdefault(event_id, []).append((kind, value))
    return keys


def event_url(public_id: str) -> str:
    return url_for("agenda.event", public_id=public_id)


def _event_items(user, reach: Reach, first_day: date, last_day: date, now: datetime) -> list[CalendarItem]:
    events = db.session.scalars(visible_events(user, now, reach).where(in_range(first_day, last_day))).all()
    audience = audience_keys(events) if reach.role == Role.GUARDIAN else {}
    items = []
    for event in events:
        names = ", ".join(p.first_name for p in reach.children.children_for(audience.get(event.id, ())))
        length = (event.end_date - event.start_date) if event.end_date else None
        for day in occurrences(event, first_day, last_day):
            items.append(CalendarItem(EVENT, event.title, event.place, day, event.start_time,
                                      day + length if length is not None else None, event.end_time,
                                      event.category, names, event.public_id, event.is_cancelled, event.public_id,
                                      event.sequence, event.updated_dt))
    return items


def session_rows(child_ids, first_day: date, last_day: date):
    """(session, activity, child first name) of the children's confirmed registrations."""
    return db.session.execute(
        select(ActivitySession, Activity, Child.first_name)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .join(Registration, Registration.activity_id == Activity.id)
        .join(Child, Child.id == Registration.child_id)
        .where(Registration.child_id.in_(sorted(child_ids)),
               Registration.status == RegistrationStatus.CONFIRMED,
               ActivitySession.starts_dt >= local_to_utc(first_day, time(0)),
               ActivitySession.starts_dt < day_end_utc(last_day))
        .order_by(ActivitySession.starts_dt, Child.first_name)
    ).all()


def _session_items(reach: Reach, first_day: date, last_day: date) -> list[CalendarItem]:
    child_ids = reach.children.public_ids.keys()
    if not child_ids:
        return []
    by_session: dict[int, tuple] = {}
    names: dict[int, list[str]] = {}
    for session, activity, first_name in session_rows(child_ids, first_day, last_day):
        by_session.setdefault(session.id, (session, activity))
        if first_name not in names.setdefault(session.id, []):
            names[session.id].append(first_name)
    items = []
    for session_id, (session, activity) in by_session.items():
        start, end = to_local(session.starts_dt), to_local(session.ends_dt)
        items.append(CalendarItem(
            ACTIVITY, activity.title, activity.place, start.date(), start.time().replace(tzinfo=None),
            end.date(), end.time().replace(tzinfo=None), activity.category, ", ".join(sorted(names[session_id])),
            activity.public_id, activity.withdrawn_dt is not None,
            session.public_id, sequence_since(activity.updated_dt), activity.updated_dt))
    return items


def sort_key(item: CalendarItem):
    # All-day items first in their day, then by time.
    return (item.start_date, item.start_time is not None, item.start_time or time(0), item.title, item.public_id)


def calendar_items(user, first_day: date, last_day: date, now: datetime,
                   reach: Reach | None = None) -> list[CalendarItem]:
    """Everything this user's calendar shows between two local days (inclusive), in order."""
    reach = reach or reach_of(user)
    items = _event_items(user, reach, first_day, last_day, now)
    if reach.role == Role.GUARDIAN:
        items += _session_items(reach, first_day, last_day)
    return sorted(items, key=sort_key)
