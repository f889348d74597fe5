"""Counting the families criteria reach (households, before publishing), and who may post to
a stored rule."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ent_lite.audience import keys
from ent_lite.audience.criteria import Criteria, count_families, store_rule
from ent_lite.audience.criteria_posting import post_to_criteria
from ent_lite.audience.models import AudienceRule, AudienceRulePart
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services
from ent_lite.posts.models import Post
from ent_lite.privacy import deletion, purge, retention
from tests import factories
from tests.city_life.factories import enrol


def test_count_is_households_and_equals_what_the_stored_rule_reaches(life):
    world = life.world
    now = utcnow()
    # A sibling of Awa (same two parents) at the evening childcare, and Léo too.
    sibling = factories.make_child(world.city, world.class_b, "Zoé", guardians=[world.parent_a, world.parent_a2])
    enrol(sibling, life.evening)
    enrol(world.child_b, life.evening)
    evening = Criteria(periscolaire_kinds=("evening",))
    assert count_families(world.city.id, evening, now) == 2
    assert services.count_reached_children([keys.rule_key(store_rule(world.city.id, evening, now).id)],
                                           city_id=world.city.id) == 3
    for criteria in (evening, Criteria(levels=("CP", "CE1")), Criteria(min_age=7, age_on=date(2027, 1, 1)),
                     Criteria(districts=("Sud",)), Criteria(levels=("PS",))):
        rule = store_rule(world.city.id, criteria, now)
        assert count_families(world.city.id, criteria, now) == services.count_households(
            [keys.rule_key(rule.id)], city_id=world.city.id)


def test_a_child_without_guardian_or_of_another_city_does_not_count(life):
    world = life.world
    factories.make_child(world.city, world.class_a, "Sans", guardians=[])
    assert count_families(world.city.id, Criteria(levels=("CP",)), utcnow()) == 1
    assert count_families(world.far.city.id, Criteria(levels=("CP",)), utcnow()) == 1
    assert count_families(world.city.id, Criteria(), utcnow()) == 0


def test_only_a_city_agent_of_the_city_posts_to_an_unused_rule(life):
    world = life.world
    now = utcnow()
    with pytest.raises(PermissionError):
        post_to_criteria(world.director, Criteria(levels=("CP",)), now)
    target = post_to_criteria(world.city_agent, Criteria(levels=("CP",)), now)
    with pytest.raises(PermissionError):  # another city's agent
        services.create_post(world.far.city_agent, "T", "B", [target.key], now)
    with pytest.raises(PermissionError):  # a teacher naming the rule
        services.create_post(world.teacher_a, "T", "B", [target.key], now)
    services.create_post(world.city_agent, "T", "B", [target.key], now)
    with pytest.raises(PermissionError):  # a rule belongs to one post
        services.create_post(life.agent2, "T2", "B", [target.key], now)


def test_the_purge_deletes_the_rule_with_its_post(life):
    world = life.world
    now = utcnow()
    post = services.create_post(world.city_agent, "T", "B", [post_to_criteria(world.city_agent, Criteria(levels=("CP",)), now)], now)
    db.session.commit()
    # The post detaches its rule (a dated post's event may still use it); no event does, so
    # the same run of its category deletes the rule and its parts (agenda.retention.due_rules).
    plan = deletion.plan_deletion(Post.__table__, {post.id})
    assert "audience_rule" not in plan.rows and any(t.name == "audience_rule" for t, _, _ in plan.nulls)
    due = retention.deletion_dt("class_content", post.published_dt) + timedelta(microseconds=1)
    purge.purge_category("class_content", due)
    assert db.session.scalars(select(AudienceRule)).all() == [] and db.session.scalars(select(AudienceRulePart)).all() == []
