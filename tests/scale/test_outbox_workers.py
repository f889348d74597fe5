"""Notification workers on several machines share one outbox: each mail goes out once.

Two ``flask ent-lite worker`` processes poll the same database (on PostgreSQL they claim rows
with ``FOR UPDATE SKIP LOCKED``) while two urgent class posts enter the outbox: the workers fan
the posts out to the families, then send; the local SMTP server must receive every mail
exactly once, and both workers must have sent some (one idle worker would prove nothing).
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import Counter

from sqlalchemy import select

from ent_lite import PROJECT_ROOT
from ent_lite.extensions import db
from ent_lite.notifications.models import Channel, Delivery, DeliveryStatus, NotificationEvent
from tests.notifications.worker_helpers import TUESDAY_10H, add_families, class_key, make_post
from tests.scale.conftest import process_env, stop

PEOPLE, POSTS = 100, 2


def start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen]:
    """Long-running workers polling every 0.2 s, 20 rows a claim, at a fixed weekday morning
    (outside quiet hours); returns once each has said it is polling (they start together)."""
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "ent_lite", "ent-lite", "worker",
                                 "--interval", "0.2", "--batch-size", "20", "--name", f"w{n}",
                                 "--now", TUESDAY_10H.isoformat()],
                                cwd=PROJECT_ROOT, env={**env, "PYTHONUNBUFFERED": "1"},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n in range(1, count + 1)]
    for process in workers:
        assert "sending notifications every" in process.stdout.readline()
    return workers


def outbox_drained() -> bool:
    db.session.expire_all()
    waiting = db.session.scalar(select(db.func.count()).select_from(Delivery)
                                .where(Delivery.status == DeliveryStatus.PENDING))
    unfanned = db.session.scalar(select(db.func.count()).select_from(NotificationEvent)
                                 .where(NotificationEvent.fanned_out_dt.is_(None)))
    db.session.commit()  # no snapshot kept open between two looks
    return waiting == 0 and unfanned == 0


def test_two_workers_fan_out_and_send_every_notification_exactly_once(app, world, mailbox, tmp_path):
    add_families(world.city, world.class_b, PEOPLE)
    env = process_env(app, tmp_path)
    workers = start_workers(env, 2)
    try:
        # Both workers are polling before the posts enter the outbox, so they race for them.
        for _ in range(POSTS):
            make_post(world.teacher_b, world.class_b.establishment, class_key(world.class_b), urgent=True)
        deadline = time.monotonic() + 60
        while not (len(mailbox) >= PEOPLE * POSTS and outbox_drained()) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # a doubled mail would arrive now
    finally:
        outputs = [stop(process) for process in workers]
    claimed = [sum(int(n) for n in re.findall(r"claimed (\d+)", out)) for out, _err in outputs]

    sent = set(db.session.scalars(select(Delivery.public_id).where(Delivery.channel == Channel.EMAIL,
                                                                   Delivery.status == DeliveryStatus.SENT)))
    received = Counter(m["Message-ID"] for m in mailbox)
    assert len(sent) >= PEOPLE * POSTS
    assert set(received) == {f"<{public_id}@localhost>" for public_id in sent}
    assert max(received.values()) == 1, "a notification was sent twice"
    assert sum(claimed) == len(sent)
    assert all(claimed), f"one worker did all the work: {claimed}"
