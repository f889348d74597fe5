"""The worker sends what is due over real SMTP, retries, records refusals, reclaims leases."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from ent_lite import PROJECT_ROOT
from ent_lite.extensions import db
from ent_lite.notifications import channels, fanout, worker
from ent_lite.notifications.channels import email as email_channel
from ent_lite.notifications.models import Channel, Delivery, DeliveryStatus, EmailProblem
from tests.conftest import _free_port
from tests.notifications.worker_helpers import (
    TUESDAY_10H,
    RefusingHandler,
    class_key,
    later,
    make_post,
    message_ids,
    statuses,
)


def deliveries() -> list[Delivery]:
    db.session.expire_all()
    return db.session.scalars(select(Delivery).order_by(Delivery.id)).all()


def test_an_urgent_post_is_mailed_at_once_with_a_stable_message_id(world, mailbox):
    make_post(world.director, world.school, class_key(world.class_a), urgent=True)

    figures = worker.run_once(TUESDAY_10H)

    assert (figures.claimed, figures.sent, figures.retried, figures.failed) == (3, 3, 0, 0)
    assert sorted(m["To"] for m in mailbox) == sorted([world.parent_a.email, world.parent_a2.email,
                                                       world.teacher_a.email])
    assert sorted(message_ids(mailbox)) == sorted(f"<{d.public_id}@localhost>" for d in deliveries())
    assert all(d.status == DeliveryStatus.SENT and d.done_dt == TUESDAY_10H for d in deliveries())
    # Done rows are not sent again.
    assert worker.run_once(later(TUESDAY_10H, hours=1)).claimed == 0
    assert len(mailbox) == 3


def test_a_digest_waits_for_its_hour_and_goes_as_one_mail(world, mailbox):
    make_post(world.director, world.school, class_key(world.class_a))
    make_post(world.director, world.school, class_key(world.class_a))

    assert worker.run_once(TUESDAY_10H).sent == 0
    assert worker.run_once(later(TUESDAY_10H, hours=8)).sent == 3

    assert len(mailbox.to(world.parent_a.email)) == 1


def test_smtp_down_leaves_the_rows_due_and_retries_with_growing_delays(app, world, mailbox):
    make_post(world.director, world.school, class_key(world.class_a), urgent=True)
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _free_port()  # nothing listens there
    try:
        now = TUESDAY_10H
        waits = []
        for _ in range(3):
            figures = worker.run_once(now)
            assert (figures.claimed, figures.retried, figures.sent) == (3, 3, 0)
            rows = deliveries()
            assert {d.status for d in rows} == {DeliveryStatus.PENDING}
            assert all(d.lease_until is None and d.last_error.startswith("connect") for d in rows)
            waits.append(rows[0].due_dt - now)
            assert worker.run_once(later(rows[0].due_dt, seconds=-1)).claimed == 0  # not before its time
            now = rows[0].due_dt
        assert waits == list(worker.RETRY_DELAYS[:3])
    finally:
        app.config["MAIL_PORT"] = port

    assert worker.run_once(now).sent == 3
    assert len(mailbox) == 3
    assert {d.attempts for d in deliveries()} == {4}


def test_a_send_fails_for_good_after_the_last_attempt(app, world, mailbox):
    make_post(world.director, world.school, class_key(world.class_a), urgent=True)
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _free_port()
    try:
        now = TUESDAY_10H
        for _ in range(worker.MAX_ATTEMPTS):
            worker.run_once(now)
            now = later(now, days=1)
    finally:
        app.config["MAIL_PORT"] = port

    rows = deliveries()
    assert {d.status for d in rows} == {DeliveryStatus.FAILED}
    assert {d.attempts for d in rows} == {worker.MAX_ATTEMPTS}
    assert worker.run_once(now).claimed == 0 and len(mailbox) == 0


def test_a_refused_address_fails_for_good_and_is_recorded(app, world):
    handler = RefusingHandler({world.parent_a.email}, deferred={world.parent_a2.email})
    server = Controller(handler, hostname="127.0.0.1", port=_free_port())
    server.start()
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = server.port
    try:
        make_post(world.director, world.school, class_key(world.class_a), urgent=True)
        figures = worker.run_once(TUESDAY_10H)
    finally:
        app.config["MAIL_PORT"] = port
        server.stop()

    assert (figures.sent, figures.failed, figures.retried) == (1, 1, 1)
    assert [m["To"] for m in handler.received] == [world.teacher_a.email]
    deferred = db.session.scalar(select(Delivery).where(Delivery.user_id == world.parent_a2.id))
    assert (deferred.status, deferred.last_error) == (DeliveryStatus.PENDING, "SMTP 450")
    assert deferred.due_dt == later(TUESDAY_10H, minutes=1)
    refused = db.session.scalar(select(Delivery).where(Delivery.user_id == world.parent_a.id))
    assert (refused.status, refused.last_error) == (DeliveryStatus.FAILED, "SMTP 550")
    problem = db.session.scalar(select(EmailProblem))
    assert (problem.user_id, problem.address, problem.smtp_code) == (world.parent_a.id, world.parent_a.email, 550)
    assert world.parent_a.email not in problem.detail

    # No more mail is planned to that address.
    make_post(world.director, world.school, class_key(world.class_a), urgent=True)
    fanout.fan_out(TUESDAY_10H)
    assert db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.user_id == world.parent_a.id, Delivery.channel == Channel.EMAIL)) == 1


def test_a_send_with_nothing_left_to_tell_is_skipped(world, mailbox):
    db.session.add(Delivery(user_id=world.parent_a.id, channel=Channel.EMAIL, due_dt=TUESDAY_10H,
                            digest_slot_dt=TUESDAY_10H))
    db.session.commit()

    figures = worker.run_once(TUESDAY_10H)

    assert (figures.claimed, figures.skipped, figures.sent) == (1, 1, 0)
    assert statuses() == {DeliveryStatus.SKIPPED: 1} and len(mailbox) == 0


def test_rows_of_a_worker_that_died_are_claimed_again_when_its_lease_expires(world, mailbox):
    make_post(world.director, world.school, class_key(world.class_a), urgent=True)
    fanout.fan_out(TUESDAY_10H)
    assert len(worker.claim_deliveries(TUESDAY_10H, 10)) == 3  # then the worker dies

    assert worker.run_once(later(TUESDAY_10H, minutes=5)).claimed == 0
    assert len(mailbox) == 0

    figures = worker.run_once(later(TUESDAY_10H, minutes=11))
    assert (figures.claimed, figures.sent) == (3, 3)
    assert {d.attempts for d in deliveries()} == {2}


def test_a_sender_that_breaks_on_one_batch_does_not_stop_the_worker(world, mailbox, monkeypatch):
    def broken(sends, now):
        yield sends[0], channels.Outcome(channels.SENT)
        raise RuntimeError("boom")

    make_post(world.director, world.school, class_key(world.class_a), urgent=True)
    monkeypatch.setitem(channels.SENDERS, Channel.EMAIL, broken)

    figures = worker.run_once(TUESDAY_10H)

    assert (figures.claimed, figures.sent, figures.retried) == (3, 1, 2)
    assert statuses() == {DeliveryStatus.SENT: 1, DeliveryStatus.PENDING: 2}


def test_in_the_demo_mails_are_written_to_the_console(app, world, mailbox, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SUPPRESS", True)
    make_post(world.director, world.school, class_key(world.class_a), urgent=True)

    with caplog.at_level(logging.WARNING):
        assert worker.run_once(TUESDAY_10H).sent == 3

    assert len(mailbox) == 0
    logged = [r.getMessage() for r in caplog.records if "mail not sent (demo)" in r.getMessage()]
    assert len(logged) == 3 and all("Message-ID:" in text for text in logged)


def test_the_email_sender_is_registered_when_the_app_starts(tmp_path):
    """In a fresh interpreter, creating the app is enough to connect the email sender."""
    code = ("from ent_lite import create_app; create_app({'ENT_LITE_ENV': 'test'}); "
            "from ent_lite.notifications.channels import SENDERS; "
            "print(SENDERS['email'].__module__, SENDERS['email'].__name__)")
    env = {**os.environ, "ENT_LITE_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, check=True)
    assert result.stdout.split() == [email_channel.__name__, "send_email"]
    assert channels.SENDERS[Channel.EMAIL] is email_channel.send_email
