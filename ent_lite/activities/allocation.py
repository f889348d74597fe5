"""Places: taken and freed atomically, so two families taking the last place cannot both win.

``Activity.places_taken`` counts the registrations holding a place (confirmed, or offered and
not yet answered). It only changes through the conditional UPDATEs below: on PostgreSQL the
UPDATE locks the activity's row and re-checks ``places_taken < capacity`` after any concurrent
one commits; on SQLite writes are serialised. Exactly one of two requests for the last place
gets rowcount 1.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from ent_lite.activities.models import Activity, Registration, RegistrationStatus
from ent_lite.extensions import db


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


# --- Minimal stand-ins written by the staff part (rosters, erasure) until H-register's branch
# --- merges: the coordinator keeps H-register's versions of these two functions.

def offer_free_places(activity_id: int, now: datetime) -> int:
    """Offer each free place to the next child on the waiting list; returns how many offers."""
    from datetime import timedelta

    from ent_lite.activities import notify

    activity = db.session.get(Activity, activity_id)
    offered = 0
    while activity is not None:
        registration = db.session.scalar(
            select(Registration).where(Registration.activity_id == activity_id,
                                       Registration.status == RegistrationStatus.WAITING)
            .order_by(Registration.queue_rank, Registration.id).limit(1))
        if registration is None or not take_place(activity_id):
            break
        registration.status = RegistrationStatus.OFFERED
        registration.offer_expires_dt = now + timedelta(hours=activity.offer_hours)
        registration.updated_dt = now
        db.session.flush()
        notify.status_changed(registration, now)
        offered += 1
    return offered


def remove(registration: Registration, actor, now: datetime) -> None:
    """The organiser removes a child: a place held is freed and offered to the next in line."""
    from ent_lite.activities import notify

    if registration.status not in RegistrationStatus.ACTIVE:
        return
    held = registration.status in RegistrationStatus.HOLDING
    registration.status = RegistrationStatus.REMOVED
    registration.queue_rank = None
    registration.offer_expires_dt = None
    registration.updated_dt = now
    db.session.flush()
    notify.status_changed(registration, now, actor_id=getattr(actor, "id", None))
    if held:
        release_place(registration.activity_id)
        offer_free_places(registration.activity_id, now)
