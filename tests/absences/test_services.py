"""Declaring, acknowledging and cancelling notices through the services, with ``now`` given."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from ent_lite.absences import services
from ent_lite.absences.models import AbsenceNotice, AbsenceReason
from ent_lite.absences.services import AbsenceFields, Refused
from ent_lite.extensions import db

DAY = date(2026, 12, 8)
MORNING = datetime(2026, 12, 8, 7, 12, tzinfo=timezone.utc)  # 8 h 12 in Paris
AFTER_CUTOFF = datetime(2026, 12, 8, 15, tzinfo=timezone.utc)  # 16 h in Paris


def fields(first=DAY, last=None, school=True, periscolaire=False, reason=""):
    return AbsenceFields(first, last or first, school, periscolaire, reason)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_notice_with_its_reason_in_its_own_row(life):
    world = life.world
    notice = services.declare(world.parent_a, world.child_a, fields(periscolaire=True, reason="  Fièvre  "), MORNING)
    db.session.commit()
    assert (notice.first_day, notice.last_day, notice.to_school, notice.to_periscolaire) == (DAY, DAY, True, True)
    assert notice.author_id == world.parent_a.id and notice.reason.body == "Fièvre"
    assert services.declare(world.parent_a, world.child_a,
                            fields(school=False, periscolaire=True), MORNING).reason is None


def test_sending_the_same_notice_twice_keeps_one(life):
    world = life.world
    first = services.declare(world.parent_a, world.child_a, fields(), MORNING)
    again = services.declare(world.parent_a2, world.child_a, fields(), MORNING + timedelta(seconds=2))
    assert again is first and count(AbsenceNotice) == 1


def test_the_periscolaire_side_is_kept_only_for_a_child_with_a_periscolaire_group(life):
    world = life.world
    notice = services.declare(world.other_parent, world.other_child, fields(periscolaire=True), MORNING)
    assert notice.to_school and not notice.to_periscolaire
    with pytest.raises(Refused) as refused:
        services.declare(world.other_parent, world.other_child, fields(school=False, periscolaire=True), MORNING)
    assert refused.value.reasons[0][0] == "to_school" and "Inès" in refused.value.reasons[0][1]


def test_after_the_cutoff_today_the_family_is_told_to_phone_the_site(life):
    world = life.world
    with pytest.raises(Refused) as refused:
        services.declare(world.parent_a, world.child_a, fields(periscolaire=True), AFTER_CUTOFF)
    (where, message), = refused.value.reasons
    assert where == "to_periscolaire"
    assert "Accueil périscolaire Jules Ferry" in message and "16\u00a0h" in message
    assert count(AbsenceNotice) == 0
    # The school still takes it, and the periscolaire takes tomorrow.
    assert services.declare(world.parent_a, world.child_a, fields(), AFTER_CUTOFF).to_school
    assert services.declare(world.parent_a, world.child_a, fields(first=DAY + timedelta(days=1), periscolaire=True),
                            AFTER_CUTOFF).to_periscolaire


@pytest.mark.parametrize(("given", "where"), [
    (fields(first=DAY - timedelta(days=1)), "first_day"),
    (fields(first=DAY, last=DAY - timedelta(days=1)), "last_day"),
    (fields(first=DAY, last=DAY + timedelta(days=31)), "last_day"),
    (fields(school=False), "to_school"),
    (fields(reason="x" * 501), "reason"),
])
def test_what_cannot_be_sent_is_refused_and_nothing_is_written(life, given, where):
    world = life.world
    with pytest.raises(Refused) as refused:
        services.declare(world.parent_a, world.child_a, given, MORNING)
    assert [w for w, _ in refused.value.reasons] == [where]
    assert count(AbsenceNotice) == 0 and count(AbsenceReason) == 0


def test_a_guardian_declares_only_for_their_own_children(life):
    world = life.world
    with pytest.raises(Refused):
        services.declare(world.parent_b, world.child_a, fields(), MORNING)
    with pytest.raises(Refused):
        services.declare(world.far.parent, world.child_a, fields(), MORNING)
    assert count(AbsenceNotice) == 0


def test_each_side_acknowledges_once_and_the_first_mark_stays(life):
    world = life.world
    notice = services.declare(world.parent_a, world.child_a, fields(periscolaire=True), MORNING)
    assert services.acknowledge(notice, world.animator, MORNING + timedelta(minutes=5))
    assert not services.acknowledge(notice, life.lead, MORNING + timedelta(minutes=9))
    assert (notice.periscolaire_seen_by_id, notice.periscolaire_seen_dt) == (world.animator.id,
                                                                             MORNING + timedelta(minutes=5))
    assert notice.school_seen_dt is None
    assert services.acknowledge(notice, world.director, MORNING + timedelta(minutes=20))
    assert notice.school_seen_by_id == world.director.id
    with pytest.raises(ValueError):
        services.acknowledge(notice, world.city_agent, MORNING)


def test_cancelling_keeps_the_notice_struck_and_deletes_the_reason_at_once(life):
    world = life.world
    notice = services.declare(world.parent_a, world.child_a, fields(reason="Rendez-vous médical"), MORNING)
    db.session.commit()
    services.cancel(notice, world.parent_a2, MORNING + timedelta(hours=1))
    db.session.commit()
    assert notice.cancelled_dt == MORNING + timedelta(hours=1)
    assert count(AbsenceReason) == 0 and count(AbsenceNotice) == 1
    with pytest.raises(Refused):
        services.cancel(notice, world.parent_a, MORNING + timedelta(hours=2))


def test_a_notice_is_not_cancelled_once_its_last_day_is_over(life):
    world = life.world
    notice = services.declare(world.parent_a, world.child_a, fields(), MORNING)
    with pytest.raises(Refused):
        services.cancel(notice, world.parent_a, datetime(2026, 12, 8, 23, tzinfo=timezone.utc))
    assert notice.cancelled_dt is None


def test_a_periscolaire_notice_for_days_none_of_the_childs_groups_runs_is_refused(life):
    """Léo goes only to the Wednesday leisure centre: a notice to the periscolaire for Tuesday
    would reach nobody, so the family is told; Wednesday, or a period holding one, goes through."""
    world = life.world
    tuesday, wednesday = DAY, DAY + timedelta(days=1)
    with pytest.raises(Refused) as refused:
        services.declare(world.parent_b, world.child_b, fields(tuesday, school=True, periscolaire=True), MORNING)
    (where, message), = refused.value.reasons
    assert where == "to_periscolaire" and "Léo" in message and "d’autres jours" in message
    assert count(AbsenceNotice) == 0
    assert services.declare(world.parent_b, world.child_b, fields(wednesday, school=False, periscolaire=True),
                            MORNING).to_periscolaire
    assert services.declare(world.parent_b, world.child_b, fields(tuesday, wednesday, periscolaire=True),
                            MORNING).to_periscolaire
