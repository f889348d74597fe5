"""The catalogue as open data: JSON (docs/opendata/activities.schema.json), Atom and iCalendar.

Rule kept: a feed holds exactly what the public page shows, and never a person: no child,
guardian or staff name, no e-mail, no phone, no registration. Every field is built here from
the activity's own columns; adding one means adding it to the schema, whose test fails
otherwise. Identifiers are the public ids, stable across edits, so a calendar that imported a
session updates it instead of adding a copy.
"""
from __future__ import annotations

from datetime import datetime, timezone
from xml.etree import ElementTree

from flask import current_app, url_for
from icalendar import Event

from ent_lite.activities.catalogue import Entry
from ent_lite.agenda.ical import finished, new_calendar, sequence_since, uid_host
from ent_lite.core.localtime import to_local

SCHEMA_VERSION = "1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"


def _base() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _absolute(endpoint: str, **values) -> str:
    return _base() + url_for(endpoint, **values)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if moment else None


def activity_record(entry: Entry) -> dict:
    """One activity as the JSON feed documents it (every key is in the schema)."""
    activity = entry.activity
    opens, closes = activity.window()
    return {
        "id": activity.public_id,
        "url": _absolute("activities.show", public_id=activity.public_id),
        "title": activity.title,
        "description": activity.description,
        "category": activity.category,
        "organiser": activity.establishment.name,
        "place": activity.place,
        "min_age": activity.min_age,
        "max_age": activity.max_age,
        "levels": activity.level_list,
        "allocation": activity.mode,
        "capacity": activity.capacity,
        "places_left": activity.free_places,
        "registration_opens": _iso(opens),
        "registration_closes": _iso(closes),
        "cancellation_deadline": _iso(activity.cancel_until_dt),
        "documents": activity.documents,
        "photo_url": _absolute("activities.photo", public_id=activity.public_id) if activity.photo_key else None,
        "sessions": [{"id": session.public_id, "start": _iso(session.starts_dt), "end": _iso(session.ends_dt)}
                     for session in activity.sessions],
        "prices": [{"bracket": price.bracket.label, "min_quotient": price.bracket.min_quotient,
                    "max_quotient": price.bracket.max_quotient, "amount_cents": price.amount_cents,
                    "currency": "EUR"}
                   for price in sorted(activity.prices, key=lambda p: (p.bracket.position, p.bracket.id))],
        "updated": _iso(activity.updated_dt),
    }


def json_document(entries: list[Entry], city_name: str, now: datetime) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "city": city_name,
        "generated": _iso(now),
        "activities": [activity_record(entry) for entry in entries],
    }


def _sub(parent, tag: str, text: str | None = None, **attributes) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def atom_document(entries: list[Entry], title: str, author: str, now: datetime) -> bytes:
    """An Atom 1.0 feed (RFC 4287): one entry per activity, newest change first."""
    ElementTree.register_namespace("", ATOM_NS)
    feed = ElementTree.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", _absolute("activities.feed_atom"))
    _sub(feed, "title", title)
    latest = max((entry.activity.updated_dt for entry in entries), default=now)
    _sub(feed, "updated", _iso(latest))
    _sub(_sub(feed, "author"), "name", author)
    _sub(feed, "link", rel="self", href=_absolute("activities.feed_atom"), type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=_absolute("activities.catalogue"), type="text/html")
    for entry in sorted(entries, key=lambda e: e.activity.updated_dt, reverse=True):
        activity = entry.activity
        url = _absolute("activities.show", public_id=activity.public_id)
        item = _sub(feed, "entry")
        _sub(item, "id", url)
        _sub(item, "title", activity.title)
        _sub(item, "updated", _iso(activity.updated_dt))
        _sub(item, "published", _iso(activity.published_dt))
        _sub(item, "link", rel="alternate", href=url, type="text/html")
        _sub(item, "category", term=activity.category)
        _sub(item, "summary", activity.description[:500])
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def ics_document(entries: list[Entry], name: str) -> bytes:
    """iCalendar (RFC 5545): one VEVENT per session in the city's time zone, with its VTIMEZONE."""
    calendar, host = new_calendar(name, "activities"), uid_host()
    for entry in entries:
        activity = entry.activity
        url = _absolute("activities.show", public_id=activity.public_id)
        for session in activity.sessions:
            event = Event()
            # The session's public id never changes: a re-import updates the same event.
            event.add("uid", f"{session.public_id}@{host}")
            event.add("dtstamp", activity.updated_dt.astimezone(timezone.utc))
            event.add("sequence", sequence_since(activity.updated_dt))  # a moved session replaces the copy
            event.add("dtstart", to_local(session.starts_dt))
            event.add("dtend", to_local(session.ends_dt))
            event.add("summary", activity.title)
            event.add("location", activity.place)
            event.add("url", url)
            event.add("description", activity.description[:500])
            calendar.add_component(event)
    return finished(calendar)
