"""A moved activity session reaches subscribed calendars: its SEQUENCE grows with the change,
in the family's private feed and in the city's open-data activities calendar."""
from __future__ import annotations

from datetime import time, timedelta

from flask import current_app
from icalendar import Calendar

from ent_lite.activities import manage, opendata
from ent_lite.activities.catalogue import Entry as CatalogueEntry
from ent_lite.activities.manage import SessionInput
from ent_lite.agenda import feeds, ical
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests.activities.factories import build_activity_world
from tests.activities.manage_data import first_day, valid_input
from tests.agenda.calendar_rows import add_registration


def _vevents(body: bytes) -> dict[str, object]:
    return {str(e["UID"]).split("@")[0]: e for e in Calendar.from_ical(body).walk("VEVENT")}


def _private_feed(world, now) -> dict[str, object]:
    return _vevents(ical.events_calendar(feeds.private_entries(world.parent_a, now), "test"))


def _open_data(activity) -> dict[str, object]:
    with current_app.test_request_context():
        return _vevents(opendata.ics_document([CatalogueEntry(activity, activity.sessions[0].starts_dt)], "test"))


def test_moving_a_session_raises_its_sequence_in_the_feeds(app, world):
    aw = build_activity_world(world)
    now = utcnow()
    activity = manage.save(None, valid_input(aw, now), world.city_agent, now)
    db.session.commit()
    add_registration(activity, world.child_a)
    moved = activity.sessions[0]
    before = _private_feed(world, now)[moved.public_id]
    open_before = _open_data(activity)[moved.public_id]

    # The organiser moves the first session a day later, ten minutes on.
    later = now + timedelta(minutes=10)
    day = first_day(now)
    manage.save(activity, valid_input(aw, now, sessions=[
        SessionInput(day + timedelta(days=1), time(14), time(16)),
        SessionInput(day + timedelta(days=7), time(14), time(16))]), world.city_agent, later)
    db.session.commit()

    after = _private_feed(world, later)[moved.public_id]
    assert after["DTSTART"].dt.date() == day + timedelta(days=1)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"]) > 0
    open_after = _open_data(activity)[moved.public_id]
    assert int(open_after["SEQUENCE"]) > int(open_before["SEQUENCE"])


def test_the_derived_sequence_only_grows_with_the_last_change():
    start = ical.SEQUENCE_EPOCH + timedelta(days=900)
    assert ical.sequence_since(start + timedelta(seconds=1)) == ical.sequence_since(start) + 1
    assert ical.sequence_since(ical.SEQUENCE_EPOCH - timedelta(days=1)) == 0
