"""Fan-out: an outbox event becomes one ``Notification`` per person and their planned sends.

A city-wide post reaches thousands of guardians, so the worker (never the publishing request)
takes the recipients a batch at a time in user id order and commits each batch with the
event's cursor: a crash between batches resumes after the last committed one, and the
inserts skip rows already there (ON CONFLICT DO NOTHING), so nobody is told twice.

Each person's items go either into a send of their own (immediate) or into their digest for
the slot ``schedule.plan`` gives. A digest a worker has already claimed (or sent) cannot take
new items: joining it is a guarded UPDATE (pending and no lease), else the item goes into the
following slot's digest.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import or_, select, tuple_, update

from ent_lite.accounts.models import User
from ent_lite.core.upsert import insert
from ent_lite.extensions import db
from ent_lite.notifications import preferences, schedule
from ent_lite.notifications.models import (
    Category,
    Channel,
    Delivery,
    DeliveryStatus,
    EmailProblem,
    Notification,
    NotificationEvent,
    NotificationPreferences,
    PushSubscription,
)
from ent_lite.notifications.recipients import next_batch, published_later

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH_SIZE = 500
# A digest slot taken by a worker moves the item to the next one; a few tries always suffice.
MAX_SLOT_TRIES = 4


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def claim_event(now: datetime, lease: timedelta = LEASE) -> NotificationEvent | None:
    """Take one due event with a lease (committed), or None when none is free."""
    free = or_(NotificationEvent.lease_until.is_(None), NotificationEvent.lease_until < now)
    due = [NotificationEvent.fanned_out_dt.is_(None), NotificationEvent.not_before_dt <= now, free]
    query = select(NotificationEvent.id).where(*due).order_by(NotificationEvent.id).limit(1)
    if _is_postgresql():
        query = query.with_for_update(skip_locked=True)
    for _ in range(3):  # on SQLite another worker may win the conditional UPDATE: try the next
        event_id = db.session.scalar(query)
        if event_id is None:
            db.session.commit()
            return None
        claimed = db.session.execute(
            update(NotificationEvent).where(NotificationEvent.id == event_id, *due)
            .values(lease_until=now + lease).execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if claimed:
            return db.session.get(NotificationEvent, event_id)
    return None


def fan_out(now: datetime, batch_size: int = BATCH_SIZE, lease: timedelta = LEASE,
            max_batches: int | None = None) -> int:
    """Fan out every due event; returns how many notifications were written.

    ``max_batches`` stops early (the tests use it to stand for a crash between batches).
    """
    written = batches = 0
    while max_batches is None or batches < max_batches:
        event = claim_event(now, lease)
        if event is None:
            break
        while max_batches is None or batches < max_batches:
            count, done = fan_out_batch(event, now, batch_size, lease)
            written += count
            batches += 1
            if done:
                break
    return written


def fan_out_batch(event: NotificationEvent, now: datetime, batch_size: int, lease: timedelta = LEASE) -> tuple[int, bool]:
    """One batch of ``event``'s recipients, committed with the cursor; (written, finished)."""
    later = published_later(event, now)
    if later is not None:  # rescheduled after the event was written: wait for the new time
        event.not_before_dt, event.lease_until = later, None
        db.session.commit()
        return 0, True
    user_ids = next_batch(event, now, event.fanout_cursor, batch_size)
    if not user_ids:
        event.fanned_out_dt = now
        event.lease_until = None
        db.session.commit()
        log.info("event %s fanned out", event.id)
        return 0, True
    written = _write_batch(event, user_ids, now)
    event.fanout_cursor = user_ids[-1]
    event.lease_until = now + lease
    db.session.commit()
    return written, False


def _write_batch(event: NotificationEvent, user_ids: list[int], now: datetime) -> int:
    rows = [{"event_id": event.id, "user_id": uid, "category": event.category, "created_dt": now} for uid in user_ids]
    inserted = db.session.execute(
        insert(Notification).on_conflict_do_nothing(index_elements=["event_id", "user_id"])
        .returning(Notification.id, Notification.user_id),
        rows,
    ).all()
    if not inserted:
        return 0
    new_users = [uid for _, uid in inserted]
    prefs = _preferences(new_users)
    channels = _reachable_channels(new_users)
    planned: dict[str, list[tuple[int, int, schedule.Plan, NotificationPreferences]]] = defaultdict(list)
    for notification_id, user_id in inserted:
        for channel in channels.get(user_id, ()):
            plan = schedule.plan(prefs[user_id], event.category, channel, now, event.due_dt)
            if plan is not None:
                planned[channel].append((notification_id, user_id, plan, prefs[user_id]))
    links: dict[int, dict[str, int]] = defaultdict(dict)
    for channel, items in planned.items():
        _immediate(event, channel, [i for i in items if i[2].digest_slot_dt is None], now, links)
        _digests(event, channel, [i for i in items if i[2].digest_slot_dt is not None], now, links)
    if links:
        db.session.execute(update(Notification), [
            {"id": nid, **{f"{channel}_delivery_id": did for channel, did in by_channel.items()}}
            for nid, by_channel in links.items()])
    return len(inserted)


def _preferences(user_ids: list[int]) -> dict[int, NotificationPreferences]:
    stored = {p.user_id: p for p in db.session.scalars(
        select(NotificationPreferences).where(NotificationPreferences.user_id.in_(user_ids)))}
    return {uid: stored.get(uid) or preferences.defaults(uid) for uid in user_ids}


def _reachable_channels(user_ids: list[int]) -> dict[int, list[str]]:
    """EMAIL for an address no server refused; PUSH for a person with a subscribed device."""
    reachable: dict[int, list[str]] = defaultdict(list)
    mailable = db.session.scalars(
        select(User.id).outerjoin(EmailProblem, (EmailProblem.user_id == User.id) & (EmailProblem.address == User.email))
        .where(User.id.in_(user_ids), User.email.is_not(None), EmailProblem.id.is_(None)))
    for uid in mailable:
        reachable[uid].append(Channel.EMAIL)
    for uid in db.session.scalars(select(PushSubscription.user_id).where(PushSubscription.user_id.in_(user_ids)).distinct()):
        reachable[uid].append(Channel.PUSH)
    return reachable


def _immediate(event, channel: str, items, now: datetime, links) -> None:
    if not items:
        return
    ids = db.session.scalars(
        insert(Delivery).returning(Delivery.id, sort_by_parameter_order=True),
        [{"user_id": uid, "channel": channel, "due_dt": plan.send_dt, "created_dt": now,
          "is_urgent": event.category == Category.URGENT, "status": DeliveryStatus.PENDING, "attempts": 0}
         for _, uid, plan, _ in items],
    ).all()
    for (notification_id, *_), delivery_id in zip(items, ids, strict=True):
        links[notification_id][channel] = delivery_id


def _digests(event, channel: str, items, now: datetime, links) -> None:
    """Attach each item to its person's digest for its slot, or the next free slot."""
    pending = [(nid, uid, plan.digest_slot_dt, prefs) for nid, uid, plan, prefs in items]
    for _ in range(MAX_SLOT_TRIES):
        if not pending:
            return
        attached = attach_to_digests(channel, {(uid, slot) for _, uid, slot, _ in pending}, now)
        left = []
        for nid, uid, slot, prefs in pending:
            if (uid, slot) in attached:
                links[nid][channel] = attached[(uid, slot)]
            else:
                mode = prefs.mode(event.category, channel)
                left.append((nid, uid, schedule.next_digest_slot(prefs, mode, slot), prefs))
        pending = left
    for nid, uid, slot, _ in pending:  # never seen: every slot taken; send on its own then
        links[nid][channel] = db.session.scalar(insert(Delivery).values(
            user_id=uid, channel=channel, due_dt=slot, created_dt=now, status=DeliveryStatus.PENDING,
            attempts=0, is_urgent=False).returning(Delivery.id))


def attach_to_digests(channel: str, slots: set[tuple[int, datetime]], now: datetime) -> dict[tuple[int, datetime], int]:
    """{(user id, slot): delivery id} of the digests that may still take an item.

    Creates the missing ones (ON CONFLICT DO NOTHING), then a guarded UPDATE keeps only those
    still pending with no lease: one a worker holds may be sending already. The UPDATE locks
    the rows until the batch commits, so a worker cannot claim a digest half-filled.
    """
    if not slots:
        return {}
    db.session.execute(
        insert(Delivery).on_conflict_do_nothing(index_elements=["user_id", "channel", "digest_slot_dt"]),
        [{"user_id": uid, "channel": channel, "digest_slot_dt": slot, "due_dt": slot, "created_dt": now,
          "status": DeliveryStatus.PENDING, "attempts": 0, "is_urgent": False} for uid, slot in sorted(slots)],
    )
    found: dict[tuple[int, datetime], int] = {}
    keys = sorted(slots)
    for start in range(0, len(keys), 200):
        chunk = keys[start:start + 200]
        rows = db.session.execute(
            update(Delivery)
            .where(Delivery.channel == channel, Delivery.status == DeliveryStatus.PENDING,
                   Delivery.lease_until.is_(None),
                   tuple_(Delivery.user_id, Delivery.digest_slot_dt).in_(chunk))
            .values(due_dt=Delivery.due_dt)
            .returning(Delivery.id, Delivery.user_id, Delivery.digest_slot_dt)
            .execution_options(synchronize_session=False)
        ).all()
        found.update({(uid, slot): did for did, uid, slot in rows})
    return found
