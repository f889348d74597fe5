"""The rules an activity keeps (manage.check) and what saving writes (manage.save), called directly."""
from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select
from flask_babel import force_locale

from ent_lite.activities import allocation, manage
from ent_lite.activities.manage import SessionInput
from ent_lite.activities.models import Activity, Attendance, Registration, RegistrationStatus
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import local_to_utc
from ent_lite.extensions import db
from tests.activities.factories import make_activity, make_campaign
from tests.activities.manage_data import first_day, valid_input



@pytest.fixture(autouse=True)
def english_messages(app, db):
    """The messages are compared in English, the source language."""
    with app.test_request_context(), force_locale("en"):
        yield

def test_a_valid_activity_is_saved_with_its_sessions_prices_and_school_year(aw):
    now = utcnow()
    data = valid_input(aw, now)
    assert manage.check(data, aw.world.city_agent, now) == {}
    activity = manage.save(None, data, aw.world.city_agent, now)
    db.session.commit()
    day = first_day(now)
    assert [s.starts_dt for s in activity.sessions] == [local_to_utc(day, time(14)),
                                                        local_to_utc(day + timedelta(days=7), time(14))]
    assert activity.first_day == day
    assert activity.last_session_dt == local_to_utc(day + timedelta(days=7), time(16))
    assert activity.school_year == f"{day.year if day.month >= 9 else day.year - 1}-" \
                                   f"{(day.year if day.month >= 9 else day.year - 1) + 1}"
    assert sorted(p.amount_cents for p in activity.prices) == [0, 500, 1000]
    assert activity.levels == "CP,CE1" and activity.published_dt is None
    assert activity.establishment_id == aw.service.id and activity.author_id == aw.world.city_agent.id


@pytest.mark.parametrize("changes, key", [
    ({"sessions": [SessionInput(None, None, None)]}, "sessions"),
    ({"sessions": []}, "sessions"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": None}, "capacity"),
    ({"min_age": 9, "max_age": 7}, "max_age"),
    ({"title": "  "}, "title"),
    ({"category": "casino"}, "category"),
    ({"offer_hours": 0}, "offer_hours"),
    ({"levels": ["6e"]}, "levels"),
    ({"mode": "lottery"}, "campaign"),
    ({"mode": "lottery", "campaign_unknown": True}, "campaign"),
    ({"opens_dt": None}, "opens"),
])
def test_each_impossible_activity_is_refused_on_its_field(aw, changes, key):
    now = utcnow()
    problems = manage.check(valid_input(aw, now, **changes), aw.world.city_agent, now)
    assert key in problems
    assert len(problems) == 1


def test_a_session_ending_before_it_starts_or_without_time_is_refused_on_its_row(aw):
    now = utcnow()
    day = first_day(now)
    data = valid_input(aw, now, sessions=[SessionInput(day, time(14), time(16)), SessionInput(day, time(16), time(14)),
                                          SessionInput(day, None, time(10)), SessionInput(None, time(9), time(10))])
    problems = manage.check(data, aw.world.city_agent, now)
    assert set(problems) == {("session", 1), ("session", 2), ("session", 3)}
    assert problems[("session", 1)] == "The session must end after it starts."
    # Equal start and end is no session either.
    equal = valid_input(aw, now, sessions=[SessionInput(day, time(14), time(14))])
    assert ("session", 0) in manage.check(equal, aw.world.city_agent, now)


def test_the_window_must_close_after_it_opens(aw):
    now = utcnow()
    data = valid_input(aw, now, closes_dt=now - timedelta(days=1))
    assert manage.check(data, aw.world.city_agent, now) == {"closes": "Registrations must close after they open."}
    same = valid_input(aw, now, opens_dt=now, closes_dt=now)
    assert "closes" in manage.check(same, aw.world.city_agent, now)


def test_the_cancellation_deadline_may_be_the_first_session_start_but_not_later(aw):
    now = utcnow()
    start = local_to_utc(first_day(now), time(14))
    assert manage.check(valid_input(aw, now, cancel_until_dt=start), aw.world.city_agent, now) == {}
    late = valid_input(aw, now, cancel_until_dt=start + timedelta(seconds=1))
    assert set(manage.check(late, aw.world.city_agent, now)) == {"cancel_until"}


def test_every_bracket_needs_a_price_and_none_is_negative(aw):
    now = utcnow()
    a, b, c = aw.brackets
    data = valid_input(aw, now, prices={a.id: 0, b.id: -100})
    problems = manage.check(data, aw.world.city_agent, now)
    assert problems == {("price", b.id): "A price cannot be negative.",
                        ("price", c.id): "Give the price for bracket C (0 if free)."}


def test_a_lottery_joins_one_of_the_authors_campaigns_and_uses_its_window(aw):
    now = utcnow()
    campaign = make_campaign(aw, now=now)
    data = valid_input(aw, now, mode="lottery", campaign_id=campaign.id, opens_dt=None, closes_dt=None)
    assert manage.check(data, aw.world.city_agent, now) == {}
    activity = manage.save(None, data, aw.world.city_agent, now)
    assert activity.campaign_id == campaign.id and activity.opens_dt is None
    assert activity.window() == (campaign.opens_dt, campaign.closes_dt)


def test_nobody_organises_for_an_establishment_they_do_not_manage(aw):
    now = utcnow()
    site = valid_input(aw, now, establishment_id=aw.site.id)
    assert set(manage.check(site, aw.world.city_agent, now)) == {"organiser"}
    assert manage.check(site, aw.world.animator, now) == {}
    # The second city's agent cannot organise for this city's service.
    far = valid_input(aw, now)
    assert "organiser" in manage.check(far, aw.world.far.city_agent, now)


def test_capacity_cannot_go_below_the_places_taken(aw):
    now = utcnow()
    activity = make_activity(aw, capacity=5, now=now)
    db.session.execute(Activity.__table__.update().values(places_taken=4))
    db.session.commit()
    data = valid_input(aw, now, capacity=3)
    assert manage.check(data, aw.world.city_agent, now, activity) == {
        "capacity": "4 places are already taken: the capacity cannot be lower."}
    assert manage.check(valid_input(aw, now, capacity=4), aw.world.city_agent, now, activity) == {}


def test_the_capacity_update_is_conditional_so_places_taken_meanwhile_win(aw):
    now = utcnow()
    activity = make_activity(aw, capacity=5, now=now)
    data = valid_input(aw, now, capacity=3)
    assert manage.check(data, aw.world.city_agent, now, activity) == {}
    # Between the check and the save, four families took places.
    db.session.execute(Activity.__table__.update().values(places_taken=4))
    with pytest.raises(manage.CapacityTaken):
        manage.save(activity, data, aw.world.city_agent, now)
    db.session.rollback()
    assert db.session.get(Activity, activity.id).capacity == 5


def test_raising_the_capacity_offers_the_new_place_to_the_waiting_list(aw):
    now = utcnow()
    activity = make_activity(aw, capacity=1, now=now)
    assert allocation.take_place(activity.id)
    waiting = Registration(activity_id=activity.id, child_id=aw.world.child_a.id, guardian_id=aw.world.parent_a.id,
                           status=RegistrationStatus.WAITING, queue_rank=1)
    db.session.add(waiting)
    db.session.commit()
    manage.save(activity, valid_input(aw, now, capacity=2), aw.world.city_agent, now)
    db.session.commit()
    assert db.session.get(Activity, activity.id).capacity == 2
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.OFFERED


def test_the_mode_does_not_change_once_families_registered(aw):
    now = utcnow()
    activity = make_activity(aw, now=now)
    db.session.add(Registration(activity_id=activity.id, child_id=aw.world.child_a.id,
                                status=RegistrationStatus.CONFIRMED))
    db.session.commit()
    campaign = make_campaign(aw, now=now)
    data = valid_input(aw, now, mode="lottery", campaign_id=campaign.id)
    assert set(manage.check(data, aw.world.city_agent, now, activity)) == {"mode"}


def test_editing_sessions_keeps_the_rows_that_only_moved(aw):
    now = utcnow()
    activity = make_activity(aw, now=now, sessions=2)
    kept_ids = [s.id for s in activity.sessions]
    registration = Registration(activity_id=activity.id, child_id=aw.world.child_a.id, status=RegistrationStatus.CONFIRMED)
    db.session.add(registration)
    db.session.flush()
    for session in activity.sessions:  # attendance taken at both sessions
        db.session.add(Attendance(session_id=session.id, registration_id=registration.id, present=True))
    db.session.commit()
    day = first_day(now)
    data = valid_input(aw, now, sessions=[SessionInput(day, time(9), time(11))])
    manage.save(activity, data, aw.world.city_agent, now)
    db.session.commit()
    assert [s.id for s in activity.sessions] == kept_ids[:1]
    assert activity.last_session_dt == local_to_utc(day, time(11))
    # The removed session's attendance is gone with it (it would count in the indicator).
    assert db.session.scalars(select(Attendance.session_id)).all() == kept_ids[:1]


def test_the_organisers_categories_and_age_bound_are_the_catalogues():
    """One list of category words and one age bound: the organiser's form offers what the
    catalogue's filter accepts and names."""
    from ent_lite.activities import describe, eligibility, forms_manage, forms_public

    assert forms_manage.CATEGORY_LABELS is describe.CATEGORY_LABELS
    assert forms_manage.MAX_AGE == forms_public.MAX_AGE == eligibility.MAX_AGE
