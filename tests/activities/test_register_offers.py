"""The waiting list: cancellation frees a place, the next child gets an offer held 48 hours to
the exact instant, accepts or declines, and an offer not answered passes to the next."""
from datetime import timedelta

from sqlalchemy import select

from ent_lite.activities import allocation, registration
from ent_lite.activities.models import Campaign, Registration, RegistrationStatus
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications.models import EventKind, NotificationEvent
from ent_lite.notifications.worker import ROUND_JOBS, run_jobs
from tests import factories
from tests.activities.factories import make_activity

S = RegistrationStatus


def register(activity, child, guardian, now):
    outcome, = registration.register(guardian, activity, [child], activity.prices[0].bracket, 0, {}, now)
    db.session.commit()
    return outcome.registration


def third_family(aw):
    parent = factories.make_user(aw.world.city, "guardian", "Zoé", "Martin")
    child = factories.make_child(aw.world.city, aw.world.class_a, "Lou", "Martin", guardians=(parent,))
    db.session.commit()
    return parent, child


def full_with_one_waiting(aw, now, capacity=1):
    """Capacity 1: child_a confirmed, child_b waiting."""
    activity = make_activity(aw, capacity=capacity, now=now)
    first = register(activity, aw.world.child_a, aw.world.parent_a, now)
    waiting = register(activity, aw.world.child_b, aw.world.parent_b, now)
    return activity, first, waiting


def events_about(registration_row):
    return db.session.scalars(select(NotificationEvent).where(
        NotificationEvent.registration_id == registration_row.id, NotificationEvent.kind == EventKind.ACTIVITY)).all()


def test_beyond_capacity_the_child_waits_with_a_position(aw):
    now = utcnow()
    activity, first, waiting = full_with_one_waiting(aw, now)
    parent, child = third_family(aw)
    last = register(activity, child, parent, now)
    assert (first.status, waiting.status, last.status) == (S.CONFIRMED, S.WAITING, S.WAITING)
    assert allocation.waiting_position(waiting) == 1 and allocation.waiting_position(last) == 2
    db.session.refresh(activity)
    assert activity.places_taken == 1


def test_a_cancellation_offers_the_place_for_48_hours(aw):
    now = utcnow()
    activity, first, waiting = full_with_one_waiting(aw, now)
    later = now + timedelta(hours=1)
    assert allocation.cancel(first, aw.world.parent_a, later)
    db.session.commit()
    db.session.refresh(waiting)
    assert first.status == S.CANCELLED
    assert waiting.status == S.OFFERED and waiting.offer_expires_dt == later + timedelta(hours=48)
    db.session.refresh(activity)
    assert activity.places_taken == 1  # held for the offer
    assert len(events_about(waiting)) == 2 and len(events_about(first)) == 2  # registered, then changed


def test_an_offer_is_accepted_until_its_last_instant_and_expires_at_it(aw):
    now = utcnow()
    activity, first, waiting = full_with_one_waiting(aw, now)
    allocation.cancel(first, aw.world.parent_a, now)
    db.session.commit()
    deadline = waiting.offer_expires_dt
    assert allocation.expire_offers(deadline - timedelta(seconds=1)) == 0
    assert not allocation.accept_offer(waiting, aw.world.parent_b, deadline)
    assert allocation.accept_offer(waiting, aw.world.parent_b, deadline - timedelta(seconds=1))
    db.session.commit()
    assert waiting.status == S.CONFIRMED and waiting.offer_expires_dt is None


def test_an_expired_offer_passes_to_the_next_child(aw):
    now = utcnow()
    activity, first, waiting = full_with_one_waiting(aw, now)
    parent, child = third_family(aw)
    last = register(activity, child, parent, now)
    allocation.cancel(first, aw.world.parent_a, now)
    db.session.commit()
    deadline = waiting.offer_expires_dt
    assert allocation.expire_offers(deadline) == 1
    db.session.commit()
    assert allocation.expire_offers(deadline) == 0  # safe to run twice
    db.session.refresh(waiting)
    db.session.refresh(last)
    assert waiting.status == S.EXPIRED
    assert last.status == S.OFFERED and last.offer_expires_dt == deadline + timedelta(hours=48)
    db.session.refresh(activity)
    assert activity.places_taken == 1


def test_a_declined_offer_passes_to_the_next_and_an_empty_list_frees_the_place(aw):
    now = utcnow()
    activity, first, waiting = full_with_one_waiting(aw, now)
    allocation.cancel(first, aw.world.parent_a, now)
    assert allocation.decline_offer(waiting, aw.world.parent_b, now)
    db.session.commit()
    assert waiting.status == S.DECLINED
    assert not allocation.decline_offer(waiting, aw.world.parent_b, now)  # a second click changes nothing
    db.session.refresh(activity)
    assert activity.places_taken == 0


def test_cancelling_a_place_after_the_deadline_is_refused(aw):
    now = utcnow()
    activity, first, waiting = full_with_one_waiting(aw, now)
    assert not allocation.cancel(first, aw.world.parent_a, activity.cancel_until_dt)
    assert allocation.cancel(first, aw.world.parent_a, activity.cancel_until_dt - timedelta(seconds=1))


def test_leaving_the_waiting_list_moves_the_next_up(aw):
    now = utcnow()
    activity, first, waiting = full_with_one_waiting(aw, now)
    parent, child = third_family(aw)
    last = register(activity, child, parent, now)
    assert allocation.cancel(waiting, aw.world.parent_b, activity.cancel_until_dt + timedelta(days=1))
    db.session.commit()
    assert allocation.waiting_position(last) == 1
    db.session.refresh(activity)
    assert activity.places_taken == 1


def test_the_organiser_removes_a_child_and_the_place_is_offered(aw):
    now = utcnow()
    activity, first, waiting = full_with_one_waiting(aw, now)
    assert allocation.remove(first, aw.world.city_agent, activity.cancel_until_dt + timedelta(days=1))
    db.session.commit()
    db.session.refresh(waiting)
    assert first.status == S.REMOVED and waiting.status == S.OFFERED
    event = events_about(first)[-1]
    assert event.actor_id == aw.world.city_agent.id


def test_a_raised_capacity_offers_as_many_places_as_it_adds(aw):
    now = utcnow()
    activity, first, waiting = full_with_one_waiting(aw, now)
    parent, child = third_family(aw)
    last = register(activity, child, parent, now)
    activity.capacity = 4
    db.session.commit()
    assert allocation.offer_free_places(activity.id, now) == 2
    db.session.commit()
    db.session.refresh(activity)
    assert {waiting.status, last.status} == {S.OFFERED} and activity.places_taken == 3


def test_accepting_a_stay_of_a_campaign_gives_up_the_child_s_other_stays(aw):
    now = utcnow()
    campaign = Campaign(city_id=aw.world.city.id, establishment_id=aw.service.id, slug="s", title="Séjours",
                        opens_dt=now - timedelta(days=9), closes_dt=now - timedelta(days=1), drawn_dt=now, seed="x")
    db.session.add(campaign)
    db.session.flush()
    sea = make_activity(aw, title="Mer", capacity=1)
    hills = make_activity(aw, title="Montagne", capacity=1)
    offered = Registration(activity_id=sea.id, child_id=aw.world.child_a.id, campaign_id=campaign.id, choice_rank=1,
                           status=S.OFFERED, offer_expires_dt=now + timedelta(hours=48))
    held = Registration(activity_id=hills.id, child_id=aw.world.child_a.id, campaign_id=campaign.id, choice_rank=2,
                        status=S.CONFIRMED)
    sea.places_taken = hills.places_taken = 1
    waiting = Registration(activity_id=hills.id, child_id=aw.world.child_b.id, status=S.WAITING, queue_rank=1)
    db.session.add_all([offered, held, waiting])
    db.session.commit()
    assert allocation.accept_offer(offered, aw.world.parent_a, now)
    db.session.commit()
    db.session.refresh(held)
    db.session.refresh(waiting)
    assert (offered.status, held.status, waiting.status) == (S.CONFIRMED, S.NOT_PLACED, S.OFFERED)


def test_the_worker_round_expires_offers(aw):
    now = utcnow()
    activity, first, waiting = full_with_one_waiting(aw, now)
    allocation.cancel(first, aw.world.parent_a, now)
    db.session.commit()
    assert any(name.endswith("allocation.expire_offers") for name in ROUND_JOBS)
    done = run_jobs(waiting.offer_expires_dt)
    assert done["ent_lite.activities.allocation.expire_offers"] == 1
    db.session.refresh(waiting)
    assert waiting.status == S.EXPIRED
