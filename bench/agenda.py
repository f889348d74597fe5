"""A family's calendar and private iCal feed for a year, in a 7,000-child city, against a plain
query of the same events measured in the same run.

    .venv/bin/python bench/agenda.py [--children 7000] [--runs 20] [--database-url URL]

The city (bulk inserts, a few seconds): about 25 schools in 6 districts, classes of 25, one or
two guardians a child, one family with two children in two schools; a year of events: in
every class a weekly one all year and 30 single ones, in every school 30, 60 city-wide and
district ones (holidays as multi-day events), a few cancelled; 60 activities of 30 weekly
sessions with registrations for a third of the children, the family's two included.

For that family, the median of ``--runs`` of: ``calendar_items`` for a year (weekly events
expanded, children named, sessions merged), the private feed's iCal bytes (the same rules,
a VEVENT per event with its RRULE, VTIMEZONE), and the baseline, a plain SELECT of the events
matching the family's audience keys in that year (no visibility rule, no Python merge).
Prints figures only; it asserts nothing (query counts are guarded by tests/agenda). Named
agenda.py, not calendar.py: a script's folder comes first on sys.path, and a bench/calendar.py
would hide the standard library's calendar module from every import.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, insert, or_, select

from ent_lite.accounts.models import User
from ent_lite.activities.models import Activity, ActivitySession, Registration, RegistrationStatus
from ent_lite.agenda import feeds, ical
from ent_lite.agenda.calendar import calendar_items
from ent_lite.agenda.models import Event, EventAudience, EventCategory
from ent_lite.audience import keys
from ent_lite.core.db_types import new_public_id, utcnow
from ent_lite.core.localtime import local_to_utc, to_local
from ent_lite.extensions import db
from ent_lite.school.models import Child, Enrolment, Group, GroupKind, GuardianLink

import city as bench_city
from city import bulk

CLASS_SIZE = 25
SCHOOLS = 25
NOW = utcnow()
TODAY = to_local(NOW).date()
YEAR = keys.this_school_year


def _event(rng, city_id, establishment_id, title, day, key, **extra) -> tuple[dict, tuple[str, str]]:
    timed = rng.random() < 0.6
    row = {"public_id": new_public_id(), "city_id": city_id, "establishment_id": establishment_id,
           "category": rng.choice(EventCategory.ALL), "title": title, "place": "Salle polyvalente",
           "start_date": day, "start_time": datetime(2000, 1, 1, rng.choice([8, 9, 14, 17]), 30).time() if timed else None,
           "end_date": None, "end_time": None, "weekly_until": None, "is_public": False,
           "published_dt": NOW - timedelta(days=30), "created_dt": NOW, "updated_dt": NOW, "sequence": 0,
           "cancelled_dt": NOW if rng.random() < 0.03 else None}
    row.update(extra)
    return row, key


def generate_city(children_wanted: int, rng: random.Random) -> dict:
    year = YEAR()
    city_id, service_id = bench_city.city_and_service("Service Enfance")
    schools = bench_city.schools(city_id, SCHOOLS)
    classes_wanted = -(-children_wanted // CLASS_SIZE)
    school_of_class = [schools[n % SCHOOLS] for n in range(classes_wanted)]
    classes = bulk(Group, [{"public_id": new_public_id(), "establishment_id": school_of_class[n],
                            "kind": GroupKind.CLASS, "name": f"Classe {n}", "school_year": year, "levels": "CE1"}
                           for n in range(classes_wanted)])
    children = bulk(Child, [{"public_id": new_public_id(), "city_id": city_id, "first_name": f"Enfant{n}",
                             "last_name": f"Banc {n}", "level": "CE1", "birth_date": date(2018, 5, 1),
                             "created_dt": NOW} for n in range(children_wanted)])
    db.session.execute(insert(Enrolment), [{"child_id": c, "group_id": classes[n % classes_wanted]}
                                           for n, c in enumerate(children)])
    # Activated accounts (a password set): readers are active users.
    guardians = bench_city.guardians(city_id, children, rng, password_hash="bench-not-a-hash")
    # The family: the first guardian also has the child of a class in another school.
    family, second_child = guardians[0], children[1]
    db.session.execute(insert(GuardianLink), [{"child_id": second_child, "user_id": family, "rank": 1,
                                               "relation": "mère", "legal_authority": True}])

    start, end = TODAY - timedelta(days=30), TODAY + timedelta(days=335)
    days = (end - start).days
    events = []
    for n, class_id in enumerate(classes):
        school_id, key = school_of_class[n], keys.group_key(class_id)
        events.append(_event(rng, city_id, school_id, "Piscine", start + timedelta(days=n % 5), key,
                             weekly_until=end))
        events += [_event(rng, city_id, school_id, f"Classe {i}", start + timedelta(days=rng.randrange(days)), key)
                   for i in range(30)]
    for school_id in schools:
        events += [_event(rng, city_id, school_id, f"École {i}", start + timedelta(days=rng.randrange(days)),
                          keys.establishment_key(school_id)) for i in range(30)]
    for i in range(60):
        day = start + timedelta(days=rng.randrange(days))
        key = keys.ALL_KEY if i % 2 else keys.district_key(f"Quartier {i % bench_city.DISTRICTS}")
        holiday = i % 10 == 0
        events.append(_event(rng, city_id, service_id, f"Ville {i}", day, key, is_public=key == keys.ALL_KEY,
                             start_time=None if holiday else datetime(2000, 1, 1, 10).time(),
                             end_date=day + timedelta(days=14) if holiday else None))
    event_ids = bulk(Event, [row for row, _ in events])
    db.session.execute(insert(EventAudience), [{"event_id": e, "kind": k[0], "value": k[1]}
                                               for e, (_, k) in zip(event_ids, events)])

    activities = bulk(Activity, [
        {"public_id": new_public_id(), "city_id": city_id, "establishment_id": service_id, "title": f"Activité {n}",
         "capacity": 200, "places_taken": 0, "mode": "first_come", "school_year": year, "first_day": start,
         "published_dt": NOW, "created_dt": NOW, "updated_dt": NOW, "offer_hours": 48, "category": "sport",
         "levels": "", "description": "", "place": "Gymnase", "documents": ""} for n in range(60)])
    bulk(ActivitySession, [{"public_id": new_public_id(), "activity_id": a,
                            "starts_dt": local_to_utc(start + timedelta(days=n % 7 + 7 * w), datetime(2000, 1, 1, 14).time()),
                            "ends_dt": local_to_utc(start + timedelta(days=n % 7 + 7 * w), datetime(2000, 1, 1, 16).time())}
                           for n, a in enumerate(activities) for w in range(30)])
    registered = [children[0], second_child] + rng.sample(children[2:], len(children) // 3)
    bulk(Registration, [{"public_id": new_public_id(), "activity_id": activities[n % len(activities)],
                         "child_id": c, "status": RegistrationStatus.CONFIRMED, "created_dt": NOW, "updated_dt": NOW}
                        for n, c in enumerate(registered)])
    db.session.commit()
    bench_city.analyze()
    return {"family": family, "children": len(children), "events": len(event_ids), "classes": len(classes)}


def plain_query(reader) -> list:
    """The baseline: the events with one of the family's keys in the year, as rows."""
    by_kind: dict[str, set[str]] = {}
    for kind, value in reader.keys:
        by_kind.setdefault(kind, set()).add(value)
    matching = select(EventAudience.event_id).where(or_(*(
        and_(EventAudience.kind == kind, EventAudience.value.in_(sorted(values))) for kind, values in by_kind.items())))
    last = func.coalesce(Event.weekly_until, Event.end_date, Event.start_date)
    return db.session.execute(select(Event.public_id, Event.title, Event.place, Event.start_date, Event.start_time)
                              .where(Event.id.in_(matching), Event.start_date <= TODAY + timedelta(days=365),
                                     last >= TODAY)).all()


def median_ms(work, runs: int) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        db.session.expire_all()
        start = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=7000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a throwaway SQLite file)")
    args = parser.parse_args()
    app = bench_city.make_app(args.database_url, BASE_URL="https://ent.example")
    with app.app_context():
        start = time.perf_counter()
        city = generate_city(args.children, random.Random(12))
        print(f"{'database':<50} {db.engine.dialect.name}")
        print(f"{'city written (children, classes, events)':<50} {city['children']}, {city['classes']}, "
              f"{city['events']} in {time.perf_counter() - start:.1f} s")
        family = db.session.get(User, city["family"])
        reader = keys.reader_keys(family.id)
        first, last = TODAY, TODAY + timedelta(days=365)
        plain_ms, rows = median_ms(lambda: plain_query(reader), args.runs)
        items_ms, items = median_ms(lambda: calendar_items(family, first, last, NOW), args.runs)
        ics_ms, body = median_ms(lambda: ical.events_calendar(feeds.private_entries(family, NOW), "Banc"), args.runs)
        print(f"{'the family: children, events matching their keys':<50} 2, {len(rows)}")
        print(f"{'baseline: plain SELECT of those events, median':<50} {plain_ms:8.1f} ms")
        print(f"{'calendar_items for a year, median':<50} {items_ms:8.1f} ms  ({len(items)} items, "
              f"ratio {items_ms / plain_ms:.1f})")
        print(f"{'private iCal feed for a year, median':<50} {ics_ms:8.1f} ms  ({len(body) // 1024} KiB, "
              f"ratio {ics_ms / plain_ms:.1f})")


if __name__ == "__main__":
    sys.exit(main())
