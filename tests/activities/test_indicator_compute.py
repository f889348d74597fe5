"""The indicator's figures: who counts, who is reached, and which cells are hidden."""
from __future__ import annotations

from sqlalchemy import event

from ent_lite.activities import indicator
from ent_lite.activities.indicator import COMPLEMENT, SHOWN, SMALL, Cell
from ent_lite.activities.models import RegistrationStatus
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests import factories
from tests.activities.factories import make_activity
from tests.activities.indicator_helpers import register, school_with, this_year_activity


def _by_label(cells):
    return {cell.label: cell for cell in cells}


def test_a_school_of_4_children_is_hidden_and_one_of_5_is_shown(aw):
    four = school_with(aw.world, "Quatre", 4, district="Est")
    five = school_with(aw.world, "Cinq", 5, district="Ouest")
    judo = this_year_activity(aw)
    for child in five[:3] + four[:1]:
        register(judo, child)
    result = indicator.compute(aw.world.city.id, factories.SCHOOL_YEAR, utcnow())
    schools = _by_label(result.schools)
    assert (schools["Cinq"].children, schools["Cinq"].reached, schools["Cinq"].percent) == (5, 3, 60)
    # Neither the 4 children nor the one reached among them shows: not a 0, a hidden cell.
    assert (schools["Quatre"].status, schools["Quatre"].children, schools["Quatre"].reached) == (SMALL, None, None)
    assert schools["Quatre"].percent is None
    districts = _by_label(result.districts)
    assert districts["Est"].status == SMALL and districts["Ouest"].shown
    # The city: 3 children of the world's schools + 4 + 5, four of them reached.
    assert (result.city.children, result.city.reached) == (12, 4)


def test_only_a_confirmed_registration_marked_present_counts(aw):
    children = school_with(aw.world, "Cinq", 6)
    judo = this_year_activity(aw)
    register(judo, children[0])                                           # counts
    register(judo, children[1], present=None)                             # registered, no attendance taken
    register(judo, children[2], present=False)                            # absent
    register(judo, children[3], status=RegistrationStatus.WAITING)         # not confirmed
    register(judo, children[4], status=RegistrationStatus.CANCELLED)
    school = _by_label(indicator.compute(aw.world.city.id, factories.SCHOOL_YEAR, utcnow()).schools)["Cinq"]
    assert (school.children, school.reached, school.percent) == (6, 1, 17)


def test_an_activity_of_another_school_year_does_not_count(aw):
    children = school_with(aw.world, "Cinq", 5)
    last_year = make_activity(aw, title="Voile")
    last_year.school_year = "2001-2002"
    db.session.commit()
    register(last_year, children[0])
    now = utcnow()
    school = _by_label(indicator.compute(aw.world.city.id, factories.SCHOOL_YEAR, now).schools)["Cinq"]
    assert school.reached == 0
    # And a school year without classes counts nobody.
    assert indicator.compute(aw.world.city.id, "2001-2002", now).city.children == 0


def test_children_who_left_and_children_of_another_city_are_not_counted(aw):
    children = school_with(aw.world, "Cinq", 6)
    children[0].left_dt = utcnow()
    far = aw.world.far
    far_children = school_with(aw.world, "Loin", 5, city=far.city)
    db.session.commit()
    result = indicator.compute(aw.world.city.id, factories.SCHOOL_YEAR, utcnow())
    assert _by_label(result.schools)["Cinq"].children == 5
    assert "Loin" not in _by_label(result.schools) and far.school.name not in _by_label(result.schools)
    assert result.city.children == 3 + 5
    far_result = indicator.compute(far.city.id, factories.SCHOOL_YEAR, utcnow())
    assert far_result.city.children == 1 + len(far_children)


def test_an_activity_of_another_city_does_not_count_for_this_one(aw):
    children = school_with(aw.world, "Cinq", 5)
    judo = this_year_activity(aw)
    judo.city_id = aw.world.far.city.id
    db.session.commit()
    register(judo, children[0])
    assert indicator.compute(aw.world.city.id, factories.SCHOOL_YEAR, utcnow()).city.reached == 0


def test_levels_are_the_children_s_levels(aw):
    school_with(aw.world, "Cinq", 5, level="CM1")
    result = indicator.compute(aw.world.city.id, factories.SCHOOL_YEAR, utcnow())
    levels = [(cell.label, cell.status) for cell in result.levels]
    # Levels in school order; CP, CE1, CM2 hold one child each of the world's schools.
    assert levels == [("CP", SMALL), ("CE1", SMALL), ("CM1", SHOWN), ("CM2", SMALL)]


def _cells(*sizes):
    return [Cell(str(n), f"cell {n}", size, 0) for n, size in enumerate(sizes)]


def test_a_single_hidden_cell_hides_the_next_smallest_too():
    statuses = [c.status for c in indicator.suppress(_cells(10, 3, 20, 12))]
    assert statuses == [COMPLEMENT, SMALL, SHOWN, SHOWN]


def test_two_hidden_cells_need_no_complement():
    assert [c.status for c in indicator.suppress(_cells(10, 3, 4, 20))] == [SHOWN, SMALL, SMALL, SHOWN]
    assert [c.status for c in indicator.suppress(_cells(5, 6))] == [SHOWN, SHOWN]
    assert [c.status for c in indicator.suppress(_cells(4, 5))] == [SMALL, COMPLEMENT]


def test_the_indicator_takes_two_queries_whatever_the_number_of_children(aw):
    for n in range(3):
        school_with(aw.world, f"École {n}", 6)
    city_id = aw.world.city.id
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        indicator.compute(city_id, factories.SCHOOL_YEAR, utcnow())
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 2
