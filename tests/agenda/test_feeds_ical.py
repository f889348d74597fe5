"""The iCalendar documents as a phone's calendar app reads them: parsed with icalendar,
expanded with recurring_ical_events (weekly events, multi-day holidays, the October change
to winter time), stable UIDs, SEQUENCE and STATUS after an update or a cancellation."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from ent_lite.agenda import ical
from ent_lite.agenda.models import EventCategory
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests.agenda.calendar_rows import make_event, today

PARIS = ZoneInfo("Europe/Paris")


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def vevents(calendar: Calendar):
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_a_timed_event_has_its_time_zone_and_a_stable_uid(app, world):
    event = make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Réunion",
                       day=date(2026, 12, 10), at=time(17, 30), end_at=time(18, 30), place="Salle 3")
    with app.test_request_context():
        first, again = ical.events_calendar([event], "x"), ical.events_calendar([event], "x")
    calendar = parse(first)
    [tz] = calendar.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Paris"
    component = vevents(calendar)["Réunion"]
    assert component["DTSTART"].params["TZID"] == "Europe/Paris"
    assert component.decoded("DTSTART") == datetime(2026, 12, 10, 17, 30, tzinfo=PARIS)
    assert component.decoded("DTEND") == datetime(2026, 12, 10, 18, 30, tzinfo=PARIS)
    assert str(component["UID"]) == f"{event.public_id}@localhost"
    assert str(component["LOCATION"]) == "Salle 3" and str(component["STATUS"]) == "CONFIRMED"
    assert first == again


def test_the_document_is_content_free(app, world):
    event = make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Sortie")
    with app.test_request_context():
        component = vevents(parse(ical.events_calendar([event], "x")))["Sortie"]
    assert set(component) <= {"UID", "DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "SUMMARY", "LOCATION", "STATUS",
                              "DTSTART", "DTEND", "RRULE"}


def test_an_all_day_holiday_spans_its_days_with_an_exclusive_end(app, world):
    event = make_event(world.school, world.director, keys.ALL_KEY, title="Vacances de Noël",
                       category=EventCategory.HOLIDAY, day=date(2026, 12, 19), end_day=date(2027, 1, 3))
    with app.test_request_context():
        calendar = parse(ical.events_calendar([event], "x"))
    component = vevents(calendar)["Vacances de Noël"]
    assert component["DTSTART"].params.get("VALUE") == "DATE" or isinstance(component.decoded("DTSTART"), date)
    assert component.decoded("DTSTART") == date(2026, 12, 19) and component.decoded("DTEND") == date(2027, 1, 4)
    on_new_year = recurring_ical_events.of(calendar).at(date(2027, 1, 1))
    after = recurring_ical_events.of(calendar).at(date(2027, 1, 4))
    assert [str(e["SUMMARY"]) for e in on_new_year] == ["Vacances de Noël"] and after == []


def test_a_weekly_event_keeps_its_wall_clock_time_across_the_october_change(app, world):
    event = make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Piscine",
                       day=date(2027, 10, 13), at=time(9), end_at=time(10), weekly_until=date(2027, 11, 10))
    with app.test_request_context():
        calendar = parse(ical.events_calendar([event], "x"))
    rule = vevents(calendar)["Piscine"]["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["UNTIL"][0].tzinfo is not None
    starts = [e.decoded("DTSTART") for e in recurring_ical_events.of(calendar).between(date(2027, 10, 1),
                                                                                         date(2027, 12, 1))]
    assert [s.date() for s in starts] == [date(2027, 10, 13), date(2027, 10, 20), date(2027, 10, 27),
                                          date(2027, 11, 3), date(2027, 11, 10)]
    assert {(s.hour, s.minute) for s in starts} == {(9, 0)}
    # The same 9 h is a different UTC instant on either side of 31 October 2027.
    assert {s.utcoffset() for s in starts} == {timedelta(hours=2), timedelta(hours=1)}


def test_a_weekly_all_day_event_ends_on_its_last_day(app, world):
    event = make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Menu",
                       day=date(2026, 12, 7), weekly_until=date(2026, 12, 21))
    with app.test_request_context():
        calendar = parse(ical.events_calendar([event], "x"))
    days = [e.decoded("DTSTART") for e in recurring_ical_events.of(calendar).between(date(2026, 12, 1),
                                                                                       date(2027, 2, 1))]
    assert days == [date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21)]


def test_an_update_raises_the_sequence_and_a_cancellation_is_propagated(app, world):
    event = make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Réunion")
    with app.test_request_context():
        before = vevents(parse(ical.events_calendar([event], "x")))["Réunion"]
        event.sequence += 1
        event.cancelled_dt = event.updated_dt = utcnow()
        db.session.commit()
        after = vevents(parse(ical.events_calendar([event], "x")))["Réunion"]
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert str(after["STATUS"]) == "CANCELLED"
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_the_public_feed_holds_the_city_s_public_events_only(client, world):
    make_event(world.school, world.city_agent, keys.ALL_KEY, title="Vacances", is_public=True,
               category=EventCategory.HOLIDAY, day=today() + timedelta(days=10), end_day=today() + timedelta(days=20))
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Classe A")
    make_event(world.far.service, world.far.city_agent, keys.ALL_KEY, title="Autre ville", is_public=True)
    old = make_event(world.school, world.city_agent, keys.ALL_KEY, title="Annulée passée", is_public=True,
                     day=today() - timedelta(days=2))
    old.cancelled_dt = utcnow()
    cancelled = make_event(world.school, world.city_agent, keys.ALL_KEY, title="Annulée à venir", is_public=True)
    cancelled.cancelled_dt = utcnow()
    db.session.commit()
    for path in ("/agenda.ics", "/calendar.ics"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "public" in response.headers["Cache-Control"]
        events = vevents(parse(response.data))
        assert set(events) == {"Vacances", "Annulée à venir"}
        assert str(events["Annulée à venir"]["STATUS"]) == "CANCELLED"


def test_add_to_my_calendar_gives_one_event_to_those_who_see_it(client, world, login_as):
    event = make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Réunion")
    path = f"/agenda/evenements/{event.public_id}.ics"
    assert client.get(path).status_code == 404
    login_as(world.parent_b)
    assert client.get(path).status_code == 404
    login_as(world.parent_a)
    response = client.get(path)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert list(vevents(parse(response.data))) == ["Réunion"]
    assert client.get("/agenda/evenements/nope.ics").status_code == 404


def test_a_public_event_can_be_added_without_login_in_its_city(client, world, login_as):
    event = make_event(world.school, world.city_agent, keys.ALL_KEY, title="Fête", is_public=True)
    assert client.get(f"/agenda/evenements/{event.public_id}.ics").status_code == 200
    login_as(world.far.parent)
    assert client.get(f"/agenda/evenements/{event.public_id}.ics").status_code == 404
