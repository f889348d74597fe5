"""Registrations for the last places under contention, against plain inserts; and the indicator.

    .venv/bin/python bench/registration.py                       # a throwaway PostgreSQL server
    .venv/bin/python bench/registration.py --database-url URL    # an empty PostgreSQL database
    .venv/bin/python bench/registration.py --sqlite              # the indicator part alone

Without a URL the script starts its own PostgreSQL server in a temporary folder (Debian's
``postgresql`` package, as ``scripts/test`` does; run as root it runs the server as the
``postgres`` user) and removes it at the end.

A city of ``--children`` children (schools of 100 to 300 children, classes of 25, one or two
guardians a family) with activities, registrations and attendance is written with bulk
inserts. Then, on PostgreSQL:

- contention: ``--clients`` threads, each with its own connection, register children for a
  few activities (``--activities``, ``--places`` each) through ``allocation.place_first_come``,
  one real transaction per registration (INSERT, conditional UPDATE of the places, COMMIT), so
  most of them race for the last places and then join the waiting lists;
- baseline, in the same run and table: the same threads INSERT as many Registration rows,
  one transaction each, with no place to take.

It prints registrations per second for both and their ratio, checks no place was sold twice,
then times ``indicator.compute`` for the city (median of 5) next to a plain count of its
children, and the count of families reached by the "no activity yet" audience next to the
count for "all families". On PostgreSQL the tables are ANALYZEd after the bulk load, as
autovacuum would. The city's bones and the bulk inserts are ``bench/city.py``'s, shared with
``bench/agenda.py``.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, insert, select

from ent_lite.activities import allocation, indicator
from ent_lite.activities.models import (
    Activity, ActivitySession, Attendance, Registration, RegistrationStatus,
)
from ent_lite.audience import keys
from ent_lite.core.db_types import new_public_id
from ent_lite.extensions import db
from ent_lite.posts import stats
from ent_lite.school.models import LEVELS, Child, Enrolment, Group, GroupKind
from ent_lite.school.services import current_school_year

import city as bench_city
from city import bulk, free_port

NOW = datetime.now(timezone.utc).replace(microsecond=0)
YEAR = current_school_year(NOW)
CLASS_SIZE = 25
ATTENDANCE_ACTIVITIES = 120  # the city's catalogue of the year, for the indicator


class ThrowawayPostgres:
    """initdb + pg_ctl in a temporary folder; ``url`` once started."""

    def __init__(self):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not found:
            sys.exit("PostgreSQL is not installed (apt-get install postgresql), or pass --database-url or --sqlite")
        self.bin = found[-1].parent
        self.data = Path(tempfile.mkdtemp(prefix="bench_pg_"))
        self.port = free_port()
        self.as_pg: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            self.as_pg = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.data, "postgres", "postgres")
        self.data.chmod(0o700)

    def start(self) -> str:
        quiet = {"stdout": subprocess.DEVNULL}
        subprocess.run([*self.as_pg, self.bin / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust",
                        "-E", "UTF8", "--locale=C.UTF-8"], check=True, **quiet)
        subprocess.run([*self.as_pg, self.bin / "pg_ctl", "-D", self.data, "-l", self.data / "log", "-w",
                        "-o", f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c max_connections=50",
                        "start"], check=True, **quiet)
        subprocess.run([*self.as_pg, self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                        "postgres", "bench"], check=True)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/bench"

    def stop(self) -> None:
        subprocess.run([*self.as_pg, self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.data, ignore_errors=True)


def make_app(url: str, clients: int):
    options = {"pool_pre_ping": True, "hide_parameters": True}
    if not url.startswith("sqlite"):
        options |= {"pool_size": clients + 4, "max_overflow": 0}
    return bench_city.make_app(url, SQLALCHEMY_ENGINE_OPTIONS=options)


def _activity(city_id: int, service_id: int, title: str, capacity: int) -> dict:
    first = NOW + timedelta(days=14)
    return {"public_id": new_public_id(), "city_id": city_id, "establishment_id": service_id, "title": title,
            "capacity": capacity, "places_taken": 0, "mode": "first_come", "school_year": YEAR,
            "opens_dt": NOW - timedelta(days=1), "closes_dt": NOW + timedelta(days=7),
            "first_day": first.date(), "last_session_dt": first + timedelta(hours=2), "published_dt": NOW,
            "created_dt": NOW, "updated_dt": NOW, "offer_hours": 48, "category": "sport", "levels": "",
            "description": "", "place": "", "documents": ""}


def generate_city(children_wanted: int, rng: random.Random) -> dict:
    """Schools of 100-300 children in classes, families, a catalogue with registrations and
    attendance for about 60 % of the children; returns the ids the bench needs."""
    city_id, service_id = bench_city.city_and_service("Service des sports")
    sizes = []
    while sum(sizes) < children_wanted:
        sizes.append(min(rng.randint(100, 300), children_wanted - sum(sizes)))
    schools = bench_city.schools(city_id, len(sizes))
    class_rows, child_class, child_rows = [], [], []
    for school_id, size in zip(schools, sizes):
        for c in range(-(-size // CLASS_SIZE)):
            level = LEVELS[c % len(LEVELS)]
            class_rows.append({"public_id": new_public_id(), "establishment_id": school_id, "kind": GroupKind.CLASS,
                               "name": f"{level} {c}", "school_year": YEAR, "levels": level})
            for _ in range(min(CLASS_SIZE, size - c * CLASS_SIZE)):
                child_class.append(len(class_rows) - 1)
                child_rows.append({"public_id": new_public_id(), "city_id": city_id, "first_name": "Enfant",
                                   "last_name": f"Banc {len(child_rows)}", "level": level,
                                   "birth_date": date(2018, 5, 1), "created_dt": NOW})
    classes = bulk(Group, class_rows)
    children = bulk(Child, child_rows)
    db.session.execute(insert(Enrolment), [{"child_id": child, "group_id": classes[c]}
                                           for child, c in zip(children, child_class)])
    # Siblings aside, which change nothing here.
    bench_city.guardians(city_id, children, rng)
    activities = bulk(Activity, [_activity(city_id, service_id, f"Activité {n}", 40)
                                 for n in range(ATTENDANCE_ACTIVITIES)])
    sessions = bulk(ActivitySession, [{"public_id": new_public_id(), "activity_id": a, "starts_dt": NOW,
                                       "ends_dt": NOW + timedelta(hours=2)} for a in activities])
    registered = rng.sample(children, int(len(children) * 0.6))
    statuses = [RegistrationStatus.CONFIRMED] * 8 + [RegistrationStatus.WAITING, RegistrationStatus.CANCELLED]
    reg_rows = [{"public_id": new_public_id(), "activity_id": activities[n % len(activities)], "child_id": child,
                 "status": rng.choice(statuses), "created_dt": NOW, "updated_dt": NOW}
                for n, child in enumerate(registered)]
    registrations = bulk(Registration, reg_rows)
    session_of = dict(zip(activities, sessions))
    db.session.execute(insert(Attendance), [
        {"session_id": session_of[row["activity_id"]], "registration_id": reg,
         "present": rng.random() < 0.85, "recorded_dt": NOW}
        for reg, row in zip(registrations, reg_rows) if row["status"] == RegistrationStatus.CONFIRMED])
    db.session.commit()
    bench_city.analyze()
    return {"city_id": city_id, "service_id": service_id, "children": children,
            "unregistered": sorted(set(children) - set(registered)), "registrations": len(registrations)}


def _run_threads(app, clients: int, work) -> float:
    """Seconds for ``clients`` threads to each run ``work(n)`` in an app context of their own."""
    barrier = threading.Barrier(clients + 1)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        with app.app_context():  # a session, so a connection, of its own
            barrier.wait()
            try:
                work(n)
            except BaseException as error:  # reported below, not lost in the thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - start


def contention(app, city: dict, clients: int, activities_wanted: int, places: int, per_client: int) -> dict:
    with app.app_context():
        racing = bulk(Activity, [_activity(city["city_id"], city["service_id"], f"Dernières places {n}", places)
                                 for n in range(activities_wanted)])
        plain = bulk(Activity, [_activity(city["city_id"], city["service_id"], f"Témoin {n}", 10_000)
                                for n in range(clients)])
        db.session.commit()
    pool = city["unregistered"]
    if len(pool) < clients * per_client:
        sys.exit(f"--registrations too high for {len(pool)} children not registered yet")

    def baseline(n: int) -> None:
        for k in range(per_client):
            db.session.execute(insert(Registration).values(
                public_id=new_public_id(), activity_id=plain[n], child_id=pool[n * per_client + k],
                status=RegistrationStatus.CONFIRMED, created_dt=NOW, updated_dt=NOW))
            db.session.commit()

    def register(n: int) -> None:
        for k in range(per_client):
            child = pool[n * per_client + k]
            registration = Registration(activity_id=racing[(n + k) % len(racing)], child_id=child,
                                        status=RegistrationStatus.REQUESTED, created_dt=NOW, updated_dt=NOW)
            allocation.place_first_come(registration, NOW)
            db.session.add(registration)
            db.session.commit()

    plain_seconds = _run_threads(app, clients, baseline)
    race_seconds = _run_threads(app, clients, register)
    with app.app_context():
        confirmed = db.session.execute(
            select(Registration.activity_id, func.count()).where(
                Registration.activity_id.in_(racing), Registration.status == RegistrationStatus.CONFIRMED)
            .group_by(Registration.activity_id)).all()
        taken = db.session.execute(select(Activity.id, Activity.places_taken, Activity.capacity)
                                   .where(Activity.id.in_(racing))).all()
    oversold = sum(max(count - places, 0) for _, count in confirmed)
    consistent = all(places_taken == capacity == dict(confirmed).get(aid, 0) for aid, places_taken, capacity in taken)
    total = clients * per_client
    return {"total": total, "plain": total / plain_seconds, "race": total / race_seconds,
            "oversold": oversold, "consistent": consistent, "places": places * activities_wanted}


def time_indicator(app, city: dict) -> dict:
    with app.app_context():
        city_id = city["city_id"]
        runs, plain = [], []
        for _ in range(5):
            start = time.perf_counter()
            db.session.scalar(select(func.count()).select_from(Child).where(Child.city_id == city_id))
            plain.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = indicator.compute(city_id, YEAR, NOW)
            runs.append(time.perf_counter() - start)
        start = time.perf_counter()
        families = stats.count_households([keys.no_activity_key(YEAR)], city_id)
        audience_seconds = time.perf_counter() - start
        start = time.perf_counter()
        stats.count_households([keys.ALL_KEY], city_id)
        all_seconds = time.perf_counter() - start
    return {"median": statistics.median(runs), "plain": statistics.median(plain), "result": result,
            "families": families, "audience": audience_seconds, "all": all_seconds}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a throwaway server)")
    parser.add_argument("--sqlite", action="store_true", help="a throwaway SQLite file: the indicator part alone")
    parser.add_argument("--children", type=int, default=7000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--activities", type=int, default=4, help="activities the clients race for")
    parser.add_argument("--places", type=int, default=50, help="places of each of them")
    parser.add_argument("--registrations", type=int, default=1600, help="registrations in all, per run")
    args = parser.parse_args()
    server = None
    if args.sqlite:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='ent_lite_bench_')}/bench.sqlite3"
    elif args.database_url:
        url = args.database_url
    else:
        server = ThrowawayPostgres()
        url = server.start()
    try:
        app = make_app(url, args.clients)
        start = time.perf_counter()
        with app.app_context():
            city = generate_city(args.children, random.Random(11))
        print(f"{'database':<52} {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
        print(f"{'city written (children, registrations)':<52} {len(city['children'])}, "
              f"{city['registrations']} in {time.perf_counter() - start:.1f} s")
        if not args.sqlite:
            per_client = args.registrations // args.clients
            race = contention(app, city, args.clients, args.activities, args.places, per_client)
            print(f"{'plain INSERT of registrations, per second':<52} {race['plain']:8.0f}")
            print(f"{'place_first_come on the last places, per second':<52} {race['race']:8.0f}")
            print(f"{'ratio':<52} {race['race'] / race['plain']:8.2f}")
            print(f"{'  ' + str(args.clients) + ' clients, ' + str(race['total']) + ' registrations for':<52} "
                  f"{race['places']} places")
            print(f"{'  places sold twice':<52} {race['oversold']:8d}"
                  f"{'' if race['consistent'] else '   places_taken DISAGREES with the confirmed rows'}")
        timing = time_indicator(app, city)
        result = timing["result"]
        print(f"{'indicator for the city, median of 5':<52} {timing['median'] * 1000:8.1f} ms")
        print(f"{'  baseline: count of its children':<52} {timing['plain'] * 1000:8.1f} ms")
        print(f"{'  children reached':<52} {result.city.reached} of {result.city.children} "
              f"in {len(result.schools)} schools")
        print(f"{'families of children with no activity yet (count)':<52} {timing['families']:8d} "
              f"in {timing['audience'] * 1000:.0f} ms")
        print(f"{'  baseline: counting all the families of the city':<52} {timing['all'] * 1000:8.0f} ms")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
