"""A group's page, called directly: the schools and class a keeper picks from, a forged school,
the children ticked against the class's list, and taking one child out."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.periscolaire import group_page
from ent_lite.school.models import Enrolment


@pytest.fixture(autouse=True)
def in_english(db):
    with force_locale("en"):
        yield


def in_group(group) -> set[int]:
    return set(db.session.scalars(select(Enrolment.child_id).where(Enrolment.group_id == group.id)))


def test_the_lead_picks_a_class_of_the_sites_district_and_sees_who_is_not_in_the_group(life):
    world = life.world
    page = group_page.group_page(life.lead, life.wednesday, world.school.public_id, world.class_a.public_id)
    assert page.may_edit and page.schools == [world.school]
    assert page.class_ == world.class_a and world.class_a in page.classes()
    assert world.child_a in page.addable  # child_b is in the group already, and in class B


def test_an_animator_reads_the_group_without_anything_to_pick(life):
    page = group_page.group_page(life.world.animator, life.evening, life.world.school.public_id, "")
    assert not page.may_edit and page.schools == [] and page.school is None and page.classes() == []


@pytest.mark.parametrize("where", ["other_district", "second_city"])
def test_a_school_the_keeper_may_not_pick_from_is_forged(life, where):
    school = life.world.other_school if where == "other_district" else life.world.far.school
    with pytest.raises(group_page.ForgedSchool):
        group_page.group_page(life.lead, life.wednesday, school.public_id, "")


def test_a_class_of_another_school_is_not_chosen(life):
    world = life.world
    page = group_page.group_page(world.admin, life.wednesday, world.school.public_id, world.other_class.public_id)
    assert page.school == world.school and page.class_ is None and page.addable == []


def test_the_children_ticked_must_all_be_on_the_class_list(life):
    world = life.world
    page = group_page.group_page(life.lead, life.wednesday, world.school.public_id, world.class_a.public_id)
    assert group_page.pick_children(page, []) == ([], "Tick at least one child of the list.")
    assert group_page.pick_children(page, [world.child_a.public_id, world.other_child.public_id]) == \
        ([], "Choose children from the list.")
    assert group_page.pick_children(page, [world.child_a.public_id, world.child_a.public_id]) == \
        ([world.child_a], None)


def test_a_child_is_taken_out_once_and_an_unknown_one_not_at_all(life):
    world = life.world
    assert group_page.unenrol_child(life.lead, life.evening, world.child_a.public_id, utcnow()) == world.child_a
    assert world.child_a.id not in in_group(life.evening)
    assert group_page.unenrol_child(life.lead, life.evening, world.child_a.public_id, utcnow()) is None
    assert group_page.unenrol_child(life.lead, life.evening, "nobody", utcnow()) is None
