"""Who may register a child: authority, roster, window at its exact instants, profile, twice, clashes."""
from datetime import timedelta

import pytest
from flask_babel import force_locale

from ent_lite.activities import allocation, registration
from ent_lite.activities.models import AllocationMode, Registration, RegistrationStatus
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.models import GuardianLink
from tests.activities.factories import make_activity, make_campaign


@pytest.fixture(autouse=True)
def in_english(db):
    """The reasons read in the source language, whatever the catalogues say."""
    with force_locale("en"):
        yield


def registered(activity, child, guardian, now):
    outcome, = registration.register(guardian, activity, [child], activity.prices[0].bracket,
                                     activity.prices[0].amount_cents, {}, now)
    db.session.commit()
    return outcome.registration


def test_an_open_activity_accepts_the_child_of_a_guardian(aw):
    activity = make_activity(aw)
    assert registration.problems(aw.world.parent_a, aw.world.child_a, activity, utcnow()) == []


def test_the_window_opens_at_its_instant_and_closes_at_its_own(aw):
    now = utcnow().replace(microsecond=0)
    activity = make_activity(aw, now=now, opens=now + timedelta(hours=1), closes=now + timedelta(days=1))
    parent, child = aw.world.parent_a, aw.world.child_a
    assert registration.problems(parent, child, activity, activity.opens_dt - timedelta(seconds=1))
    assert registration.problems(parent, child, activity, activity.opens_dt) == []
    assert registration.problems(parent, child, activity, activity.closes_dt - timedelta(seconds=1)) == []
    assert registration.problems(parent, child, activity, activity.closes_dt)


def test_a_child_of_another_family_is_refused(aw):
    activity = make_activity(aw)
    assert registration.problems(aw.world.parent_b, aw.world.child_a, activity, utcnow())


def test_a_guardian_without_parental_authority_is_refused(aw):
    link = db.session.query(GuardianLink).filter_by(user_id=aw.world.parent_a2.id).one()
    link.legal_authority = False
    db.session.commit()
    assert registration.problems(aw.world.parent_a2, aw.world.child_a, make_activity(aw), utcnow())


def test_a_child_who_left_the_roster_is_refused(aw):
    aw.world.child_a.left_dt = utcnow()
    db.session.commit()
    assert registration.problems(aw.world.parent_a, aw.world.child_a, make_activity(aw), utcnow())


def test_unpublished_withdrawn_and_lottery_activities_are_refused(aw):
    now = utcnow()
    assert registration.problems(aw.world.parent_a, aw.world.child_a, make_activity(aw, published=False), now)
    withdrawn = make_activity(aw, title="Retiré")
    withdrawn.withdrawn_dt = now
    db.session.commit()
    assert registration.problems(aw.world.parent_a, aw.world.child_a, withdrawn, now)
    lottery = make_activity(aw, mode=AllocationMode.LOTTERY, campaign=make_campaign(aw))
    assert registration.problems(aw.world.parent_a, aw.world.child_a, lottery, now)


def test_an_ineligible_child_is_refused(aw):
    activity = make_activity(aw, levels="CM1,CM2")
    assert registration.problems(aw.world.parent_a, aw.world.child_a, activity, utcnow()) == [
        "This activity is not for this child's age or school level."]


def test_twice_is_refused_but_after_a_cancellation_the_row_is_reused(aw):
    now = utcnow()
    activity = make_activity(aw)
    first = registered(activity, aw.world.child_a, aw.world.parent_a, now)
    assert registration.problems(aw.world.parent_a2, aw.world.child_a, activity, now) == [
        "Already registered for this activity."]
    assert allocation.cancel(first, aw.world.parent_a, now)
    db.session.commit()
    again = registered(activity, aw.world.child_a, aw.world.parent_a2, now)
    assert again.id == first.id and again.status == RegistrationStatus.CONFIRMED
    assert db.session.query(Registration).count() == 1


def test_a_clashing_session_is_refused_and_a_cancelled_one_no_longer_clashes(aw):
    now = utcnow()
    start = (now + timedelta(days=10)).replace(hour=14, minute=0, second=0, microsecond=0)
    judo = make_activity(aw, first_session=start)
    chess = make_activity(aw, title="Échecs", first_session=start + timedelta(hours=1))
    after = make_activity(aw, title="Piscine", first_session=start + timedelta(hours=2))  # starts when judo ends
    held = registered(judo, aw.world.child_a, aw.world.parent_a, now)
    assert registration.problems(aw.world.parent_a, aw.world.child_a, chess, now) == [
        "This child already has an activity at the same time."]
    assert registration.problems(aw.world.parent_a, aw.world.child_a, after, now) == []
    assert registration.problems(aw.world.parent_b, aw.world.child_b, chess, now) == []
    allocation.cancel(held, aw.world.parent_a, now)
    db.session.commit()
    assert registration.problems(aw.world.parent_a, aw.world.child_a, chess, now) == []


def test_the_second_city_cannot_register_for_this_city(aw):
    far = aw.world.far
    assert registration.problems(far.parent, far.child, make_activity(aw), utcnow())


def test_register_refuses_everyone_when_one_child_is_refused(aw):
    now = utcnow()
    activity = make_activity(aw)
    try:
        registration.register(aw.world.parent_a, activity, [aw.world.child_a, aw.world.child_b],
                               aw.brackets[0], 0, {}, now)
    except registration.Refused as refused:
        assert [child for child, _ in refused.reasons] == [aw.world.child_b]
    else:
        raise AssertionError("child_b is not parent_a's")
    db.session.rollback()
    assert db.session.query(Registration).count() == 0


def test_a_lottery_request_can_be_cancelled_until_the_campaign_closes_not_after(aw):
    now = utcnow()
    campaign = make_campaign(aw, now=now)
    stay = make_activity(aw, campaign=campaign, mode="lottery", now=now)
    request = Registration(activity_id=stay.id, child_id=aw.world.child_a.id, campaign_id=campaign.id,
                           choice_rank=1, status=RegistrationStatus.REQUESTED, created_dt=now, updated_dt=now)
    db.session.add(request)
    db.session.commit()
    closes = campaign.closes_dt
    assert allocation.may_cancel(request, closes - timedelta(microseconds=1))
    assert not allocation.may_cancel(request, closes)  # the draw reads the requests from then on
    assert not allocation.cancel(request, aw.world.parent_a, closes)
    assert request.status == RegistrationStatus.REQUESTED
