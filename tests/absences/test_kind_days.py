"""A periscolaire absence notice reaches a group only on the days of its kind: the rule
(``periscolaire.kinds.kinds_on``) asked directly, then as the animators live it: today's list
and the "seen" button, for each kind on its days and off them; the holidays group follows the
city's public holiday calendar, or the days without school when the city has published none."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from ent_lite.absences import listing, rules
from ent_lite.absences.models import AbsenceNotice
from ent_lite.agenda.events import EventDetails, create_event
from ent_lite.agenda.models import EventCategory
from ent_lite.accounts.models import Role
from ent_lite.audience.keys import ALL_KEY
from ent_lite.extensions import db
from ent_lite.periscolaire.holidays import holiday_days, is_holiday
from ent_lite.periscolaire.kinds import kinds_on
from ent_lite.school.models import PeriscolaireKind as K
from tests import factories
from tests.city_life.factories import enrol, make_periscolaire_group

MONDAY, TUESDAY, WEDNESDAY = date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)
THURSDAY, FRIDAY, SATURDAY = date(2026, 12, 10), date(2026, 12, 11), date(2026, 12, 12)
# The city's Christmas holidays in the tests that publish them: 19 December to 3 January.
HOLIDAY_MONDAY, HOLIDAY_WEDNESDAY = date(2026, 12, 21), date(2026, 12, 23)
CREATED = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)


def publish_christmas_holidays(life, **changes):
    event = create_event(life.world.city_agent, EventDetails(
        "Vacances de Noël", date(2026, 12, 19), end_date=date(2027, 1, 3), category=EventCategory.HOLIDAY,
        is_public=True), [ALL_KEY], CREATED)
    for name, value in changes.items():
        setattr(event, name, value)
    db.session.commit()
    return event


def test_each_kind_has_its_weekdays():
    school_days = {MONDAY, TUESDAY, THURSDAY, FRIDAY}
    for day in (MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY):
        kinds = set(kinds_on(day, holiday=False))
        assert (K.MORNING in kinds) == (day != SATURDAY)
        assert (K.LUNCH in kinds) == (K.EVENING in kinds) == (day in school_days)
        assert (K.WEDNESDAY in kinds) == (day == WEDNESDAY)
        assert K.HOLIDAYS not in kinds  # a known calendar, not in the holidays


def test_the_holidays_group_follows_the_calendar_or_else_the_days_without_school():
    assert K.HOLIDAYS in kinds_on(HOLIDAY_MONDAY, holiday=True)
    assert K.HOLIDAYS not in kinds_on(MONDAY, holiday=False)
    # No calendar published: the days without school.
    assert K.HOLIDAYS in kinds_on(WEDNESDAY, holiday=None) and K.HOLIDAYS in kinds_on(SATURDAY, holiday=None)
    assert K.HOLIDAYS not in kinds_on(MONDAY, holiday=None) and K.HOLIDAYS not in kinds_on(FRIDAY, holiday=None)


def test_the_holiday_calendar_is_the_citys_public_holiday_events(life):
    city = life.world.city.id
    assert is_holiday(city, HOLIDAY_MONDAY) is None  # nothing published this school year
    event = publish_christmas_holidays(life)
    found = holiday_days(city, date(2026, 12, 18), date(2027, 1, 4))
    assert found[date(2026, 12, 18)] is False and found[date(2026, 12, 19)] is True
    assert found[date(2027, 1, 3)] is True and found[date(2027, 1, 4)] is False
    assert is_holiday(life.world.far.city.id, HOLIDAY_MONDAY) is None  # another city's calendar is its own
    event.cancelled_dt = CREATED
    db.session.commit()
    assert is_holiday(city, HOLIDAY_MONDAY) is None


def test_a_holiday_event_that_is_not_public_is_not_the_calendar(life):
    publish_christmas_holidays(life, is_public=False)
    assert is_holiday(life.world.city.id, HOLIDAY_MONDAY) is None


def _group_with_animator(life, kind):
    """A group of that kind at the site with its own animator, Awa in it (Awa is also in
    "Matin" and "Soir": the new animator sees only what reaches their group)."""
    group = make_periscolaire_group(life.site, f"Groupe {kind}", kind)
    animator = factories.make_user(life.world.city, Role.ANIMATOR, "Zoé", "Garnier")
    factories.add_membership(animator, life.site, group)
    enrol(life.world.child_a, group)
    db.session.commit()
    return animator


def _notice(child, first, last=None):
    notice = AbsenceNotice(child_id=child.id, first_day=first, last_day=last or first, to_school=False,
                           to_periscolaire=True)
    db.session.add(notice)
    db.session.commit()
    return notice


def _sees(user, notice, day) -> bool:
    return any(line.notice.id == notice.id for line in listing.staff_lines(user, day))


@pytest.mark.parametrize(("kind", "on_days", "off_days", "calendar"), [
    (K.MORNING, [MONDAY, WEDNESDAY, FRIDAY], [SATURDAY], False),
    (K.LUNCH, [MONDAY, THURSDAY], [WEDNESDAY, SATURDAY], False),
    (K.EVENING, [TUESDAY, FRIDAY], [WEDNESDAY, SATURDAY], False),
    (K.WEDNESDAY, [WEDNESDAY], [MONDAY, THURSDAY, SATURDAY], False),
    (K.HOLIDAYS, [HOLIDAY_MONDAY, HOLIDAY_WEDNESDAY], [MONDAY, WEDNESDAY], True),
    (K.HOLIDAYS, [WEDNESDAY, SATURDAY], [MONDAY, TUESDAY, THURSDAY, FRIDAY], False),
])
def test_each_kinds_animator_sees_and_acknowledges_on_its_days_only(life, kind, on_days, off_days, calendar):
    if calendar:
        publish_christmas_holidays(life)
    animator = _group_with_animator(life, kind)
    for day in on_days:
        notice = _notice(life.world.child_a, day)
        assert _sees(animator, notice, day) and rules.can_acknowledge(animator, notice), day
    for day in off_days:
        notice = _notice(life.world.child_a, day)
        assert not _sees(animator, notice, day) and not rules.can_acknowledge(animator, notice), day


def test_a_period_is_acknowledged_by_the_wednesday_group_and_listed_on_its_wednesday_only(life):
    animator = _group_with_animator(life, K.WEDNESDAY)
    notice = _notice(life.world.child_a, MONDAY, FRIDAY)
    assert [day for day in (MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY) if _sees(animator, notice, day)] \
        == [WEDNESDAY]
    assert rules.can_acknowledge(animator, notice)  # from Monday's list already: it is for Wednesday too
    monday_only = _notice(life.world.child_a, MONDAY, TUESDAY)
    assert not rules.can_acknowledge(animator, monday_only)


def test_the_site_lead_sees_a_child_through_the_groups_of_the_day_only(life):
    world = life.world
    wednesday_child = _notice(world.child_b, MONDAY, WEDNESDAY)  # Léo: "Mercredi" only
    assert not _sees(life.lead, wednesday_child, MONDAY) and _sees(life.lead, wednesday_child, WEDNESDAY)
    awa = _notice(world.child_a, MONDAY, WEDNESDAY)  # Awa: "Matin" and "Soir"
    (monday,) = [line for line in listing.staff_lines(life.lead, MONDAY) if line.notice.id == awa.id]
    (wednesday,) = [line for line in listing.staff_lines(life.lead, WEDNESDAY) if line.notice.id == awa.id]
    assert monday.groups == ["Matin", "Soir"] and wednesday.groups == ["Matin"]


def test_a_group_without_a_kind_yet_gets_every_days_notices_and_the_school_side_is_not_by_day(life):
    world = life.world
    life.evening.periscolaire_kind = None  # made before the kinds existed
    db.session.commit()
    for day in (WEDNESDAY, SATURDAY):
        notice = _notice(world.child_a, day)
        assert _sees(world.animator, notice, day) and rules.can_acknowledge(world.animator, notice)
    school = AbsenceNotice(child_id=world.child_a.id, first_day=SATURDAY, last_day=SATURDAY, to_school=True,
                           to_periscolaire=False)
    db.session.add(school)
    db.session.commit()
    assert _sees(world.teacher_a, school, SATURDAY) and rules.can_acknowledge(world.teacher_a, school)
