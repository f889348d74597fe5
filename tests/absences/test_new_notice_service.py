"""The new-notice form's services, called directly: what it offers a family, one notice per
child or none, and each refused child named in the form sent back."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from ent_lite.absences import listing, services
from ent_lite.absences.models import AbsenceNotice
from ent_lite.absences.services import AbsenceFields, Refused
from ent_lite.extensions import db
from tests import factories

DAY = date(2026, 12, 8)
MORNING = datetime(2026, 12, 8, 7, 12, tzinfo=timezone.utc)  # 8 h 12 in Paris


@pytest.fixture(autouse=True)
def in_english(db):
    with force_locale("en"):
        yield


@pytest.fixture
def tom(life):
    """child_a's brother, in no periscolaire group."""
    world = life.world
    child = factories.make_child(world.city, world.class_b, "Tom", "Diallo", guardians=(world.parent_a,))
    db.session.commit()
    return child


def notices() -> int:
    return db.session.scalar(select(func.count(AbsenceNotice.id)))


def test_the_form_offers_the_family_children_and_the_sites_of_those_in_a_group(life, tom):
    children, sites = listing.new_notice_choices(life.world.parent_a, MORNING)
    assert children == [life.world.child_a, tom]
    assert [name for name, _closes in sites[life.world.child_a.id]] == [life.site.name]
    assert tom.id not in sites


def test_two_children_get_one_notice_each(life, tom):
    done = services.declare_all(life.world.parent_a, [life.world.child_a, tom],
                                AbsenceFields(DAY, DAY, True, False), MORNING)
    db.session.commit()
    assert [notice.child_id for notice in done] == [life.world.child_a.id, tom.id] and notices() == 2


def test_one_refused_child_refuses_the_submission_and_is_named(life, tom):
    chosen = [life.world.child_a, tom]
    only_periscolaire = AbsenceFields(DAY, DAY, False, True)
    with pytest.raises(Refused) as refused:
        services.declare_all(life.world.parent_a, chosen, only_periscolaire, MORNING)
    db.session.rollback()
    assert notices() == 0
    (name, line), = services.refusal_lines(chosen, only_periscolaire, MORNING, refused.value)
    assert name == "to_school" and line.startswith("Tom: Tom has no periscolaire group")


def test_a_single_child_is_not_named_twice_and_a_stranger_gets_the_refusal_itself(life):
    world = life.world
    too_long = AbsenceFields(DAY, DAY, True, False, "x" * (services.REASON_MAX_LENGTH + 1))
    assert services.refusal_lines([world.child_a], too_long, MORNING, Refused([])) == [
        ("reason", "The reason is too long (500 characters at most).")]
    with pytest.raises(Refused) as refused:
        services.declare_all(world.parent_a, [world.other_child], AbsenceFields(DAY, DAY, True, False), MORNING)
    assert services.refusal_lines([world.other_child], AbsenceFields(DAY, DAY, True, False), MORNING,
                                  refused.value) == [("children", "This child is not among yours.")]
