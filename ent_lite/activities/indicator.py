"""The city indicator "one activity per child per year", with small cells suppressed.

The rule kept:

- The children counted (the denominator) are those of the city still on the roster
  (``left_dt`` null) with a class of that school year in a school of the city; a child in two
  classes that year (moved school) counts once, in the first school.
- A child counts as reached (the numerator) with at least one CONFIRMED registration to an
  activity of the city of that school year, marked present at one session at least. Being
  registered is not enough: the city's goal is a child who took part.
- Broken down by school, by level and by district (the school's district), plus the city.
- Suppression, so that no figure tells about a handful of children: a cell of fewer than
  ``MIN_CELL`` children shows neither its count of children nor how many were reached
  ("fewer than 5 children"). Within one breakdown, if exactly one cell is suppressed, the
  city total minus the others would give it back: the next smallest cell is then hidden too
  ("hidden so that a small group cannot be deduced"). The city total is suppressed as any cell.

Two queries whatever the size of the city: one GROUP BY (school, level) over the children,
one for the schools' names and districts; the breakdowns add up those few cells in Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import ColumnElement, func, select

from ent_lite.activities.models import Activity, Attendance, Registration, RegistrationStatus
from ent_lite.extensions import db
from ent_lite.school.models import LEVELS, Child, Enrolment, Establishment, EstablishmentKind, Group, GroupKind

MIN_CELL = 5

SHOWN = "shown"
SMALL = "small"           # fewer than MIN_CELL children
COMPLEMENT = "complement"  # hidden so that a suppressed cell cannot be deduced


@dataclass(frozen=True)
class Cell:
    """One line of the indicator: ``children`` counted, ``reached`` of them (None when hidden)."""

    key: str
    label: str
    children: int | None
    reached: int | None
    status: str = SHOWN

    @property
    def percent(self) -> int | None:
        if self.status != SHOWN or not self.children:
            return None
        return (200 * self.reached + self.children) // (2 * self.children)  # rounded half up

    @property
    def shown(self) -> bool:
        return self.status == SHOWN


@dataclass(frozen=True)
class Indicator:
    school_year: str
    computed_dt: datetime
    city: Cell
    schools: list[Cell] = field(default_factory=list)
    levels: list[Cell] = field(default_factory=list)
    districts: list[Cell] = field(default_factory=list)


def _attended(city_id, school_year: str) -> list:
    return [Activity.city_id == city_id, Activity.school_year == school_year,
            Registration.status == RegistrationStatus.CONFIRMED, Attendance.present.is_(True)]


def _attended_registrations(column):
    return (select(column).join(Activity, Activity.id == Registration.activity_id)
            .join(Attendance, Attendance.registration_id == Registration.id))


def reached_children(city_id: int, school_year: str):
    """SELECT of the ids of the children with a confirmed and attended activity that year."""
    return _attended_registrations(Registration.child_id).where(*_attended(city_id, school_year))


def has_reached(child_id, city_id, school_year: str) -> ColumnElement[bool]:
    """SQL: EXISTS a confirmed and attended activity that year for this child (correlated:
    ``child_id`` and ``city_id`` are columns); the audience key "no_activity" uses it."""
    return _attended_registrations(Registration.id).where(
        Registration.child_id == child_id, *_attended(city_id, school_year)).exists()


def has_class(child_id, city_id, school_year: str) -> ColumnElement[bool]:
    """SQL: EXISTS a class that year in a school of the city for this child (correlated)."""
    return (select(Enrolment.id).join(Group, Group.id == Enrolment.group_id)
            .join(Establishment, Establishment.id == Group.establishment_id)
            .where(Enrolment.child_id == child_id, *_in_class(city_id, school_year)).exists())


def _in_class(city_id, school_year: str) -> list:
    return [Group.kind == GroupKind.CLASS, Group.school_year == school_year,
            Establishment.city_id == city_id, Establishment.kind == EstablishmentKind.SCHOOL]


def counted_children(city_id: int, school_year: str):
    """SELECT (child_id, level, school_id): the children the indicator counts, once each."""
    return (
        select(Child.id.label("child_id"), Child.level.label("level"),
               func.min(Group.establishment_id).label("school_id"))
        .join(Enrolment, Enrolment.child_id == Child.id)
        .join(Group, Group.id == Enrolment.group_id)
        .join(Establishment, Establishment.id == Group.establishment_id)
        .where(Child.city_id == city_id, Child.left_dt.is_(None), *_in_class(city_id, school_year))
        .group_by(Child.id, Child.level)
    )


def _cells(city_id: int, school_year: str) -> list[tuple[int, str, int, int]]:
    """[(school id, level, children, reached)]: one row per school and level."""
    pupils = counted_children(city_id, school_year).subquery("pupil")
    reached = reached_children(city_id, school_year).distinct().subquery("reached")
    return [tuple(row) for row in db.session.execute(
        select(pupils.c.school_id, pupils.c.level, func.count(), func.count(reached.c.child_id))
        .outerjoin(reached, reached.c.child_id == pupils.c.child_id)
        .group_by(pupils.c.school_id, pupils.c.level)
    )]


def _small(cell: Cell) -> Cell:
    if cell.children is not None and 0 < cell.children < MIN_CELL:  # no child at all tells nothing
        return replace(cell, children=None, reached=None, status=SMALL)
    return cell


def suppress(cells: list[Cell]) -> list[Cell]:
    """Cells under MIN_CELL children hidden; if exactly one is, the next smallest too (its
    complement to the total would give it back). Order kept."""
    sized = [(cell.children, cell) for cell in cells]
    out = [_small(cell) for cell in cells]
    if sum(1 for cell in out if cell.status == SMALL) == 1:
        shown = [i for i, cell in enumerate(out) if cell.shown]
        if shown:
            smallest = min(shown, key=lambda i: (sized[i][0], out[i].label))
            out[smallest] = replace(out[smallest], children=None, reached=None, status=COMPLEMENT)
    return out


def _add(totals: dict, key, children: int, reached: int) -> None:
    before = totals.get(key, (0, 0))
    totals[key] = (before[0] + children, before[1] + reached)


def compute(city_id: int, school_year: str, now: datetime) -> Indicator:
    """The indicator of ``school_year`` for the city, suppression applied (see the module)."""
    rows = _cells(city_id, school_year)
    schools = {sid: (name, district) for sid, name, district in db.session.execute(
        select(Establishment.id, Establishment.name, Establishment.district)
        .where(Establishment.city_id == city_id, Establishment.kind == EstablishmentKind.SCHOOL))}
    by_school: dict[int, tuple[int, int]] = {}
    by_level: dict[str, tuple[int, int]] = {}
    by_district: dict[str, tuple[int, int]] = {}
    for school_id, level, children, reached in rows:
        _add(by_school, school_id, children, reached)
        _add(by_level, level, children, reached)
        district = schools.get(school_id, ("", None))[1]
        if district:
            _add(by_district, district, children, reached)
    total_children = sum(children for _, _, children, _ in rows)
    total_reached = sum(reached for _, _, _, reached in rows)
    level_order = {level: i for i, level in enumerate(LEVELS)}
    school_cells = sorted(
        (Cell(str(sid), schools.get(sid, ("", None))[0], *counts) for sid, counts in by_school.items()),
        key=lambda cell: (cell.label, cell.key))
    level_cells = sorted((Cell(level, level, *counts) for level, counts in by_level.items()),
                         key=lambda cell: (level_order.get(cell.key, len(LEVELS)), cell.key))
    district_cells = sorted((Cell(name, name, *counts) for name, counts in by_district.items()),
                            key=lambda cell: cell.label)
    return Indicator(
        school_year=school_year, computed_dt=now,
        city=_small(Cell("city", "", total_children, total_reached)),
        schools=suppress(school_cells), levels=suppress(level_cells), districts=suppress(district_cells),
    )
