"""Who a post sent to criteria reaches: each dimension, combinations, exact age boundaries,
never another city; the reader's keys (Python, one query) and the SQL child keys agree."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ent_lite import rules
from ent_lite.audience import keys
from ent_lite.audience.child_keys import child_keys_subquery
from ent_lite.audience.criteria import Criteria, reached_rule_ids, store_rule
from ent_lite.audience.criteria_posting import post_to_criteria
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services
from ent_lite.school.models import Child, PeriscolaireKind
from tests import factories

NEW_YEAR = date(2027, 1, 1)


def reached(world, criteria: Criteria) -> set[str]:
    """First names of the children (of both cities) a stored rule reaches, as readers see it."""
    rule = store_rule(world.city.id, criteria, utcnow())
    found = set()
    for guardian in (world.parent_a, world.parent_b, world.other_parent, world.far.parent):
        reader = keys.reader_keys(guardian.id)
        found |= {p.first_name for p in reader.children_for([keys.rule_key(rule.id)])}
    return found


@pytest.mark.parametrize("criteria, names", [
    (Criteria(levels=("CP",)), {"Awa"}),
    (Criteria(levels=("CP", "CM2")), {"Awa", "Inès"}),
    (Criteria(districts=("Nord",)), {"Awa", "Léo"}),
    (Criteria(districts=("Sud",)), {"Inès"}),
    (Criteria(periscolaire_kinds=(PeriscolaireKind.EVENING,)), {"Awa"}),
    (Criteria(periscolaire_kinds=(PeriscolaireKind.EVENING, PeriscolaireKind.WEDNESDAY)), {"Awa", "Léo"}),
    (Criteria(periscolaire_kinds=(PeriscolaireKind.LUNCH,)), set()),
    # AND across dimensions, OR within one.
    (Criteria(districts=("Nord",), periscolaire_kinds=(PeriscolaireKind.WEDNESDAY,)), {"Léo"}),
    (Criteria(districts=("Nord", "Sud"), levels=("CM2", "CE1")), {"Léo", "Inès"}),
    (Criteria(min_age=6, max_age=11, age_on=NEW_YEAR, districts=("Sud",)), {"Inès"}),
])
def test_each_dimension_and_their_combinations(life, criteria, names):
    world = life.world
    assert reached(world, criteria) == names


def test_schools_are_chosen_by_establishment(life):
    world = life.world
    assert reached(world, Criteria(establishment_ids=(world.other_school.id,))) == {"Inès"}
    assert reached(world, Criteria(establishment_ids=(world.school.id, world.other_school.id))) == {"Awa", "Léo", "Inès"}
    # A periscolaire site is not a school of the district, but its children are reached by kind.
    assert reached(world, Criteria(establishment_ids=(world.school.id,), periscolaire_kinds=("morning",))) == {"Awa"}


def test_age_boundaries_are_exact(life):
    """6 to 11 on 1 January 2027: born from 2 January 2015 to 1 January 2021, both included."""
    world = life.world
    births = {"Awa": date(2021, 1, 1), "Léo": date(2021, 1, 2), "Inès": date(2015, 1, 2)}
    for child in (world.child_a, world.child_b, world.other_child):
        child.birth_date = births[child.first_name]
    extra = factories.make_child(world.city, world.class_b, "Tom", guardians=[world.parent_b],
                                 birth_date=date(2015, 1, 1))
    db.session.flush()
    assert extra.id
    six_to_eleven = Criteria(min_age=6, max_age=11, age_on=NEW_YEAR)
    assert reached(world, six_to_eleven) == {"Awa", "Inès"}
    assert reached(world, Criteria(min_age=6, age_on=NEW_YEAR)) == {"Awa", "Inès", "Tom"}
    assert reached(world, Criteria(max_age=5, age_on=NEW_YEAR)) == {"Léo"}
    assert six_to_eleven.birth_range(date(2026, 12, 3)) == (date(2015, 1, 2), date(2021, 1, 1))


def test_a_birthday_on_29_february(life):
    assert Criteria(min_age=6, age_on=date(2028, 2, 29)).birth_range(date.today()) == (None, date(2022, 2, 28))


def test_another_city_is_never_reached(life):
    """Noé (Autreville) is a CP pupil of a "Nord" school born the same day as Awa."""
    world = life.world
    names = reached(world, Criteria(levels=("CP",), districts=("Nord",), min_age=0, max_age=18))
    assert names == {"Awa"}
    far_rule = store_rule(world.far.city.id, Criteria(levels=("CP",)), utcnow())
    assert keys.rule_key(far_rule.id) not in keys.reader_keys(world.parent_a.id).keys
    assert keys.rule_key(far_rule.id) in keys.reader_keys(world.far.parent.id).keys


def test_a_child_who_left_is_not_reached(life):
    world = life.world
    world.child_a.left_dt = utcnow()
    db.session.flush()
    assert reached(world, Criteria(levels=("CP",))) == set()


def test_last_school_years_groups_do_not_count(life):
    world = life.world
    life.evening.school_year = "2001-2002"
    db.session.flush()
    assert reached(world, Criteria(periscolaire_kinds=(PeriscolaireKind.EVENING,))) == set()


def test_reader_keys_and_sql_child_keys_agree_on_rules(life):
    world = life.world
    factories.make_child(world.city, world.class_b, "Zoé", guardians=[world.parent_a], birth_date=date(2012, 3, 4))
    for criteria in (Criteria(levels=("CP",)), Criteria(min_age=7, age_on=NEW_YEAR),
                     Criteria(districts=("Nord",), periscolaire_kinds=("wednesday", "evening")),
                     Criteria(establishment_ids=(world.other_school.id,))):
        store_rule(world.city.id, criteria, utcnow())
    sql = {(child, value) for child, kind, value, _ in db.session.execute(select(child_keys_subquery())).all()
           if kind == keys.RULE}
    python = set()
    for guardian in (world.parent_a, world.parent_a2, world.parent_b, world.other_parent, world.far.parent):
        for key, places in keys.reader_keys(guardian.id).children_by_key.items():
            python |= {(p.child_id, key[1]) for p in places if key[0] == keys.RULE}
    assert python == sql
    assert len(sql) >= 5  # not agreeing on nothing
    ids = list(db.session.scalars(select(Child.id)))
    assert {(c, str(r)) for c, r in reached_rule_ids(ids, keys.this_school_year())} == sql


def test_a_post_to_criteria_reaches_its_families_feed_and_nobody_else(life, login_as):
    world = life.world
    now = utcnow()
    target = post_to_criteria(world.city_agent, Criteria(periscolaire_kinds=(PeriscolaireKind.EVENING,)), now)
    post = services.create_post(world.city_agent, "Soirée jeux", "À l’accueil du soir", [target], now)
    db.session.commit()
    assert [(a.kind, a.value) for a in post.audience] == [target.key]
    for guardian, sees in ((world.parent_a, True), (world.parent_a2, True), (world.parent_b, False),
                           (world.other_parent, False), (world.far.parent, False)):
        assert rules.can_read_post(guardian, post, now) is sees
        body = login_as(guardian).get("/news").get_data(as_text=True)
        assert ("Soirée jeux" in body) is sees


def test_a_calendar_event_sent_to_a_rule_reaches_the_same_families(life):
    from ent_lite.agenda.models import Event, EventAudience
    from ent_lite.rules import visible_events

    world = life.world
    now = utcnow()
    rule = store_rule(world.city.id, Criteria(periscolaire_kinds=(PeriscolaireKind.WEDNESDAY,)), now)
    event = Event(city_id=world.city.id, establishment_id=life.service.id, author_id=world.city_agent.id,
                  title="Sortie au parc", start_date=date(2027, 3, 3), published_dt=now)
    event.audience = [EventAudience(kind=keys.RULE, value=str(rule.id))]
    db.session.add(event)
    db.session.commit()
    for guardian, sees in ((world.parent_b, True), (world.parent_a, False), (world.far.parent, False)):
        found = db.session.scalars(visible_events(guardian, now).where(Event.id == event.id)).all()
        assert (found == [event]) is sees


def test_each_rule_is_read_with_its_own_values_only(life):
    """Several rules in the city: a rule's values never mix with another rule's."""
    world = life.world
    now = utcnow()
    nord = store_rule(world.city.id, Criteria(districts=("Nord",), levels=("CE1",)), now)
    sud = store_rule(world.city.id, Criteria(districts=("Sud",), levels=("CP",)), now)
    school = store_rule(world.city.id, Criteria(establishment_ids=(world.other_school.id,)), now)
    evening = store_rule(world.city.id, Criteria(periscolaire_kinds=("evening",)), now)
    wednesday = store_rule(world.city.id, Criteria(periscolaire_kinds=("wednesday",), levels=("CP",)), now)
    expected = {world.child_a.id: {evening.id}, world.child_b.id: {nord.id}, world.other_child.id: {school.id}}
    ids = [world.child_a.id, world.child_b.id, world.other_child.id]
    found = reached_rule_ids(ids, keys.this_school_year())
    assert {child: {r for c, r in found if c == child} for child in ids} == expected
    sql = {(c, int(v)) for c, kind, v, _ in db.session.execute(select(child_keys_subquery())).all()
           if kind == keys.RULE}
    assert {(world.child_a.id, sud.id), (world.child_b.id, wednesday.id)}.isdisjoint(sql)
    assert keys.rule_key(sud.id) not in keys.reader_keys(world.parent_a.id).keys
