"""Places: taken and freed atomically, so two families taking the last place cannot both win.

``Activity.places_taken`` counts the registrations holding a place (confirmed, or offered and
not yet answered). It only changes through the conditional UPDATEs below: on PostgreSQL the
UPDATE locks the activity's row and re-checks ``places_taken < capacity`` after any concurrent
one commits; on SQLite writes are serialised. Exactly one of two requests for the last place
gets rowcount 1.

A registration changes status the same way: an UPDATE that names the status it expects
(``_move``), so of two clicks, two tabs or two workers exactly one moves it, and the family
is told (``notify.status_changed``) in that same transaction. When a place frees (a
cancellation before the deadline, a removal, a declined or expired offer, a raised capacity)
``offer_free_places`` offers it to the waiting list in order: the first child waiting gets an
offer held ``activity.offer_hours`` hours; an offer expires at ``offer_expires_dt`` exactly
(``expire_offers``, a worker job). Every function takes ``now``; none sleeps or commits.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ent_lite.activities import notify
from ent_lite.activities.models import Activity, Campaign, Registration, RegistrationStatus
from ent_lite.extensions import db
from ent_lite.notifications import worker

S = RegistrationStatus


def take_place(activity_id: int) -> bool:
    """Take one place if one is free; True when taken (the caller's transaction holds it)."""
    result = db.session.execute(
        update(Activity).where(Activity.id == activity_id, Activity.places_taken < Activity.capacity)
        .values(places_taken=Activity.places_taken + 1).execution_options(synchronize_session=False))
    return result.rowcount == 1


def release_place(activity_id: int) -> None:
    db.session.execute(
        update(Activity).where(Activity.id == activity_id, Activity.places_taken > 0)
        .values(places_taken=Activity.places_taken - 1).execution_options(synchronize_session=False))


def next_queue_rank(activity_id: int) -> int:
    """The rank after the last one on the waiting list (ties from a race are ordered by id)."""
    last = db.session.scalar(select(func.max(Registration.queue_rank)).where(Registration.activity_id == activity_id))
    return (last or 0) + 1


def place_first_come(registration: Registration, now: datetime) -> str:
    """Confirm within capacity, else put on the waiting list; returns the new status."""
    if take_place(registration.activity_id):
        registration.status = RegistrationStatus.CONFIRMED
        registration.queue_rank = None
    else:
        registration.status = RegistrationStatus.WAITING
        registration.queue_rank = next_queue_rank(registration.activity_id)
    registration.updated_dt = now
    return registration.status


def waiting_position(registration: Registration) -> int | None:
    """1 for the first child waiting; None when not waiting. Ties of rank go by id."""
    if registration.status != S.WAITING:
        return None
    ahead = db.session.scalar(select(func.count(Registration.id)).where(
        Registration.activity_id == registration.activity_id, Registration.status == S.WAITING,
        (Registration.queue_rank < registration.queue_rank)
        | ((Registration.queue_rank == registration.queue_rank) & (Registration.id < registration.id))))
    return ahead + 1


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _move(registration: Registration, expected: tuple[str, ...], now: datetime, actor_id: int | None,
          **values) -> bool:
    """Move the registration out of one of ``expected`` statuses; False when another request
    moved it first. The family is told in the same transaction."""
    moved = db.session.execute(
        update(Registration).where(Registration.id == registration.id, Registration.status.in_(expected))
        .values(updated_dt=now, **values).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        db.session.refresh(registration)
        return False
    db.session.refresh(registration)  # written already: the object follows without a second UPDATE
    notify.status_changed(registration, now, actor_id=actor_id)
    return True


def _leave(registration: Registration, expected: tuple[str, ...], status: str, now: datetime,
           actor_id: int | None, **values) -> bool:
    """Move to a final status; a place held is freed and offered to the next child waiting."""
    held = registration.status in S.HOLDING
    if not _move(registration, expected, now, actor_id, status=status, offer_expires_dt=None, **values):
        return False
    if held:
        release_place(registration.activity_id)
        offer_free_places(registration.activity_id, now)
    return True


def offer_free_places(activity_id: int, now: datetime) -> int:
    """While a place is free and a child waits: offer it to the first one; returns offers made.

    Also called when the organiser raises the capacity. On PostgreSQL the waiting row is taken
    FOR UPDATE SKIP LOCKED, so two transactions freeing places at once offer to two children.
    """
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        return 0
    hours = timedelta(hours=activity.offer_hours)
    offered = 0
    while True:
        query = (select(Registration).where(Registration.activity_id == activity_id, Registration.status == S.WAITING)
                 .order_by(Registration.queue_rank, Registration.id).limit(1))
        if _is_postgresql():
            query = query.with_for_update(skip_locked=True)
        candidate = db.session.scalar(query)
        if candidate is None or not take_place(activity_id):
            return offered
        if _move(candidate, (S.WAITING,), now, None, status=S.OFFERED, offer_expires_dt=now + hours):
            offered += 1
        else:  # taken by another request meanwhile (SQLite): give the place back, try the next
            release_place(activity_id)


def may_cancel(registration: Registration, now: datetime) -> bool:
    """A place is given back until the cancellation deadline; a waiting list is left at any
    time; a lottery request until its campaign closes (from then on the draw reads it)."""
    if registration.status == S.WAITING:
        return True
    if registration.status == S.REQUESTED:
        campaign = db.session.get(Campaign, registration.campaign_id) if registration.campaign_id else None
        return campaign is None or campaign.closes_dt is None or now < campaign.closes_dt
    if registration.status in S.HOLDING:
        deadline = registration.activity.cancel_until_dt
        return deadline is None or now < deadline
    return False


def cancel(registration: Registration, actor, now: datetime) -> bool:
    """The family cancels (a place before the deadline, a waiting list or request any time)."""
    if not may_cancel(registration, now):
        return False
    return _leave(registration, (registration.status,), S.CANCELLED, now, getattr(actor, "id", None))


def remove(registration: Registration, actor, now: datetime) -> bool:
    """The organiser removes the child, whatever the deadline; the place goes to the next."""
    if registration.status not in S.ACTIVE:
        return False
    return _leave(registration, (registration.status,), S.REMOVED, now, getattr(actor, "id", None))


def withdraw_all(activity: Activity, now: datetime, actor) -> int:
    """The activity is withdrawn: every registration still active is REMOVED and its family
    told; held places are given back, never offered (nobody may take one any more).

    The waiting list and lottery requests go first, then the held places, so no place freed
    here reaches a child still waiting. Returns the registrations removed.
    """
    actor_id = getattr(actor, "id", None)
    removed = 0
    for statuses in ((S.WAITING, S.REQUESTED), S.HOLDING):
        rows = db.session.scalars(select(Registration).where(
            Registration.activity_id == activity.id, Registration.status.in_(statuses)).order_by(Registration.id))
        for registration in list(rows):
            # Expecting the group, not the status read: an offer accepted meanwhile is removed too.
            if _move(registration, statuses, now, actor_id, status=S.REMOVED, offer_expires_dt=None):
                removed += 1
                if statuses is S.HOLDING:
                    release_place(activity.id)
    return removed


def offer_is_open(registration: Registration, now: datetime) -> bool:
    """Offered, not expired, and the activity not withdrawn (no place may be taken there)."""
    return registration.status == S.OFFERED and registration.offer_expires_dt is not None \
        and now < registration.offer_expires_dt and registration.activity.withdrawn_dt is None


def accept_offer(registration: Registration, actor, now: datetime) -> bool:
    """OFFERED, not expired, activity not withdrawn → CONFIRMED. In a campaign the child keeps one place: their
    other stays of the campaign become NOT_PLACED, freeing their places or queue."""
    if not offer_is_open(registration, now):
        return False
    actor_id = getattr(actor, "id", None)
    not_withdrawn = select(Activity.id).where(Activity.withdrawn_dt.is_(None))
    accepted = db.session.execute(
        update(Registration).where(Registration.id == registration.id, Registration.status == S.OFFERED,
                                   Registration.offer_expires_dt > now, Registration.activity_id.in_(not_withdrawn))
        .values(status=S.CONFIRMED, offer_expires_dt=None, updated_dt=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(registration)
    if accepted != 1:
        return False
    notify.status_changed(registration, now, actor_id=actor_id)
    if registration.campaign_id is not None:
        others = db.session.scalars(select(Registration).where(
            Registration.campaign_id == registration.campaign_id, Registration.child_id == registration.child_id,
            Registration.id != registration.id, Registration.status.in_(S.ACTIVE)).order_by(Registration.id))
        for other in list(others):
            _leave(other, (other.status,), S.NOT_PLACED, now, actor_id)
    return True


def decline_offer(registration: Registration, actor, now: datetime) -> bool:
    """The family declines the offer: the place goes to the next child waiting."""
    if registration.status != S.OFFERED:
        return False
    return _leave(registration, (S.OFFERED,), S.DECLINED, now, getattr(actor, "id", None))


@worker.round_job
def expire_offers(now: datetime) -> int:
    """Offers whose ``offer_expires_dt`` <= now expire and pass to the next child (worker job).

    Safe to run twice or in two workers at once: each offer moves once (``_move``), and on
    PostgreSQL a worker skips the offers another one is expiring.
    """
    query = (select(Registration).where(Registration.status == S.OFFERED, Registration.offer_expires_dt <= now)
             .order_by(Registration.offer_expires_dt, Registration.id))
    if _is_postgresql():
        query = query.with_for_update(skip_locked=True)
    expired = 0
    for registration in list(db.session.scalars(query)):
        if _leave(registration, (S.OFFERED,), S.EXPIRED, now, None):
            expired += 1
    return expired
