"""The purge of activities data (PRIVACY.md "Default retention"): each category's boundary at the
exact instant, and an activity going with everything that refers to it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ent_lite.activities.models import (
    Activity,
    ActivitySession,
    Attendance,
    BracketDeclaration,
    Campaign,
    LotteryEntry,
    Registration,
    RegistrationNote,
)
from ent_lite.extensions import db
from ent_lite.notifications.models import NotificationEvent
from ent_lite.privacy import retention
from ent_lite.privacy.purge import PURGE_ORDER, purge_category
from tests.activities.factories import make_activity, make_campaign
from tests.activities.privacy_rows import enrol
from tests.privacy.conftest import utc

DAY = timedelta(days=1)
INSTANT = timedelta(microseconds=1)
LAST_SESSION = utc(2026, 6, 20, 16)  # school year 2025-2026, which ends on 1 September 2026


def exists(model, row_id) -> bool:
    db.session.expire_all()
    return db.session.get(model, row_id) is not None


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _summer_activity(aw, **options):
    w = aw.world
    activity = make_activity(aw, now=utc(2026, 5, 1), first_session=LAST_SESSION - timedelta(hours=2), **options)
    registration = enrol(activity, w.child_a, w.parent_a, utc(2026, 5, 2), note="Allergie aux arachides")
    db.session.add(Attendance(session_id=activity.sessions[0].id, registration_id=registration.id, present=True,
                              recorded_by_id=w.city_agent.id, recorded_dt=LAST_SESSION))
    db.session.commit()
    assert activity.last_session_dt == LAST_SESSION
    return activity, registration


def activity_registrations(aw):
    activity, _registration = _summer_activity(aw)
    due = utc(2026, 9, 1, 0) + 365 * DAY
    assert retention.deletion_dt("activity_registrations", activity.last_session_dt) == due
    return Activity, activity.id, due


def activity_health_notes(aw):
    _activity, registration = _summer_activity(aw)
    return RegistrationNote, registration.note.id, LAST_SESSION + 15 * DAY


def family_brackets(aw):
    declaration = BracketDeclaration(user_id=aw.world.parent_a.id, bracket_id=aw.brackets[0].id,
                                     school_year="2025-2026", declared_dt=utc(2025, 9, 10))
    db.session.add(declaration)
    db.session.commit()
    return BracketDeclaration, declaration.id, utc(2026, 9, 1, 0) + 365 * DAY


BUILDERS = [activity_registrations, activity_health_notes, family_brackets]


@pytest.mark.parametrize("build", BUILDERS, ids=[b.__name__ for b in BUILDERS])
def test_one_day_inside_retention_is_kept_one_day_past_is_purged(aw, build):
    model, row_id, due = build(aw)
    purge_category(build.__name__, due - DAY)
    assert exists(model, row_id)
    purge_category(build.__name__, due + DAY)
    assert not exists(model, row_id)


@pytest.mark.parametrize("build", BUILDERS, ids=[b.__name__ for b in BUILDERS])
def test_at_its_deletion_instant_an_item_is_kept_and_the_instant_after_it_is_purged(aw, build):
    model, row_id, due = build(aw)
    key = build.__name__
    assert purge_category(key, due, dry_run=True).rows == 0
    purge_category(key, due)
    assert exists(model, row_id)
    assert purge_category(key, due + INSTANT, dry_run=True).rows >= 1
    purge_category(key, due + INSTANT)
    assert not exists(model, row_id)


def test_the_note_goes_and_the_registration_stays(aw):
    _activity, registration = _summer_activity(aw)
    purge_category("activity_health_notes", LAST_SESSION + 16 * DAY)
    assert count(RegistrationNote) == 0
    assert exists(Registration, registration.id)
    assert count(Attendance) == 1


def test_an_activity_goes_with_its_sessions_prices_registrations_attendance_and_events(aw):
    activity, registration = _summer_activity(aw)
    db.session.add(NotificationEvent(kind="activity", category="todo", registration_id=registration.id,
                                     due_dt=LAST_SESSION, created_dt=LAST_SESSION, not_before_dt=LAST_SESSION))
    later = make_activity(aw, title="Voile", now=utc(2026, 9, 10), first_session=utc(2026, 10, 21, 14))
    db.session.commit()
    result = purge_category("activity_registrations", utc(2027, 9, 2))
    assert result.by_table["registration"] == 1 and result.by_table["activity_session"] == 1
    for model in (Registration, RegistrationNote, Attendance, NotificationEvent):
        assert count(model) == 0, model
    assert db.session.scalars(select(Activity.title)).all() == ["Voile"]
    assert count(ActivitySession) == 1 and exists(Activity, later.id)


def test_a_campaign_goes_with_its_tickets_once_its_activities_are_gone(aw):
    campaign = make_campaign(aw, now=utc(2026, 3, 1), opens=utc(2026, 3, 1), closes=utc(2026, 3, 20))
    stay = make_activity(aw, title="Séjour montagne", campaign=campaign, mode="lottery", now=utc(2026, 3, 1),
                         first_session=utc(2026, 7, 6, 9))
    db.session.add(LotteryEntry(campaign_id=campaign.id, child_id=aw.world.child_a.id, ticket="K7F3-2QX9"))
    db.session.commit()
    campaign_id, stay_id = campaign.id, stay.id
    purge_category("activity_registrations", utc(2027, 8, 31))
    assert exists(Campaign, campaign_id) and exists(Activity, stay_id)
    purge_category("activity_registrations", utc(2027, 9, 2))
    assert not exists(Activity, stay_id)
    assert not exists(Campaign, campaign_id)
    assert count(LotteryEntry) == 0


def test_a_campaign_with_an_activity_still_kept_stays(aw):
    campaign = make_campaign(aw, now=utc(2026, 3, 1), opens=utc(2026, 3, 1), closes=utc(2026, 3, 20))
    make_activity(aw, title="Séjour d'automne", campaign=campaign, mode="lottery", now=utc(2026, 3, 1),
                  first_session=utc(2026, 10, 20, 9))
    purge_category("activity_registrations", utc(2027, 9, 2))
    assert exists(Campaign, campaign.id)


def test_notes_are_purged_before_registrations():
    assert PURGE_ORDER.index("activity_health_notes") < PURGE_ORDER.index("activity_registrations")
    assert PURGE_ORDER.index("activity_registrations") < PURGE_ORDER.index("pupil_records")


def test_a_purged_activity_takes_its_photo_files_and_a_dry_run_keeps_them(aw, app):
    from ent_lite.files.storage import get_storage, new_key

    activity, _registration = _summer_activity(aw)
    storage = get_storage()
    keys = [new_key("jpg"), new_key("jpg")]
    activity.photo_key, activity.photo_thumb_key = keys
    for key in keys:
        storage.save(key, b"\xff\xd8 photo")
    db.session.commit()
    activity_id = activity.id
    dry = purge_category("activity_registrations", utc(2027, 9, 2), dry_run=True)
    assert dry.files == 2 and all(storage.exists(key) for key in keys)
    assert purge_category("activity_registrations", utc(2027, 9, 2)).files == 2
    assert not exists(Activity, activity_id)
    assert not any(storage.exists(key) for key in keys)
