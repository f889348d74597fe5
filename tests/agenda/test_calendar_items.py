"""calendar_items: what one person's calendar shows between two days, in order, each item
naming the children it concerns; weekly events expanded; a constant number of queries."""
from datetime import date, time, timedelta

from ent_lite.activities.models import RegistrationStatus
from ent_lite.agenda.calendar import ACTIVITY, EVENT, calendar_items, occurrences
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.school.models import GuardianLink
from ent_lite.extensions import db
from tests.agenda.calendar_rows import make_event, make_session_for, today
from tests.queries import recorded_statements

MONTH = (date(2026, 12, 1), date(2026, 12, 31))


def _titles(user, first=None, last=None):
    first = first or today() - timedelta(days=1)
    last = last or today() + timedelta(days=40)
    return [item.title for item in calendar_items(user, first, last, utcnow())]


def test_a_family_sees_its_class_school_periscolaire_and_city_events_named_by_child(life):
    world = life.world
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Classe A")
    make_event(world.school, world.teacher_b, keys.group_key(world.class_b.id), title="Classe B")
    make_event(life.site, world.animator, keys.group_key(life.evening.id), title="Goûter du soir")
    make_event(life.service, world.city_agent, keys.ALL_KEY, title="Fête de la ville")
    items = {i.title: i for i in calendar_items(world.parent_a, today(), today() + timedelta(days=30), utcnow())}
    assert set(items) == {"Classe A", "Goûter du soir", "Fête de la ville"}
    assert items["Classe A"].children == "Awa" and items["Classe A"].kind == EVENT
    assert items["Goûter du soir"].children == "Awa"
    assert set(_titles(world.parent_b)) == {"Classe B", "Fête de la ville"}


def test_a_city_event_names_every_child_of_the_family(world):
    db.session.add(GuardianLink(child_id=world.child_b.id, user_id=world.parent_a.id, rank=1, relation="mother",
                                legal_authority=True))
    make_event(world.school, world.director, keys.establishment_key(world.school.id), title="Kermesse")
    [item] = calendar_items(world.parent_a, today(), today() + timedelta(days=30), utcnow())
    assert item.children == f"{world.child_a.first_name}, {world.child_b.first_name}"


def test_staff_see_what_they_reach_without_names(life):
    world = life.world
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Classe A")
    make_event(life.site, world.animator, keys.group_key(life.evening.id), title="Goûter du soir")
    [item] = calendar_items(world.teacher_a, today(), today() + timedelta(days=30), utcnow())
    assert (item.title, item.children) == ("Classe A", "")
    assert _titles(world.animator) == ["Goûter du soir"]
    assert set(_titles(world.director)) == {"Classe A"}
    assert _titles(world.admin) == [] and _titles(world.dpo) == []


def test_nothing_crosses_to_another_city(world):
    make_event(world.far.service, world.far.city_agent, keys.ALL_KEY, title="Autre ville")
    make_event(world.school, world.director, keys.ALL_KEY, title="Ville")
    assert _titles(world.parent_a) == ["Ville"]
    assert _titles(world.far.parent) == ["Autre ville"]


def test_the_range_is_inclusive_and_a_multi_day_event_shows_while_it_lasts(world):
    key = keys.group_key(world.class_a.id)
    make_event(world.school, world.teacher_a, key, title="Avant", day=date(2026, 11, 30))
    make_event(world.school, world.teacher_a, key, title="Premier", day=date(2026, 12, 1))
    make_event(world.school, world.teacher_a, key, title="Dernier", day=date(2026, 12, 31))
    make_event(world.school, world.teacher_a, key, title="Après", day=date(2027, 1, 1))
    make_event(world.school, world.teacher_a, key, title="Vacances", day=date(2026, 12, 19),
               end_day=date(2027, 1, 4))
    make_event(world.school, world.teacher_a, key, title="Classe verte", day=date(2026, 11, 28),
               end_day=date(2026, 12, 1))
    items = calendar_items(world.parent_a, *MONTH, utcnow())
    assert [i.title for i in items] == ["Classe verte", "Premier", "Vacances", "Dernier"]
    assert items[0].shown_on(MONTH[0]) == date(2026, 12, 1) and items[0].last_date == date(2026, 12, 1)


def test_a_weekly_event_is_expanded_into_its_occurrences_in_the_range(world):
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Piscine",
               day=date(2026, 11, 4), at=time(9), end_at=time(10), weekly_until=date(2026, 12, 16))
    items = calendar_items(world.parent_a, *MONTH, utcnow())
    assert [i.start_date for i in items] == [date(2026, 12, 2), date(2026, 12, 9), date(2026, 12, 16)]
    assert all(i.start_time == time(9) and i.public_id == items[0].public_id for i in items)


def test_occurrences_keep_a_multi_day_weekly_event_that_started_before_the_range(world):
    event = make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), day=date(2026, 11, 27),
                       end_day=date(2026, 11, 29), weekly_until=date(2026, 12, 31))
    assert occurrences(event, date(2026, 11, 29), date(2026, 12, 6)) == [date(2026, 11, 27), date(2026, 12, 4)]


def test_the_children_s_confirmed_activity_sessions_come_with_their_first_name(world):
    session = make_session_for(world, world.child_a, title="Poterie")
    make_session_for(world, world.child_a, title="Liste d'attente", status=RegistrationStatus.WAITING)
    make_session_for(world, world.child_b, title="Judo")
    items = calendar_items(world.parent_a, today(), today() + timedelta(days=30), utcnow())
    assert [(i.kind, i.title, i.children, i.start_time) for i in items] == [
        (ACTIVITY, "Poterie", "Awa", time(14))]
    assert items[0].public_id == session.public_id
    assert _titles(world.teacher_a) == []


def test_items_come_in_day_then_time_order_all_day_first(world):
    key = keys.group_key(world.class_a.id)
    day = today() + timedelta(days=2)
    make_event(world.school, world.teacher_a, key, title="Soir", day=day, at=time(18))
    make_event(world.school, world.teacher_a, key, title="Matin", day=day, at=time(8, 30))
    make_event(world.school, world.teacher_a, key, title="Journée", day=day)
    make_event(world.school, world.teacher_a, key, title="Veille", day=day - timedelta(days=1), at=time(20))
    assert _titles(world.parent_a) == ["Veille", "Journée", "Matin", "Soir"]


def test_a_scheduled_event_waits_and_a_cancelled_one_stays_marked(world):
    key = keys.group_key(world.class_a.id)
    make_event(world.school, world.teacher_a, key, title="Plus tard", published_dt=utcnow() + timedelta(hours=1))
    cancelled = make_event(world.school, world.teacher_a, key, title="Annulée")
    cancelled.cancelled_dt = utcnow()
    db.session.commit()
    [item] = calendar_items(world.parent_a, today(), today() + timedelta(days=30), utcnow())
    assert item.title == "Annulée" and item.cancelled


def _count_queries(user) -> int:
    db.session.expire_all()
    with recorded_statements() as statements:
        calendar_items(user, today() - timedelta(days=1), today() + timedelta(days=60), utcnow())
    return len(statements)


def test_the_number_of_queries_does_not_grow_with_the_items(life):
    world = life.world
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id))
    make_session_for(world, world.child_a)
    few = _count_queries(world.parent_a)
    for n in range(8):
        make_event(life.site, world.animator, keys.group_key(life.evening.id), title=f"Soir {n}",
                   weekly_until=today() + timedelta(days=50))
        make_event(life.service, world.city_agent, keys.ALL_KEY, title=f"Ville {n}")
        make_session_for(world, world.child_a, title=f"Atelier {n}")
    assert len(calendar_items(world.parent_a, today() - timedelta(days=1), today() + timedelta(days=60),
                              utcnow())) > 50
    assert _count_queries(world.parent_a) == few
