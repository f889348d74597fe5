"""The absence rules, asked directly: when the periscolaire still takes a notice for today (at
the exact instant, per site, across the clock change), and who among the staff sees a notice."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from ent_lite.absences import rules
from ent_lite.absences.models import AbsenceNotice
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind, PeriscolaireKind
from tests.city_life.factories import enrol, make_periscolaire_group

INSTANT = timedelta(microseconds=1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# Winter (UTC+1): 16 h in Paris is 15:00 UTC. 2027-03-28 is the spring change (UTC+2 from 2 h).
WINTER_DAY = date(2026, 12, 8)
WINTER_CUTOFF = utc(2026, 12, 8, 15)
SPRING_CHANGE = date(2027, 3, 28)
AUTUMN_CHANGE = date(2026, 10, 25)


def test_today_is_open_until_the_instant_before_the_cutoff(life):
    child = life.world.child_a
    assert rules.periscolaire_open(child, WINTER_DAY, WINTER_CUTOFF - INSTANT)
    assert not rules.periscolaire_open(child, WINTER_DAY, WINTER_CUTOFF)
    assert rules.closed_sites(child, WINTER_DAY, WINTER_CUTOFF) == [life.site]


def test_the_cutoff_is_local_time_on_both_clock_changes(life):
    child = life.world.child_a
    # After the spring change Paris is UTC+2: 16 h is 14:00 UTC.
    assert rules.periscolaire_open(child, SPRING_CHANGE, utc(2027, 3, 28, 14) - INSTANT)
    assert not rules.periscolaire_open(child, SPRING_CHANGE, utc(2027, 3, 28, 14))
    # After the autumn change Paris is UTC+1 again: 16 h is 15:00 UTC.
    assert rules.periscolaire_open(child, AUTUMN_CHANGE, utc(2026, 10, 25, 15) - INSTANT)
    assert not rules.periscolaire_open(child, AUTUMN_CHANGE, utc(2026, 10, 25, 15))


def test_a_site_with_its_own_cutoff(life):
    life.site.absence_cutoff = time(11, 30)
    db.session.commit()
    child = life.world.child_a
    assert rules.periscolaire_open(child, WINTER_DAY, utc(2026, 12, 8, 10, 30) - INSTANT)
    assert not rules.periscolaire_open(child, WINTER_DAY, utc(2026, 12, 8, 10, 30))


def test_a_later_day_is_always_open_and_a_past_day_never(life):
    child = life.world.child_a
    late = WINTER_CUTOFF + timedelta(hours=8)  # 23 h in Paris
    assert rules.periscolaire_open(child, WINTER_DAY + timedelta(days=1), late)
    assert not rules.periscolaire_open(child, WINTER_DAY - timedelta(days=1), utc(2026, 12, 8, 7))


def test_a_child_without_periscolaire_group_has_no_periscolaire_to_tell(life):
    assert not rules.periscolaire_open(life.world.other_child, WINTER_DAY + timedelta(days=3), WINTER_CUTOFF)


def test_several_sites_each_keep_their_own_cutoff(life):
    world = life.world
    other_site = Establishment(city=world.city, kind=EstablishmentKind.PERISCOLAIRE, name="Centre de loisirs Sud",
                               absence_cutoff=time(18, 0))
    db.session.add(other_site)
    db.session.flush()
    enrol(world.child_a, make_periscolaire_group(other_site, "Étude", PeriscolaireKind.EVENING))
    db.session.commit()
    # 16 h 30 in Paris: the Jules Ferry site is closed for today, the other is not.
    half_past_four = utc(2026, 12, 8, 15, 30)
    assert rules.closed_sites(world.child_a, WINTER_DAY, half_past_four) == [life.site]
    assert not rules.periscolaire_open(world.child_a, WINTER_DAY, half_past_four)
    assert rules.periscolaire_open(world.child_a, WINTER_DAY, WINTER_CUTOFF - INSTANT)


def test_the_school_takes_notices_from_today_on():
    morning = utc(2026, 12, 8, 6)
    assert rules.school_open(WINTER_DAY, morning) and rules.school_open(WINTER_DAY + timedelta(days=30), morning)
    assert not rules.school_open(WINTER_DAY - timedelta(days=1), morning)
    # 23:30 UTC on the 7th is already the 8th in Paris.
    assert not rules.school_open(date(2026, 12, 7), utc(2026, 12, 7, 23, 30))


def test_a_period_holds_at_most_31_days():
    assert not rules.period_too_long(WINTER_DAY, WINTER_DAY + timedelta(days=30))
    assert rules.period_too_long(WINTER_DAY, WINTER_DAY + timedelta(days=31))


# --- who sees what ---------------------------------------------------------------------------

def _notice(child, *, school=True, periscolaire=True, first=WINTER_DAY, last=WINTER_DAY):
    notice = AbsenceNotice(child_id=child.id, first_day=first, last_day=last, to_school=school,
                           to_periscolaire=periscolaire)
    db.session.add(notice)
    db.session.commit()
    return notice


def _seers(life, notice, day=WINTER_DAY) -> set[str]:
    world = life.world
    people = {"teacher_a": world.teacher_a, "teacher_b": world.teacher_b, "other_teacher": world.other_teacher,
              "director": world.director, "animator": world.animator, "lead": life.lead,
              "morning_animator": life.morning_animator, "city_agent": world.city_agent, "agent2": life.agent2,
              "admin": world.admin, "dpo": world.dpo, "parent_a": world.parent_a, "parent_b": world.parent_b,
              "far_teacher": world.far.teacher, "far_director": world.far.director}
    return {name for name, user in people.items()
            if db.session.scalar(rules.visible_notices(user, day).where(AbsenceNotice.id == notice.id)) is not None}


def test_a_school_notice_reaches_the_class_teacher_and_the_director_only(life):
    notice = _notice(life.world.child_a, periscolaire=False)
    assert _seers(life, notice) == {"teacher_a", "director"}


def test_a_periscolaire_notice_reaches_the_animators_of_the_childs_groups_and_the_site_lead(life):
    notice = _notice(life.world.child_a, school=False)
    assert _seers(life, notice) == {"animator", "lead", "morning_animator"}
    # Léo is in "Mercredi" only, which nobody animates in the test world: the lead sees his
    # notice on Wednesday, not on a Tuesday (tests/absences/test_kind_days.py).
    wednesday = _notice(life.world.child_b, school=False, last=WINTER_DAY + timedelta(days=1))
    assert _seers(life, wednesday) == set()
    assert _seers(life, wednesday, WINTER_DAY + timedelta(days=1)) == {"lead"}


def test_a_notice_is_listed_on_each_of_its_days_only(life):
    notice = _notice(life.world.child_a, first=WINTER_DAY, last=WINTER_DAY + timedelta(days=2))
    assert "teacher_a" in _seers(life, notice, WINTER_DAY + timedelta(days=2))
    assert _seers(life, notice, WINTER_DAY + timedelta(days=3)) == set()
    assert _seers(life, notice, WINTER_DAY - timedelta(days=1)) == set()


def test_a_child_who_left_is_no_longer_listed(life):
    notice = _notice(life.world.child_a)
    life.world.child_a.left_dt = utc(2026, 12, 1)
    db.session.commit()
    assert _seers(life, notice) == set()


def test_nobody_in_another_city_sees_a_notice(life):
    far = life.world.far
    notice = _notice(far.child)
    assert _seers(life, notice) == {"far_teacher", "far_director"}
    assert not rules.can_acknowledge(life.world.director, notice)


def test_acknowledging_follows_seeing_and_stops_once_cancelled(life):
    world = life.world
    notice = _notice(world.child_a, periscolaire=False)
    assert rules.can_acknowledge(world.teacher_a, notice) and rules.can_acknowledge(world.director, notice)
    assert not rules.can_acknowledge(world.animator, notice)
    assert not rules.can_acknowledge(world.teacher_b, notice)
    assert not rules.can_acknowledge(world.parent_a, notice)
    notice.cancelled_dt = utc(2026, 12, 8, 7)
    db.session.commit()
    assert not rules.can_acknowledge(world.teacher_a, notice)


def test_a_guardian_of_the_child_cancels_until_the_last_day_ends(life):
    world = life.world
    notice = _notice(world.child_a, last=WINTER_DAY + timedelta(days=1))
    end = utc(2026, 12, 9, 23)  # midnight in Paris, the 10th
    assert rules.can_cancel(world.parent_a2, notice, end - INSTANT)
    assert not rules.can_cancel(world.parent_a2, notice, end)
    assert not rules.can_cancel(world.parent_b, notice, utc(2026, 12, 8, 7))
    assert not rules.can_cancel(world.far.parent, notice, utc(2026, 12, 8, 7))


def test_any_linked_guardian_may_declare_even_without_legal_authority(life):
    world = life.world
    link = next(link for link in world.child_a.guardian_links if link.user_id == world.parent_a2.id)
    link.legal_authority = False
    db.session.commit()
    assert world.child_a in db.session.scalars(rules.family_children(world.parent_a2)).all()
    assert db.session.scalars(rules.family_children(world.parent_b)).all() == [world.child_b]
    assert db.session.scalars(rules.family_children(world.teacher_a)).all() == []
