"""Worker processes against a real SMTP server: every notification delivered exactly once.

The workers are real ``flask ent-lite worker`` processes on the test database (PostgreSQL
when TEST_DATABASE_URL points at one, else the SQLite file), with 1,000 due mails inserted in
bulk (10 events × 100 people, one mail per notification). A mail's Message-ID is made of its
delivery's public id, so a repeat shows as the same Message-ID twice.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from ent_lite import PROJECT_ROOT
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications.models import Delivery, DeliveryStatus
from tests.conftest import SECRET_KEY
from tests.notifications.worker_helpers import add_due_mails, add_families, statuses

PEOPLE, EVENTS = 100, 10
TOTAL = PEOPLE * EVENTS


def worker_env(app, tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        "ENT_LITE_ENV": "test",
        "ENT_LITE_SECRET_KEY": SECRET_KEY,
        "ENT_LITE_INSTANCE_PATH": str(tmp_path),
        "ENT_LITE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ENT_LITE_MAIL_SERVER": app.config["MAIL_SERVER"],
        "ENT_LITE_MAIL_PORT": str(app.config["MAIL_PORT"]),
        "ENT_LITE_MAIL_FROM": app.config["MAIL_FROM"],
        "ENT_LITE_MAIL_SUPPRESS": "false",
    }


def start_worker(app, tmp_path, name: str, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "flask", "--app", "ent_lite", "ent-lite", "worker", "--once",
               "--name", name, *extra]
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=worker_env(app, tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def figures_of(process: subprocess.Popen) -> dict[str, int]:
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return {name: int(value) for name, value in re.findall(r"(\w+) (\d+)", out)}


def due_mails(world) -> set[str]:
    people = add_families(world.city, world.class_b, PEOPLE)
    public_ids = add_due_mails(world.teacher_b, world.class_b, people, EVENTS, utcnow() - timedelta(minutes=1))
    assert len(public_ids) == TOTAL
    return {f"<{public_id}@localhost>" for public_id in public_ids}


def start_polling_worker(app, tmp_path, name: str) -> subprocess.Popen:
    """A long-running worker polling every 0.2 s; returns once it has said it is polling."""
    command = [sys.executable, "-m", "flask", "--app", "ent_lite", "ent-lite", "worker", "--interval", "0.2",
               "--batch-size", "20", "--name", name]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**worker_env(app, tmp_path), "PYTHONUNBUFFERED": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert "sending notifications every" in process.stdout.readline()
    return process


def test_two_workers_deliver_a_thousand_notifications_exactly_once(app, world, mailbox, tmp_path):
    # Both workers are polling before the mails become due, so they race for every batch.
    workers = [start_polling_worker(app, tmp_path, f"w{n}") for n in (1, 2)]
    try:
        expected = due_mails(world)
        deadline = time.monotonic() + 60
        while len(mailbox) < TOTAL and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # a doubled mail would arrive now
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
    outputs = [process.communicate(timeout=20) for process in workers]
    claimed = [sum(int(n) for n in re.findall(r"claimed (\d+)", out)) for out, _err in outputs]

    received = Counter(m["Message-ID"] for m in mailbox)
    assert set(received) == expected
    assert max(received.values()) == 1, "a notification was delivered twice"
    assert sum(claimed) == TOTAL
    assert all(claimed), f"one worker did all the work: {claimed}"
    db.session.expire_all()
    assert statuses() == {DeliveryStatus.SENT: TOTAL}


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_the_mail_in_flight(
        app, world, mailbox, tmp_path):
    expected = due_mails(world)

    victim = start_worker(app, tmp_path, "victim", "--batch-size", "100")
    deadline = time.monotonic() + 30
    while len(mailbox) < 150 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert victim.poll() is None, "the worker finished before it could be killed"
    victim.send_signal(signal.SIGKILL)
    victim.communicate()  # closes its pipes
    delivered_before = len(mailbox)
    assert 150 <= delivered_before < TOTAL  # killed in the middle of its second batch

    # Its claimed rows wait for their lease to expire, then another run takes them.
    assert figures_of(start_worker(app, tmp_path, "early"))["claimed"] <= TOTAL - delivered_before
    after_lease = (utcnow() + timedelta(minutes=11)).isoformat()
    figures_of(start_worker(app, tmp_path, "rescuer", "--now", after_lease))

    received = Counter(m["Message-ID"] for m in mailbox)
    assert set(received) == expected, "a notification was lost"
    repeated = [message_id for message_id, times in received.items() if times > 1]
    # The only repeat allowed: the one mail the killed worker had sent but not yet recorded,
    # sent again with the same Message-ID.
    assert len(repeated) <= 1 and all(received[m] == 2 for m in repeated)
    db.session.expire_all()
    assert statuses() == {DeliveryStatus.SENT: TOTAL}
    assert db.session.scalar(select(db.func.max(Delivery.attempts))) <= 2


def test_the_long_running_worker_sends_as_it_polls_and_stops_cleanly_on_sigterm(app, world, mailbox, tmp_path):
    people = add_families(world.city, world.class_b, 5)
    expected = {f"<{p}@localhost>" for p in add_due_mails(world.teacher_b, world.class_b, people, 1, utcnow() - timedelta(minutes=1))}
    command = [sys.executable, "-m", "flask", "--app", "ent_lite", "ent-lite", "worker", "--interval", "0.2"]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=worker_env(app, tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(mailbox) < len(expected) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the worker ended by itself"
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)

    assert process.returncode == 0, err
    assert out.strip().endswith("worker: stopped")
    assert {m["Message-ID"] for m in mailbox} == expected
