"""Who publishes and manages calendar events, and who sees one: per role, another service's
agent, the site lead, and the second city (never)."""
from __future__ import annotations

import pytest

from ent_lite.agenda.events import create_event
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.rules import can_manage_event, can_view_event, event_targets, may_publish_events
from ent_lite.school.models import Establishment, EstablishmentKind
from tests import factories
from tests.agenda.event_factories import city_event, details, school_event


def test_directors_city_agents_and_site_leads_publish_events_nobody_else(life):
    world = life.world
    for user in (world.director, world.city_agent, life.agent2, life.lead, world.far.director,
                 world.far.city_agent):
        assert may_publish_events(user), user.first_name
    for user in (world.teacher_a, world.animator, life.morning_animator, world.parent_a, world.admin, world.dpo,
                 world.far.admin):
        assert not may_publish_events(user), user.first_name


def test_a_city_agent_without_a_service_publishes_nothing(world):
    lone = factories.make_user(world.city, "city_agent", "Jo", "Seul")
    db.session.commit()
    assert not may_publish_events(lone) and event_targets(lone) == []


def test_a_site_lead_sends_to_the_site_and_each_of_its_groups(life):
    targets = {t.key for t in event_targets(life.lead)}
    assert keys.establishment_key(life.site.id) in targets
    assert {keys.group_key(g.id) for g in (life.morning, life.evening, life.wednesday)} <= targets
    assert keys.establishment_key(life.world.school.id) not in targets
    event = create_event(life.lead, details(), [keys.group_key(life.evening.id)], utcnow())
    assert event.establishment_id == life.site.id


def test_nobody_sends_an_event_to_an_audience_they_do_not_reach(life):
    world = life.world
    with pytest.raises(PermissionError):
        create_event(world.director, details(), [keys.establishment_key(world.other_school.id)], utcnow())
    with pytest.raises(PermissionError):
        create_event(world.teacher_a, details(), [keys.group_key(world.class_a.id)], utcnow())
    with pytest.raises(PermissionError):
        create_event(world.far.city_agent, details(), [keys.establishment_key(world.school.id)], utcnow())


def test_a_service_event_is_managed_by_every_agent_of_that_service_only(life):
    world = life.world
    event = city_event(world)
    other_service = Establishment(city=world.city, kind=EstablishmentKind.SERVICE, name="Service Sports")
    db.session.add(other_service)
    db.session.flush()
    sports_agent = factories.make_user(world.city, "city_agent", "Rémi", "Blanc")
    factories.add_membership(sports_agent, other_service)
    db.session.commit()
    assert can_manage_event(world.city_agent, event) and can_manage_event(life.agent2, event)
    for user in (sports_agent, world.director, world.teacher_a, world.parent_a, world.admin, world.dpo,
                 world.far.city_agent, world.far.admin):
        assert not can_manage_event(user, event), user.first_name


def test_a_school_event_is_managed_by_its_directors_not_its_teachers(life):
    world = life.world
    event = school_event(world)
    assert can_manage_event(world.director, event)
    for user in (world.teacher_a, world.city_agent, life.lead, world.far.director):
        assert not can_manage_event(user, event), user.first_name


def test_a_site_event_is_managed_by_its_lead_not_its_animators(life):
    event = create_event(life.lead, details(), [keys.establishment_key(life.site.id)], utcnow())
    db.session.commit()
    assert can_manage_event(life.lead, event)
    assert not can_manage_event(life.world.animator, event)
    assert not can_manage_event(life.world.director, event)


def test_who_sees_a_school_event(life):
    world = life.world
    event = school_event(world)
    for user in (world.parent_a, world.parent_a2, world.parent_b, world.director, world.teacher_a):
        assert can_view_event(user, event), user.first_name
    for user in (world.other_parent, world.far.parent, world.far.director, world.admin, world.dpo,
                 world.far.city_agent):
        assert not can_view_event(user, event), user.first_name


def test_a_city_wide_event_stays_in_its_city(life):
    world = life.world
    event = city_event(world)
    for user in (world.parent_a, world.other_parent, life.agent2):
        assert can_view_event(user, event), user.first_name
    for user in (world.far.parent, world.far.city_agent, world.admin, world.dpo):
        assert not can_view_event(user, event), user.first_name
