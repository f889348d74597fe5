"""iCalendar (RFC 5545) documents of calendar events and activity sessions.

Rule kept: a calendar document is content-free. A private feed's address may leak (a shared
phone, a synced calendar), so each VEVENT carries only what the person would see on a
poster: SUMMARY (the title), LOCATION, the dates, and what a calendar app needs to keep its
copy right: a UID stable across fetches (``<public id>@<host>``), SEQUENCE, LAST-MODIFIED,
DTSTAMP and STATUS (CONFIRMED, or CANCELLED so that the app strikes or removes its copy).
No description, no child's name, no author.

An activity session keeps no change counter: its SEQUENCE is the whole seconds from a fixed
epoch to its activity's last change (``Activity.updated_dt``, set by every edit, moving a
session included), so it only grows and a moved session replaces the calendar's copy.

Dates are the city's wall-clock (Europe/Paris) with its VTIMEZONE: a weekly 9 h stays 9 h
across the change to winter time. An all-day event is a VALUE=DATE with an exclusive DTEND;
a weekly event is one VEVENT with RRULE:FREQ=WEEKLY;UNTIL=<the last day's end, in UTC>.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from icalendar import Calendar
from icalendar import Event as VEvent

from ent_lite.agenda.models import Event
from ent_lite.core.localtime import city_zone, end_of_day_utc, to_local


def uid_host() -> str:
    """The host part of every UID: the instance's own, so that two instances never collide."""
    base = current_app.config.get("BASE_URL", "") if has_app_context() else ""
    return urlsplit(base).hostname or "ent-lite"


def new_calendar(name: str, product: str = "agenda") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//ent_lite//{product}//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def finished(calendar: Calendar) -> bytes:
    """The document's bytes, with a VTIMEZONE for every TZID its events use."""
    calendar.add_missing_timezones()
    return calendar.to_ical()


@dataclass(frozen=True)
class Entry:
    """One VEVENT: local dates and times, as people typed them."""

    public_id: str
    title: str
    place: str
    start_date: date
    start_time: time | None
    end_date: date | None
    end_time: time | None
    weekly_until: date | None
    sequence: int
    updated_dt: datetime
    cancelled: bool


SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


def sequence_since(updated_dt: datetime) -> int:
    """The SEQUENCE of what has a last-change time and no counter (see the module docstring)."""
    return max(0, int((updated_dt - SEQUENCE_EPOCH).total_seconds()))


def entry_of_event(event: Event) -> Entry:
    return Entry(event.public_id, event.title, event.place, event.start_date, event.start_time, event.end_date,
                 event.end_time, event.weekly_until, event.sequence, event.updated_dt, event.is_cancelled)


def entry_of_session(public_id: str, title: str, place: str, starts_dt: datetime, ends_dt: datetime,
                     updated_dt: datetime, cancelled: bool = False) -> Entry:
    """An activity session (stored as UTC instants) in the city's wall-clock."""
    start, end = to_local(starts_dt), to_local(ends_dt)
    return Entry(public_id, title, place, start.date(), start.time().replace(tzinfo=None), end.date(),
                 end.time().replace(tzinfo=None), None, sequence_since(updated_dt), updated_dt, cancelled)


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=city_zone())


def vevent(entry: Entry, host: str) -> VEvent:
    component = VEvent()
    stamp = entry.updated_dt.astimezone(timezone.utc)
    component.add("uid", f"{entry.public_id}@{host}")
    component.add("dtstamp", stamp)
    component.add("last-modified", stamp)
    component.add("sequence", entry.sequence)
    component.add("summary", entry.title)
    if entry.place:
        component.add("location", entry.place)
    component.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    last_day = entry.end_date or entry.start_date
    if entry.start_time is None:
        # All day: DTEND is the day after the last one (exclusive), as RFC 5545 says.
        component.add("dtstart", entry.start_date)
        component.add("dtend", last_day + timedelta(days=1))
        if entry.weekly_until:
            component.add("rrule", {"freq": "weekly", "until": entry.weekly_until})
        return component
    component.add("dtstart", _local(entry.start_date, entry.start_time))
    if entry.end_time is not None:
        component.add("dtend", _local(last_day, entry.end_time))
    elif entry.end_date is not None:
        component.add("dtend", _local(last_day + timedelta(days=1), time(0)))
    # No end at all: no DTEND, an event at that moment (RFC 5545 3.6.1), nothing invented.
    if entry.weekly_until:
        # With a TZID start, UNTIL must be in UTC; the end of that local day keeps its occurrence.
        component.add("rrule", {"freq": "weekly", "until": end_of_day_utc(entry.weekly_until)})
    return component


def events_calendar(items: Iterable[Event | Entry], name: str) -> bytes:
    """One VCALENDAR of these events (model rows or ``Entry``), each UID once."""
    calendar, host, seen = new_calendar(name), uid_host(), set()
    for item in items:
        entry = entry_of_event(item) if isinstance(item, Event) else item
        if entry.public_id in seen:
            continue
        seen.add(entry.public_id)
        calendar.add_component(vevent(entry, host))
    return finished(calendar)
