"""The worker: fan out due events, then claim due sends with a lease and send them.

Several workers may run at once. On PostgreSQL each claims its rows with ``FOR UPDATE SKIP
LOCKED``, so two workers never take the same row; on SQLite (one writer at a time) the claim
is a conditional UPDATE. A claim is committed before anything is sent, and each outcome is
committed as it comes, so a worker killed mid-batch repeats at most the one mail it was
sending: its other rows keep their lease until it expires, then any worker claims them again.

Features add jobs to each round with ``@round_job`` (``job(now) -> int``, run and committed
before the fan-out, so what they tell goes out in the same round): the activities' expiry of
offers is one. A failing job is logged and retried next round; it never stops the sends.

A temporary failure (SMTP down, 4xx) leaves the row due again after a growing delay; after
``MAX_ATTEMPTS`` it fails for good. One bad row never stops the loop: a sender that raises
retries its sends left, and the batch goes on.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from ent_lite.extensions import db
from ent_lite.notifications import channels, content, fanout
from ent_lite.notifications.channels import FAILED, RETRY, SENT, SKIPPED, Outcome
from ent_lite.notifications.models import Delivery, DeliveryStatus

log = logging.getLogger(__name__)

BATCH_SIZE = 100
# Longer than a batch of sends takes; a worker that dies leaves its rows claimed this long.
LEASE = timedelta(minutes=10)
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                timedelta(hours=12))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

# name: job(now) -> count, filled by the features (a registry, so this module imports none).
ROUND_JOBS: dict[str, Callable[[datetime], int]] = {}


def round_job(job: Callable[[datetime], int]) -> Callable[[datetime], int]:
    """Run ``job(now)`` at the start of every worker round, in its own transaction."""
    ROUND_JOBS[f"{job.__module__}.{job.__qualname__}"] = job
    return job


def run_jobs(now: datetime, worker_name: str = "worker") -> dict[str, int]:
    """Each registered job once, committed on its own; {job: count} of those that ran."""
    done = {}
    for name, job in ROUND_JOBS.items():
        try:
            done[name] = job(now)
            db.session.commit()
        except Exception:  # noqa: BLE001 - a failing job must not stop the sends; retried next round
            db.session.rollback()
            log.exception("%s: job %s failed", worker_name, name)
    counted = {name: count for name, count in done.items() if count}
    if counted:
        log.info("%s: jobs %s", worker_name, counted)
    return done


@dataclass
class Figures:
    notified: int = 0  # notifications written by the fan-out
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 1 min, 5 min, 30 min, 2 h, then 12 h."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def run_once(now: datetime, batch_size: int = BATCH_SIZE, worker_name: str = "worker",
             lease: timedelta = LEASE, max_batches: int | None = None,
             fanout_batch_size: int = fanout.BATCH_SIZE, should_stop: Callable[[], bool] = lambda: False) -> Figures:
    """Fan out what is due, then send every due delivery, a batch at a time, until none is left.

    ``max_batches`` bounds the sending batches of this call (None: until nothing is due);
    ``should_stop`` is asked between batches (a stopping worker leaves the rest to the next).
    """
    figures = Figures()
    run_jobs(now, worker_name)
    try:
        figures.notified = fanout.fan_out(now, batch_size=fanout_batch_size)
    except Exception:  # noqa: BLE001 - the sends must go on; the event's lease lets it be retried
        db.session.rollback()
        log.exception("%s: fan-out failed", worker_name)
    batches = 0
    while (max_batches is None or batches < max_batches) and not should_stop():
        deliveries = claim_deliveries(now, batch_size, lease)
        if not deliveries:
            break
        batches += 1
        figures.add(send_batch(deliveries, now))
    if figures.claimed or figures.notified:
        log.info("%s: %s", worker_name, figures)
    return figures


def claim_deliveries(now: datetime, limit: int, lease: timedelta = LEASE) -> list[Delivery]:
    """Take up to ``limit`` due deliveries with a lease, counting the attempt (committed)."""
    free = or_(Delivery.lease_until.is_(None), Delivery.lease_until < now)
    due = [Delivery.status == DeliveryStatus.PENDING, Delivery.due_dt <= now, free]
    candidates = select(Delivery.id).where(*due).order_by(Delivery.due_dt, Delivery.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(candidates))
    if not ids:
        db.session.commit()
        return []
    # The same conditions again: on SQLite another worker may have taken some rows meanwhile.
    claimed = list(db.session.scalars(
        update(Delivery).where(Delivery.id.in_(ids), *due)
        .values(lease_until=now + lease, attempts=Delivery.attempts + 1)
        .returning(Delivery.id).execution_options(synchronize_session=False)
    ))
    db.session.commit()
    if not claimed:
        return []
    # populate_existing: rows of an earlier batch in this session must show the new attempt count.
    return list(db.session.scalars(select(Delivery).where(Delivery.id.in_(claimed)).order_by(Delivery.id)
                                   .execution_options(populate_existing=True)))


def send_batch(deliveries: list[Delivery], now: datetime) -> Figures:
    figures = Figures(claimed=len(deliveries))
    try:
        sends = content.gather(deliveries)
    except Exception as error:  # noqa: BLE001
        db.session.rollback()
        log.exception("gathering %d deliveries failed", len(deliveries))
        for delivery in deliveries:
            _record(figures, delivery.id, delivery.attempts, Outcome(RETRY, f"gather: {type(error).__name__}"), now)
        return figures
    by_channel: dict[str, list[content.Send]] = defaultdict(list)
    for send in sends:
        by_channel[send.delivery.channel].append(send)
    with _objects_kept_after_commit():
        for channel, channel_sends in by_channel.items():
            _send_channel(figures, channel, channel_sends, now)
    return figures


def _send_channel(figures: Figures, channel: str, sends: list[content.Send], now: datetime) -> None:
    pending = {send.delivery.id: send for send in sends}
    send_all = channels.SENDERS.get(channel)
    try:
        if send_all is None:
            raise LookupError(f"no sender for {channel}")
        for send, outcome in send_all(sends, now):
            if pending.pop(send.delivery.id, None) is not None:
                _record(figures, send.delivery.id, send.delivery.attempts, outcome, now)
    except Exception as error:  # noqa: BLE001 - one bad row or sender never stops the worker
        db.session.rollback()
        log.exception("%s sender failed; %d sends left to retry", channel, len(pending))
        for send in pending.values():
            _record(figures, send.delivery.id, send.delivery.attempts, Outcome(RETRY, type(error).__name__), now)


def _record(figures: Figures, delivery_id: int, attempts: int, outcome: Outcome, now: datetime) -> None:
    """Write one outcome and commit it at once: a crash after this point never repeats the send."""
    error = (outcome.error or "")[:200] or None
    values: dict = {"lease_until": None}
    if outcome.status == SENT:
        values |= {"status": DeliveryStatus.SENT, "done_dt": now, "last_error": None}
        figures.sent += 1
    elif outcome.status == SKIPPED:
        values |= {"status": DeliveryStatus.SKIPPED, "done_dt": now}
        figures.skipped += 1
    elif outcome.status == RETRY and attempts < MAX_ATTEMPTS:
        values |= {"due_dt": now + retry_delay(attempts), "last_error": error}
        figures.retried += 1
    else:  # FAILED, or a retry with no attempt left
        values |= {"status": DeliveryStatus.FAILED, "done_dt": now, "last_error": error or FAILED}
        figures.failed += 1
    # What the sender wrote for this send (a refused address) is committed first; the outcome
    # itself is one autocommitted UPDATE: a single round trip to PostgreSQL per mail, where
    # BEGIN, UPDATE and COMMIT took three.
    if db.session().in_transaction():
        db.session.commit()
    table = Delivery.__table__
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(update(table).where(table.c.id == delivery_id).values(**values))


@contextmanager
def _objects_kept_after_commit():
    """The per-outcome commits must not expire the batch's loaded people and items (each
    would be reloaded one query at a time); their rows are not changed by this worker."""
    session = db.session()
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = previous
