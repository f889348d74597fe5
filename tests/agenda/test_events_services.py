"""The event services' rules, called directly: sequence and updated time on every change a
calendar sees, cancellation once and final, public only for a city agent's all-families event."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ent_lite.agenda.events import cancel_event, create_event, schedule_problems, update_event
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from tests.agenda.event_factories import DAY, details, school_event
from tests.posts.helpers import add_city_service


def test_schedule_problems_name_the_field_at_the_exact_boundary():
    assert schedule_problems(DAY, None, DAY, None, DAY) == {}  # one day, repeating from that day: fine
    assert list(schedule_problems(DAY, None, DAY - timedelta(days=1), None, None)) == ["end_date"]
    t = details().start_time
    assert "end_time" in schedule_problems(DAY, t, None, t, None)  # ending when it starts is no event
    assert schedule_problems(DAY, t, DAY + timedelta(days=1), t, None) == {}
    assert list(schedule_problems(DAY, None, None, t, None)) == ["end_time"]
    assert list(schedule_problems(DAY, None, None, None, DAY - timedelta(days=1))) == ["weekly_until"]


def test_an_update_raises_sequence_and_updated_time_once_per_change(world):
    created = utcnow()
    event = school_event(world, now=created)
    later = created + timedelta(hours=1)
    assert not update_event(event, details(), None, later, actor=world.director)
    assert (event.sequence, event.updated_dt) == (0, created)
    assert update_event(event, details(place="Gymnase"), None, later, actor=world.director)
    assert (event.sequence, event.updated_dt) == (1, later)


def test_cancelling_is_once_and_final(world):
    event = school_event(world)
    now = utcnow()
    assert cancel_event(event, world.director, now)
    assert not cancel_event(event, world.director, now + timedelta(minutes=1))
    assert (event.cancelled_dt, event.sequence) == (now, 1)
    with pytest.raises(ValueError):
        update_event(event, details(place="Gymnase"), None, now, actor=world.director)


def test_public_only_for_a_city_agent_and_all_families(world):
    add_city_service(world)
    with pytest.raises(PermissionError):
        create_event(world.director, details(is_public=True), [keys.establishment_key(world.school.id)], utcnow())
    with pytest.raises(PermissionError):
        create_event(world.city_agent, details(is_public=True), [keys.establishment_key(world.school.id)], utcnow())
    event = create_event(world.city_agent, details(is_public=True), [keys.ALL_KEY], utcnow())
    assert event.is_public


def test_an_inconsistent_schedule_is_refused_by_the_service_too(world):
    with pytest.raises(ValueError):
        create_event(world.director, details(end_date=DAY - timedelta(days=1)),
                     [keys.establishment_key(world.school.id)], utcnow())
