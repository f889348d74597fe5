"""One short test per rule of ent_lite.rules, on the factories' world."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from ent_lite import rules
from ent_lite.audience import keys
from ent_lite.extensions import db
from ent_lite.posts import services
from ent_lite.core.db_types import utcnow
from tests.posts.helpers import add_city_service, add_periscolaire


def post_to(author, *targets):
    post = services.create_post(author, "T", "B", list(targets), utcnow())
    db.session.flush()
    return post


def target_keys(user) -> set:
    return {t.key for t in rules.postable_targets(user)}


def readable(user) -> set[str]:
    return {p.title for p in db.session.scalars(rules.visible_posts(user))}


def children(user) -> set[str]:
    return {c.first_name for c in db.session.scalars(rules.visible_children(user))}


@pytest.fixture
def posts(world):
    """One post per kind of author, titled after its audience."""
    made = {
        "class A": post_to(world.teacher_a, keys.group_key(world.class_a.id)),
        "class B": post_to(world.teacher_b, keys.group_key(world.class_b.id)),
        "school": post_to(world.director, keys.establishment_key(world.school.id)),
        "other school": post_to(world.other_teacher, keys.group_key(world.other_class.id)),
    }
    for title, post in made.items():
        post.title = title
    db.session.commit()
    return made


def test_teacher_targets_are_their_classes(world):
    assert target_keys(world.teacher_a) == {keys.group_key(world.class_a.id)}


def test_director_targets_are_the_school_and_its_classes(world):
    assert target_keys(world.director) == {keys.establishment_key(world.school.id),
                                           keys.group_key(world.class_a.id), keys.group_key(world.class_b.id)}


def test_animator_targets_are_their_periscolaire_groups(world):
    _, group = add_periscolaire(world)
    assert target_keys(world.animator) == {keys.group_key(group.id)}


def test_city_agent_targets_families_schools_districts_levels(world):
    add_city_service(world)
    assert {keys.ALL_KEY, keys.establishment_key(world.other_school.id), keys.district_key("Sud"),
            keys.level_key("CM2")} <= target_keys(world.city_agent)


def test_city_agent_without_a_service_has_no_target(world):
    assert target_keys(world.city_agent) == set()


@pytest.mark.parametrize("role", ["parent_a", "admin", "dpo"])
def test_guardians_admin_and_dpo_post_nowhere(world, role):
    assert target_keys(getattr(world, role)) == set()


def test_can_post_to(world):
    assert rules.can_post_to(world.teacher_a, keys.group_key(world.class_a.id))
    assert not rules.can_post_to(world.teacher_a, keys.group_key(world.class_b.id))


def test_guardian_reads_their_childrens_posts(world, posts):
    assert readable(world.parent_a) == {"class A", "school"}


def test_teacher_reads_their_class_and_school_posts(world, posts):
    assert readable(world.teacher_b) == {"class B", "school"}


def test_director_reads_everything_sent_from_their_school(world, posts):
    assert readable(world.director) == {"class A", "class B", "school"}


@pytest.mark.parametrize("role", ["admin", "dpo"])
def test_admin_and_dpo_read_no_post(world, posts, role):
    assert readable(getattr(world, role)) == set()


def test_anonymous_reads_nothing(world, posts):
    assert readable(AnonymousUserMixin()) == set() and children(AnonymousUserMixin()) == set()


def test_can_read_post(world, posts):
    assert rules.can_read_post(world.parent_b, posts["class B"])
    assert not rules.can_read_post(world.parent_b, posts["class A"])


def test_guardian_sees_only_their_own_children(world):
    assert children(world.parent_a) == {"Awa"} and children(world.parent_b) == {"Léo"}


def test_teacher_sees_the_children_of_their_classes(world):
    assert children(world.teacher_a) == {"Awa"}


def test_director_sees_the_children_of_their_school(world):
    assert children(world.director) == {"Awa", "Léo"}


@pytest.mark.parametrize("role", ["city_agent", "admin", "dpo"])
def test_city_agent_admin_and_dpo_see_no_child(world, role):
    assert children(getattr(world, role)) == set()


def test_can_see_child(world):
    assert rules.can_see_child(world.parent_a, world.child_a)
    assert not rules.can_see_child(world.parent_a, world.child_b)


def test_a_left_child_is_no_longer_visible(world):
    world.child_a.left_dt = utcnow()
    assert not rules.can_see_child(world.parent_a, world.child_a)


def test_can_see_read_stats(world, posts):
    assert rules.can_see_read_stats(world.teacher_a, posts["class A"])
    assert rules.can_see_read_stats(world.director, posts["class A"])
    assert not rules.can_see_read_stats(world.teacher_b, posts["class A"])
    assert not rules.can_see_read_stats(world.parent_a, posts["class A"])
    assert not rules.can_see_read_stats(world.director, posts["other school"])


def test_families_start_threads_on_the_family_form_city_agents_write_to_families(world):
    assert [rules.starts_family_threads(getattr(world, who)) for who in ("parent_a", "teacher_a", "city_agent")] \
        == [True, False, False]
    assert [rules.may_write_to_families(getattr(world, who)) for who in ("city_agent", "parent_a", "director")] \
        == [True, False, False]
    nobody = AnonymousUserMixin()
    assert not rules.starts_family_threads(nobody) and not rules.may_write_to_families(nobody)


@pytest.mark.parametrize("who, told", [("parent_a", True), ("teacher_a", True), ("city_agent", True),
                                       ("admin", False), ("dpo", False)])
def test_those_who_read_news_or_messages_receive_notifications(world, who, told):
    assert rules.receives_notifications(getattr(world, who)) is told
