"""The shared ground of calendar, periscolaire, absences and city contact: the models hold
together, and an event reaches exactly the families its audience keys name, as a post does."""
from datetime import date, timedelta

from ent_lite.agenda.models import Event, EventAudience, EventCategory
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.rules import can_see_event, visible_events
from ent_lite.school.models import DEFAULT_ABSENCE_CUTOFF


def _event(establishment, author, key, *, published_in=timedelta(0), title="Réunion de rentrée"):
    event = Event(city_id=establishment.city_id, establishment_id=establishment.id, author_id=author.id,
                  category=EventCategory.MEETING, title=title, start_date=date(2026, 12, 10),
                  published_dt=utcnow() + published_in)
    event.audience.append(EventAudience(kind=key[0], value=key[1]))
    db.session.add(event)
    db.session.commit()
    return event


def test_a_class_event_reaches_that_class_families_and_staff_only(world):
    event = _event(world.school, world.teacher_a, keys.group_key(world.class_a.id))
    assert can_see_event(world.parent_a, event) and can_see_event(world.parent_a2, event)
    assert can_see_event(world.teacher_a, event) and can_see_event(world.director, event)
    assert not can_see_event(world.parent_b, event)
    assert not can_see_event(world.other_parent, event)
    assert not can_see_event(world.admin, event) and not can_see_event(world.dpo, event)
    assert not can_see_event(world.far.parent, event)


def test_a_city_wide_event_stays_in_its_city(life):
    world = life.world
    event = _event(life.service, world.city_agent, keys.ALL_KEY, title="Fête de la ville")
    assert can_see_event(world.parent_b, event) and can_see_event(world.other_parent, event)
    assert not can_see_event(world.far.parent, event)
    # Every agent of the service sees what it sends (they all manage it); not another city's.
    assert can_see_event(life.agent2, event) and can_see_event(world.city_agent, event)
    assert not can_see_event(world.far.city_agent, event)


def test_a_scheduled_event_waits_for_its_time_except_for_its_author(world):
    event = _event(world.school, world.teacher_a, keys.group_key(world.class_a.id), published_in=timedelta(hours=2))
    assert not can_see_event(world.parent_a, event)
    assert can_see_event(world.teacher_a, event)
    later = utcnow() + timedelta(hours=3)
    assert db.session.scalars(visible_events(world.parent_a, later)).all() == [event]


def test_the_periscolaire_world(life):
    assert life.site.absence_cutoff_or_default == DEFAULT_ABSENCE_CUTOFF
    event = _event(life.site, life.world.animator, keys.group_key(life.evening.id), title="Goûter partagé")
    assert can_see_event(life.world.parent_a, event)
    assert not can_see_event(life.world.parent_b, event)
