"""The school staff rules (ent_lite/rules/staff.py): codes and staff invitations."""
from __future__ import annotations

import pytest

from ent_lite import rules
from ent_lite.accounts.models import Role
from ent_lite.extensions import db

from tests import factories


def names(query) -> list[str]:
    return sorted(e.name for e in db.session.scalars(query))


def test_a_director_runs_the_schools_of_their_whole_school_memberships(world):
    assert rules.directed_school_ids(world.director) == {world.school.id}
    assert rules.directed_school_ids(world.teacher_a) == frozenset()
    assert rules.directed_school_ids(world.admin) == frozenset()


@pytest.mark.parametrize("who, schools", [
    ("director", ["École Jules Ferry"]),
    ("admin", ["École Jules Ferry", "École Louise Michel"]),
    ("teacher_a", []), ("parent_a", []), ("city_agent", []), ("dpo", []),
])
def test_visible_code_schools(world, who, schools):
    assert names(rules.visible_code_schools(getattr(world, who))) == schools


def test_a_director_sees_the_codes_of_their_classes_only(world):
    assert rules.can_see_codes(world.director, world.class_a)
    assert not rules.can_see_codes(world.director, world.other_class)
    assert not rules.can_see_codes(world.teacher_a, world.class_a)
    assert rules.can_see_codes(world.admin, world.other_class)


def test_codes_are_for_classes_only(world):
    team = factories.make_class(world.school, "Équipe")
    team.kind = "team"
    assert not rules.can_see_codes(world.admin, team) and not rules.can_see_codes(world.director, team)


def test_code_children_are_the_current_pupils_of_a_class_the_user_may_print(world):
    assert list(db.session.scalars(rules.code_children(world.director, world.class_a))) == [world.child_a]
    assert list(db.session.scalars(rules.code_children(world.admin, world.other_class))) == [world.other_child]
    assert list(db.session.scalars(rules.code_children(world.teacher_a, world.class_a))) == []
    assert list(db.session.scalars(rules.code_children(world.director, world.other_class))) == []


@pytest.mark.parametrize("who, roles", [
    ("admin", Role.STAFF),
    ("director", (Role.TEACHER, Role.DIRECTOR, Role.ANIMATOR)),
    ("teacher_a", ()), ("parent_a", ()), ("city_agent", ()), ("dpo", ()),
])
def test_invitable_roles(world, who, roles):
    assert rules.invitable_roles(getattr(world, who)) == tuple(roles)


@pytest.mark.parametrize("who, establishments", [
    ("admin", ["École Jules Ferry", "École Louise Michel"]),
    ("director", ["École Jules Ferry"]),
    ("teacher_a", []), ("city_agent", []),
])
def test_invite_establishments(world, who, establishments):
    assert names(rules.invite_establishments(getattr(world, who))) == establishments
