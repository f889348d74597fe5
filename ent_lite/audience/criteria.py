"""City audiences by criteria: ages at a date, schools, districts, levels, periscolaire kinds.

The rule kept here: a child is reached when

- it is a current child (``left_dt`` null) of the rule's city, with a guardian;
- AND, for each dimension the author filled (dimensions left empty do not filter), it matches
  ONE of the values of that dimension (OR within a dimension):
  - age: born between ``born_from`` and ``born_until`` included, the dates that make it
    ``min_age``..``max_age`` years old on ``age_on`` ("6–11 ans au 1er janvier 2027": born
    from 2 January 2015 to 1 January 2021);
  - school: enrolled this school year in a group of that establishment;
  - district: enrolled this school year in a school of that district of the city;
  - level: the child's level (CP, CE1...);
  - periscolaire kind: enrolled this school year in a group of that kind (evening
    childcare...) of a site of the city.

It is written ONCE, as SQL (``_child_matches``), over either a stored rule (its parts, for
``audience.keys``: the reader's keys and the SQL child keys) or the criteria being typed
(``count_families`` before publishing), so the count shown to the author and the families
the post reaches are the same rule. Families are households (``school.households``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Date, String, and_, cast, distinct, func, literal, literal_column, or_, select, true

from ent_lite.audience.models import AudienceRule, AudienceRulePart
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from ent_lite.school import households
from ent_lite.school.models import (
    Child,
    Enrolment,
    Establishment,
    EstablishmentKind,
    Group,
    GuardianLink,
    PeriscolaireKind,
)
from ent_lite.school.services import current_school_year

ESTABLISHMENT = "establishment"
DISTRICT = "district"
LEVEL = "level"
PERISCOLAIRE = "periscolaire"
DIMENSIONS = (ESTABLISHMENT, DISTRICT, LEVEL, PERISCOLAIRE)
MIN_AGE, MAX_AGE = 0, 18


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Criteria:
    """What a city agent typed; empty tuples and None do not filter."""

    min_age: int | None = None
    max_age: int | None = None
    age_on: date | None = None
    establishment_ids: tuple[int, ...] = ()
    districts: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    periscolaire_kinds: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.min_age is None and self.max_age is None and not any(
            self.values(kind) for kind in DIMENSIONS)

    def values(self, kind: str) -> list[str]:
        found = {ESTABLISHMENT: [str(i) for i in self.establishment_ids], DISTRICT: list(self.districts),
                 LEVEL: list(self.levels), PERISCOLAIRE: list(self.periscolaire_kinds)}[kind]
        return sorted(set(found))

    def birth_range(self, today: date) -> tuple[date | None, date | None]:
        """(born_from, born_until), both included: aged min_age..max_age on ``age_on``."""
        on = self.age_on or today
        born_until = years_before(on, self.min_age) if self.min_age is not None else None
        born_from = None
        if self.max_age is not None:
            # Still max_age the day before turning max_age + 1.
            born_from = date.fromordinal(years_before(on, self.max_age + 1).toordinal() + 1)
        return born_from, born_until


def criteria_of(rule: AudienceRule) -> Criteria:
    return Criteria(min_age=rule.min_age, max_age=rule.max_age, age_on=rule.age_on,
                    establishment_ids=tuple(int(v) for v in rule.values(ESTABLISHMENT) if v.isdigit()),
                    districts=tuple(rule.values(DISTRICT)), levels=tuple(rule.values(LEVEL)),
                    periscolaire_kinds=tuple(rule.values(PERISCOLAIRE)))


# --- the rule, in SQL ------------------------------------------------------------------------

def _enrolled(child_id, school_year: str, condition):
    """SQL: the child is enrolled this school year in a group meeting ``condition``."""
    return (select(Enrolment.id).join(Group, Group.id == Enrolment.group_id)
            .join(Establishment, Establishment.id == Group.establishment_id)
            .where(Enrolment.child_id == child_id, Group.school_year == school_year, condition)
            .exists())


def _child_matches(city_id, born_from, born_until, dimension, school_year: str):
    """SQL over ``Child``: the rule of this module. ``dimension(kind, condition)`` gives the SQL
    of "this dimension does not filter, or ``condition(one_of)``", where ``one_of(column)`` is
    true when the column holds one of the dimension's values. Enrolments are read from the
    child (its one or two groups by index), never by scanning the groups for each child."""
    return and_(
        Child.left_dt.is_(None),
        Child.city_id == city_id,
        or_(born_from.is_(None), Child.birth_date >= born_from) if born_from is not None else true(),
        or_(born_until.is_(None), Child.birth_date <= born_until) if born_until is not None else true(),
        dimension(LEVEL, lambda one_of: one_of(Child.level)),
        dimension(ESTABLISHMENT, lambda one_of: _enrolled(
            Child.id, school_year, one_of(cast(Group.establishment_id, String(100))))),
        dimension(DISTRICT, lambda one_of: _enrolled(Child.id, school_year, and_(
            Establishment.kind == EstablishmentKind.SCHOOL, Establishment.city_id == city_id,
            one_of(Establishment.district)))),
        dimension(PERISCOLAIRE, lambda one_of: _enrolled(Child.id, school_year, and_(
            Establishment.city_id == city_id, one_of(Group.periscolaire_kind)))),
    )


def stored_rule_matches(school_year: str):
    """SQL over ``Child`` and ``AudienceRule``: the child is reached by that stored rule."""
    def dimension(kind, condition):
        # Correlated explicitly: a part is read inside an EXISTS nested in another, where
        # automatic correlation (one level only) would read every rule's parts.
        parts = (select(AudienceRulePart.id)
                 .where(AudienceRulePart.rule_id == AudienceRule.id, AudienceRulePart.kind == kind)
                 .correlate(AudienceRule, Child, Group, Establishment))
        return or_(~parts.exists(), condition(lambda column: parts.where(AudienceRulePart.value == column).exists()))

    return _child_matches(AudienceRule.city_id, AudienceRule.born_from, AudienceRule.born_until,
                          dimension, school_year)


def _literal_dates(criteria: Criteria, today: date):
    born_from, born_until = criteria.birth_range(today)
    return (None if born_from is None else literal(born_from, Date),
            None if born_until is None else literal(born_until, Date))


def criteria_match(city_id: int, criteria: Criteria, now: datetime):
    """SQL over ``Child``: the child is reached by these criteria (typed, not stored yet)."""
    def dimension(kind, condition):
        values = criteria.values(kind)
        return condition(lambda column: column.in_(values)) if values else true()

    born_from, born_until = _literal_dates(criteria, to_local(now).date())
    return _child_matches(city_id, born_from, born_until, dimension, current_school_year(now))


def count_families(city_id: int, criteria: Criteria, now: datetime) -> int:
    """How many families (households) these criteria reach in the city, in one query."""
    if criteria.is_empty:
        return 0
    links = (select(literal_column("0").label("scope"), GuardianLink.user_id.label("guardian_id"),
                    GuardianLink.child_id.label("child_id"))
             .join(Child, Child.id == GuardianLink.child_id)
             .where(criteria_match(city_id, criteria, now)))
    family = households.family_of_children(links)
    return db.session.scalar(select(func.count(distinct(family.c.family_id)))) or 0


def store_rule(city_id: int, criteria: Criteria, now: datetime) -> AudienceRule:
    """One rule row and its parts, the birth dates fixed now; flushed, the caller commits."""
    born_from, born_until = criteria.birth_range(to_local(now).date())
    rule = AudienceRule(city_id=city_id, min_age=criteria.min_age, max_age=criteria.max_age,
                        age_on=(criteria.age_on or to_local(now).date()) if criteria.min_age is not None
                        or criteria.max_age is not None else None,
                        born_from=born_from, born_until=born_until, created_dt=now)
    rule.parts = [AudienceRulePart(kind=kind, value=value) for kind in DIMENSIONS for value in criteria.values(kind)]
    db.session.add(rule)
    db.session.flush()
    return rule


def reached_rule_ids(child_ids: list[int], school_year: str) -> set[tuple[int, int]]:
    """(child id, rule id) pairs for these children (tests and tools; readers get them inside
    ``audience.keys.reader_keys``'s single query)."""
    return set(db.session.execute(
        select(Child.id, AudienceRule.id).join(AudienceRule, AudienceRule.city_id == Child.city_id)
        .where(Child.id.in_(child_ids), stored_rule_matches(school_year))).all())


@dataclass(frozen=True)
class Dimensions:
    """The values a city agent may choose from in their city (the form's lists); schools are
    (id, public id, name): forms show the public id, never the internal one."""

    schools: list[tuple[int, str, str]] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    kinds: tuple[str, ...] = PeriscolaireKind.ALL


def city_dimensions(city_id: int) -> Dimensions:
    """One query: the city's schools and their districts."""
    schools = db.session.execute(
        select(Establishment.id, Establishment.public_id, Establishment.name, Establishment.district)
        .where(Establishment.city_id == city_id, Establishment.kind == EstablishmentKind.SCHOOL)
        .order_by(Establishment.name, Establishment.id)).all()
    return Dimensions(schools=[(i, ref, name) for i, ref, name, _ in schools],
                      districts=sorted({d for *_, d in schools if d}))
