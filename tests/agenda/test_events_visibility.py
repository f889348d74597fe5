"""Who sees an event, staff side: every agent of a city service sees what the service sends
(calendar, event page, .ics), and staff see their own city's events for everyone, for their
district and for their levels, as families do; never the second city's. ``visible_events``
(the calendar's list) and ``can_see_event`` (one event) always agree."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ent_lite.agenda.events import create_event
from ent_lite.agenda.models import Event
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.rules import can_see_event, visible_events
from ent_lite.school.models import Establishment, EstablishmentKind
from tests import factories
from tests.agenda.calendar_rows import make_event
from tests.agenda.event_factories import city_event, details


def sees(user, event: Event, now=None) -> bool:
    """Whether ``user`` sees ``event``, asked both ways: they must agree."""
    one = can_see_event(user, event, now)
    listed = event in db.session.scalars(visible_events(user, now)).all()
    assert one == listed, (user.first_name, one, listed)
    return one


def sports_agent(world):
    """An agent of another service of the same city."""
    service = Establishment(city=world.city, kind=EstablishmentKind.SERVICE, name="Service Sports")
    db.session.add(service)
    db.session.flush()
    agent = factories.make_user(world.city, "city_agent", "Rémi", "Blanc")
    factories.add_membership(agent, service)
    db.session.commit()
    return agent


def city_wide(world, key, title, author=None, now=None):
    event = create_event(author or world.city_agent, details(title=title, start_time=None), [key], now or utcnow())
    db.session.commit()
    return event


# --- 1. the agents of the service that sends an event -------------------------------------------

def test_every_agent_of_the_service_sees_its_events_another_service_by_audience_only(life):
    world = life.world
    school_meeting = create_event(world.city_agent, details(title="Réunion cantine"),
                                  [keys.establishment_key(world.school.id)], utcnow())
    db.session.commit()
    other = sports_agent(world)
    assert sees(world.city_agent, school_meeting) and sees(life.agent2, school_meeting)
    # Sent to one school: an agent of another service has no reason to see it.
    assert not sees(other, school_meeting)
    assert not sees(world.far.city_agent, school_meeting)


def test_a_colleague_sees_a_scheduled_service_event_before_the_families(life):
    world = life.world
    now = utcnow()
    event = create_event(world.city_agent, details(title="Inscriptions cantine"),
                         [keys.establishment_key(world.school.id)], now + timedelta(hours=2))
    db.session.commit()
    event.published_dt = now + timedelta(hours=2)
    db.session.commit()
    assert sees(life.agent2, event, now) and not sees(world.parent_a, event, now)


def test_a_colleague_finds_the_service_event_in_the_calendar_its_page_and_its_ics(life, login_as, client):
    world = life.world
    event = create_event(world.city_agent, details(title="Réunion cantine"),
                         [keys.establishment_key(world.school.id)], utcnow())
    db.session.commit()
    login_as(life.agent2)
    assert "Réunion cantine" in client.get("/agenda?vue=liste").get_data(as_text=True)
    assert client.get(f"/agenda/evenements/{event.public_id}").status_code == 200
    ics = client.get(f"/agenda/evenements/{event.public_id}.ics")
    assert ics.status_code == 200 and b"SUMMARY:R" in ics.data
    login_as(sports_agent(world))
    assert client.get(f"/agenda/evenements/{event.public_id}").status_code == 404
    assert client.get(f"/agenda/evenements/{event.public_id}.ics").status_code == 404
    login_as(world.far.city_agent)
    assert client.get(f"/agenda/evenements/{event.public_id}.ics").status_code == 404


# --- 2. staff calendars and the city's events ---------------------------------------------------

def test_every_staff_member_of_the_city_sees_an_event_for_all_families(life):
    world = life.world
    event = city_event(world)
    for user in (world.teacher_a, world.other_teacher, world.director, world.animator, life.lead,
                 life.morning_animator, sports_agent(world), life.agent2):
        assert sees(user, event), user.first_name
    for user in (world.far.teacher, world.far.director, world.far.city_agent, world.admin, world.dpo):
        assert not sees(user, event), user.first_name


def test_a_district_event_reaches_the_staff_working_in_that_district(life):
    world = life.world
    event = city_wide(world, keys.district_key("Nord"), "Travaux rue du Nord")
    # École Jules Ferry and the periscolaire site are in Nord; Louise Michel is in Sud.
    for user in (world.teacher_a, world.teacher_b, world.director, world.animator, life.lead):
        assert sees(user, event), user.first_name
    for user in (world.other_teacher, world.far.teacher, world.far.director):  # far's school: Nord too
        assert not sees(user, event), user.first_name


def test_a_level_event_reaches_the_teachers_of_that_level_and_their_directors(life):
    world = life.world
    event = city_wide(world, keys.level_key("CE1"), "Visite CE1")
    assert sees(world.teacher_b, event) and sees(world.director, event)  # CE1 B, in their school
    for user in (world.teacher_a, world.other_teacher, world.animator, world.far.teacher):
        assert not sees(user, event), user.first_name
    cp = city_wide(world, keys.level_key("CP"), "Visite CP")
    assert sees(world.teacher_a, cp) and not sees(world.far.teacher, cp)  # far's class is a CP too


def test_the_second_citys_events_for_everyone_never_reach_this_city(life):
    world = life.world
    far_event = city_wide(world, keys.ALL_KEY, "Fête d’Autreville", author=world.far.city_agent)
    for user in (world.teacher_a, world.director, world.animator, world.city_agent, world.parent_a):
        assert not sees(user, far_event), user.first_name
    assert sees(world.far.teacher, far_event) and sees(world.far.parent, far_event)
    assert {e.title for e in db.session.scalars(select(Event))} == {"Fête d’Autreville"}


def test_a_scheduled_city_event_waits_for_its_time_for_staff_too(life):
    world = life.world
    now = utcnow()
    event = city_event(world)
    event.published_dt = now + timedelta(hours=1)
    db.session.commit()
    assert not sees(world.teacher_a, event, now)
    assert sees(world.teacher_a, event, event.published_dt)


# --- 3. every way of seeing an event, for every staff member at once -------------------------------

def test_each_staff_member_sees_exactly_the_events_of_their_senders_and_audiences(life):
    """One event per way of seeing it (written, sent from a school, site or service one runs or
    works in, reaching a group, an establishment, the district, a level, the whole city), some
    scheduled for tomorrow, some from the second city: each staff member's calendar holds
    exactly theirs."""
    world, far = life.world, life.world.far
    now = utcnow()
    later = now + timedelta(days=1)
    events = {
        "own, scheduled": make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id),
                                     published_dt=later),
        "school, scheduled": make_event(world.school, None, keys.group_key(world.class_b.id), published_dt=later),
        "service, scheduled": make_event(life.service, None, keys.establishment_key(world.other_school.id),
                                         published_dt=later),
        "site, scheduled": make_event(life.site, None, keys.group_key(life.morning.id), published_dt=later),
        "city, scheduled": make_event(world.other_school, None, keys.ALL_KEY, published_dt=later),
        "class A": make_event(world.school, None, keys.group_key(world.class_a.id)),
        "school": make_event(world.school, None, keys.establishment_key(world.school.id)),
        "morning group": make_event(life.site, None, keys.group_key(life.morning.id)),
        "site": make_event(life.site, None, keys.establishment_key(life.site.id)),
        "other school": make_event(life.service, None, keys.establishment_key(world.other_school.id)),
        "district Sud": make_event(life.service, None, keys.district_key("Sud")),
        "level CE1": make_event(life.service, None, keys.level_key("CE1")),
        "city": make_event(life.service, None, keys.ALL_KEY),
        "far city": make_event(far.service, None, keys.ALL_KEY),
        "far district Nord": make_event(far.service, None, keys.district_key("Nord")),
    }
    service = {"service, scheduled", "other school", "district Sud", "level CE1", "city"}
    expected = {
        world.teacher_a: {"own, scheduled", "class A", "school", "city"},
        world.teacher_b: {"school", "level CE1", "city"},
        world.other_teacher: {"other school", "district Sud", "city"},
        world.director: {"own, scheduled", "school, scheduled", "class A", "school", "level CE1", "city"},
        world.animator: {"site", "city"},
        life.lead: {"site, scheduled", "morning group", "site", "city"},
        life.morning_animator: {"morning group", "site", "city"},
        world.city_agent: service,
        life.agent2: service,
        far.teacher: {"far city", "far district Nord"},
        far.director: {"far city", "far district Nord"},
        world.admin: set(),
        world.dpo: set(),
    }
    for user, titles in expected.items():
        listed = set(db.session.scalars(visible_events(user, now)))
        assert {name for name, event in events.items() if event in listed} == titles, user.first_name
        assert all(sees(user, event, now) == (name in titles) for name, event in events.items()), user.first_name
