"""The core every activity feature builds on: eligibility by age and level, atomic places."""
from datetime import date

from ent_lite.activities import allocation, eligibility
from ent_lite.activities.models import Registration, RegistrationStatus
from ent_lite.extensions import db
from tests.activities.factories import make_activity


def test_age_counts_whole_years_on_the_day():
    assert eligibility.age_on(date(2019, 5, 4), date(2025, 5, 3)) == 5
    assert eligibility.age_on(date(2019, 5, 4), date(2025, 5, 4)) == 6


def test_a_6_to_11_activity_refuses_a_5_year_old(aw):
    activity = make_activity(aw, min_age=6, max_age=11)
    child = aw.world.child_a
    child.birth_date = date(activity.first_day.year - 5, activity.first_day.month, 1)
    assert child.birth_date <= activity.first_day
    assert not eligibility.profile_fits(activity, child)
    child.birth_date = date(activity.first_day.year - 7, 1, 1)
    assert eligibility.profile_fits(activity, child)


def test_levels_and_age_must_both_fit(aw):
    activity = make_activity(aw, levels="CE1,CE2")
    assert not eligibility.profile_fits(activity, aw.world.child_a)  # CP
    assert eligibility.profile_fits(activity, aw.world.child_b)      # CE1


def test_first_come_confirms_within_capacity_then_waits(aw):
    activity = make_activity(aw, capacity=1)
    statuses = []
    for child in (aw.world.child_a, aw.world.child_b):
        registration = Registration(activity_id=activity.id, child_id=child.id, status=RegistrationStatus.REQUESTED)
        db.session.add(registration)
        db.session.flush()
        statuses.append(allocation.place_first_come(registration, activity.created_dt))
    db.session.commit()
    db.session.refresh(activity)
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    assert activity.places_taken == 1
