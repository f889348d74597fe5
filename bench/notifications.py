"""A day of a city's notifications: digests built and sent by the worker, against smtplib alone.

    .venv/bin/python bench/notifications.py [--guardians 12000] [--database-url URL]

A city of ``--guardians`` guardians (about 1.6 per child, siblings included, 25 children a
class, one teacher a class) gets a day of activity: a post in every class, two city-wide posts
and a message in one thread of every class, all at 10:00. The worker fans them out, then at
18:00 builds every family's daily digest and sends it to a local SMTP server (aiosmtpd in its
own process, so it does not share this process's CPU time). The baseline, in the same run and
to the same server: as many fixed mails sent directly with smtplib over one connection.

Prints mails per second for both and their ratio (goal: at least 0.5), the fan-out time, the
peak memory of the worker phase and the SQL statements per digest.
"""
from __future__ import annotations

import argparse
import random
import smtplib
import socket
import subprocess
import sys
import time
from datetime import date, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, insert, select

from ent_lite.accounts.models import Membership, Role, User
from ent_lite.audience import keys
from ent_lite.conversations.models import Message, Thread
from ent_lite.core.db_types import new_public_id
from ent_lite.extensions import db
from ent_lite.notifications.models import Category, Delivery, DeliveryStatus, EventKind, NotificationEvent
from ent_lite.notifications.worker import run_once
from ent_lite.posts.models import Post, PostAudience
from ent_lite.school.models import (
    Child, City, Enrolment, Establishment, EstablishmentKind, Group, GroupKind, GuardianLink,
)

from city import bulk, free_port
from demo_city import demo_app

PARIS = ZoneInfo("Europe/Paris")
# A Thursday: no quiet weekend in the way of the 18:00 digest.
DAY = datetime(2026, 12, 3, tzinfo=PARIS)
MORNING = DAY.replace(hour=10)
EVENING = DAY.replace(hour=18)
CLASS_SIZE = 25
CLASSES_PER_SCHOOL = 8
BATCH = 500


def start_smtp_sink() -> tuple[subprocess.Popen, int]:
    """aiosmtpd's discarding handler in a process of its own; returns it and its port."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                                "-c", "aiosmtpd.handlers.Sink"])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the SMTP sink did not start")


def generate_city(guardians_wanted: int, rng: random.Random, password_hash: str) -> dict:
    """Schools, classes, teachers, children and their guardians; returns what the day needs."""
    city_id = db.session.scalar(select(City.id))
    year = keys.this_school_year()
    children_wanted = round(guardians_wanted / 1.6)
    classes_wanted = -(-children_wanted // CLASS_SIZE)
    schools = bulk(Establishment, [
        {"public_id": new_public_id(), "city_id": city_id, "kind": EstablishmentKind.SCHOOL,
         "name": f"École du banc {n}", "district": f"Quartier {n % 6}"}
        for n in range(-(-classes_wanted // CLASSES_PER_SCHOOL))])
    classes = bulk(Group, [
        {"public_id": new_public_id(), "establishment_id": schools[n // CLASSES_PER_SCHOOL],
         "kind": GroupKind.CLASS, "name": f"Classe {n}", "school_year": year, "levels": "CE1"}
        for n in range(classes_wanted)])
    teachers = bulk(User, [
        {"public_id": new_public_id(), "city_id": city_id, "role": Role.TEACHER, "first_name": "Prof",
         "last_name": f"Banc {n}", "email": f"prof{n}@bench.invalid", "password_hash": password_hash,
         "session_nonce": new_public_id(), "is_enabled": True, "activated_dt": MORNING}
        for n in range(classes_wanted)])
    db.session.execute(insert(Membership), [
        {"user_id": teachers[n], "establishment_id": schools[n // CLASSES_PER_SCHOOL], "group_id": classes[n]}
        for n in range(classes_wanted)])

    # Families: two guardians for most, one for the others; one in five has two children.
    guardian_rows, families = [], []
    while len(guardian_rows) < guardians_wanted:
        count = 2 if rng.random() < 0.6 or len(families) % 5 == 0 else 1
        count = min(count, guardians_wanted - len(guardian_rows))
        family = list(range(len(guardian_rows), len(guardian_rows) + count))
        for position in family:
            guardian_rows.append({
                "public_id": new_public_id(), "city_id": city_id, "role": Role.GUARDIAN, "first_name": "Parent",
                "last_name": f"Banc {position}", "email": f"parent{position}@bench.invalid",
                "password_hash": password_hash, "session_nonce": new_public_id(), "is_enabled": True,
                "activated_dt": MORNING})
        families.append(family)
    guardian_ids = bulk(User, guardian_rows)
    child_rows, links, placed = [], [], []
    for family in families:
        for _ in range(2 if len(family) == 2 and rng.random() < 0.2 else 1):
            child_rows.append({"public_id": new_public_id(), "city_id": city_id, "first_name": "Enfant",
                               "last_name": f"Banc {len(child_rows)}", "level": "CE1",
                               "birth_date": date(2018, 5, 1), "created_dt": MORNING})
            placed.append(family)
    child_ids = bulk(Child, child_rows)
    for child_id, family in zip(child_ids, placed):
        links += [{"child_id": child_id, "user_id": guardian_ids[g], "rank": rank, "relation": "mother",
                   "legal_authority": True} for rank, g in enumerate(family, start=1)]
    db.session.execute(insert(GuardianLink), links)
    db.session.execute(insert(Enrolment), [
        {"child_id": child_id, "group_id": classes[n % classes_wanted]} for n, child_id in enumerate(child_ids)])
    first_child_of = {classes[n % classes_wanted]: child_id for n, child_id in enumerate(child_ids)}
    return {"schools": schools, "classes": classes, "teachers": teachers, "first_child_of": first_child_of,
            "guardians": len(guardian_ids), "children": len(child_ids)}


def a_day_of_activity(city: dict) -> int:
    """Class posts, city posts and messages at 10:00, each with its outbox row; returns events."""
    moment = MORNING
    posts = []
    for n, group_id in enumerate(city["classes"]):
        posts.append(({"public_id": new_public_id(), "author_id": city["teachers"][n],
                       "establishment_id": city["schools"][n // CLASSES_PER_SCHOOL], "title": "Sortie",
                       "body_markdown": "Pensez au goûter.", "body_html": "<p>Pensez au goûter.</p>",
                       "created_dt": moment, "published_dt": moment}, keys.group_key(group_id)))
    for _ in range(2):
        posts.append(({"public_id": new_public_id(), "author_id": city["teachers"][0],
                       "establishment_id": city["schools"][0], "title": "Ville", "body_markdown": "Info.",
                       "body_html": "<p>Info.</p>", "created_dt": moment, "published_dt": moment}, ("all", "*")))
    post_ids = bulk(Post, [row for row, _ in posts])
    db.session.execute(insert(PostAudience), [
        {"post_id": post_id, "kind": key[0], "value": key[1]} for post_id, (_, key) in zip(post_ids, posts)])
    events = [{"kind": EventKind.POST, "category": Category.NEWS, "post_id": post_id, "actor_id": row["author_id"],
               "created_dt": moment, "not_before_dt": moment} for post_id, (row, _) in zip(post_ids, posts)]
    thread_ids = bulk(Thread, [
        {"public_id": new_public_id(), "establishment_id": city["schools"][n // CLASSES_PER_SCHOOL],
         "child_id": city["first_child_of"][group_id], "subject": "Rendez-vous", "started_by_id": city["teachers"][n],
         "created_dt": moment, "last_message_dt": moment}
        for n, group_id in enumerate(city["classes"]) if group_id in city["first_child_of"]])
    message_ids = bulk(Message, [
        {"public_id": new_public_id(), "thread_id": thread_id, "author_id": city["teachers"][n], "body": "Bonjour",
         "created_dt": moment} for n, thread_id in enumerate(thread_ids)])
    events += [{"kind": EventKind.MESSAGE, "category": Category.MESSAGES, "message_id": message_id,
                "actor_id": city["teachers"][n], "created_dt": moment, "not_before_dt": moment}
               for n, message_id in enumerate(message_ids)]
    db.session.execute(insert(NotificationEvent), events)
    return len(events)


class StatementCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def drain(now: datetime) -> int:
    """Run the worker at ``now`` until it finds nothing to do; returns the rounds."""
    rounds = 0
    while True:
        rounds += 1
        figures = run_once(now, batch_size=BATCH)
        if not figures.claimed and not figures.notified:
            return rounds


def reset_peak_memory() -> None:
    """Linux: start the process's peak resident memory (VmHWM) again from its current size."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def peak_memory_mib() -> float:
    with open("/proc/self/status") as handle:
        line = next(line for line in handle if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def baseline(count: int, port: int) -> float:
    """Seconds to send ``count`` fixed mails over one smtplib connection."""
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(count):
            message = EmailMessage()
            message["From"] = "ent-lite@bench.invalid"
            message["To"] = f"parent{n}@bench.invalid"
            message["Subject"] = "Nouveautés"
            message.set_content("Des nouvelles vous attendent.\n")
            smtp.send_message(message)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--guardians", type=int, default=12000)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a throwaway SQLite file)")
    args = parser.parse_args()
    sink, port = start_smtp_sink()
    try:
        settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_SUPPRESS": False}
        if args.database_url:
            settings["SQLALCHEMY_DATABASE_URI"] = args.database_url
        app = demo_app(**settings)
        with app.app_context():
            password_hash = db.session.scalar(select(User.password_hash).where(User.password_hash.is_not(None)))
            city = generate_city(args.guardians, random.Random(7), password_hash)
            events = a_day_of_activity(city)
            db.session.commit()
            print(f"city: {city['guardians']} guardians, {city['children']} children, "
                  f"{len(city['classes'])} classes; {events} events at 10:00")

            start = time.perf_counter()
            drain(MORNING)
            fanout_seconds = time.perf_counter() - start
            digests = db.session.scalar(select(func.count()).select_from(Delivery).where(
                Delivery.digest_slot_dt.is_not(None)))
            print(f"fan-out at 10:00: {fanout_seconds:.1f} s, {digests} digests planned")

            counter = StatementCounter(db.engine)
            reset_peak_memory()
            start = time.perf_counter()
            drain(EVENING)
            send_seconds = time.perf_counter() - start
            peak_mib = peak_memory_mib()
            sent = db.session.scalar(select(func.count()).select_from(Delivery).where(
                Delivery.status == DeliveryStatus.SENT))
            base_seconds = baseline(sent, port)
            rate, base_rate = sent / send_seconds, sent / base_seconds
            print(f"worker at 18:00: {sent} digests sent in {send_seconds:.1f} s = {rate:.0f} mails/s; "
                  f"{counter.count / max(sent, 1):.2f} SQL statements per digest; "
                  f"peak memory of the process in this phase {peak_mib:.0f} MiB")
            print(f"baseline smtplib, one connection: {sent} mails in {base_seconds:.1f} s = {base_rate:.0f} mails/s")
            print(f"ratio worker / baseline: {rate / base_rate:.2f} (goal >= 0.5)")
    finally:
        sink.terminate()
        sink.wait()


if __name__ == "__main__":
    main()
