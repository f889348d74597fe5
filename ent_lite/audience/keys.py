"""Audience keys: who a post is for, as a few (kind, value) rows resolved when read.

A post stores keys, never a list of recipients, so publishing to the whole city is one post
plus one key row. The kinds and what they reach (an instance serves one city):

- ("group", "<group id>"): the children enrolled in that class or periscolaire group;
- ("establishment", "<establishment id>"): the children enrolled in any group of that
  school or periscolaire site ("the whole school");
- ("district", "<name>"): the children enrolled in a school of that district (only schools
  count, so a periscolaire site elsewhere does not pull a child into another district);
- ("level", "CP"): every child of that level in the whole city (to reach the CP of one
  school, post to its classes instead);
- ("all", "*"): every family of the city;
- ("rule", "<audience rule id>"): the children a city agent's stored criteria reach (ages at
  a date, schools, districts, levels, periscolaire kinds: ``audience.criteria``). The rule
  names its city, so, like a group key, it holds wherever the post is sent from;
- ("no_activity", "2026-2027"): the children with a class that school year who have no
  confirmed registration to an activity of their city that year marked present at a session
  yet (``activities.indicator``: the children the indicator does not count as reached). It
  is resolved when read, as the others: once the child has attended an activity, the post
  no longer reaches the family through that child. Only the school year in progress matches.

District, level, "all" and "no_activity" keys name no city: they reach only the children of the city the
post is sent from (the city of its establishment), never those of another city sharing the
database. ``ReaderKeys.city_keys`` and the ``city_id`` column of ``child_keys.child_keys_subquery`` say
in which city each such key holds.

Only children still on the roster (``left_dt`` is null) and their guardians are reached.
The same rules exist twice, on purpose: in Python for one reader (``reader_keys``, one query
per request) and in SQL for counting families (``child_keys``); a test checks that
both agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Integer, and_, bindparam, cast, false, null, select, union_all

from ent_lite.activities.indicator import has_reached
from ent_lite.audience.criteria import stored_rule_matches
from ent_lite.audience.models import AudienceRule
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.services import current_school_year
from ent_lite.school.models import (
    Child,
    Enrolment,
    Establishment,
    EstablishmentKind,
    Group,
    GroupKind,
    GuardianLink,
)

GROUP = "group"
ESTABLISHMENT = "establishment"
DISTRICT = "district"
LEVEL = "level"
ALL = "all"
NO_ACTIVITY = "no_activity"
RULE = "rule"
KINDS = (GROUP, ESTABLISHMENT, RULE, DISTRICT, LEVEL, ALL, NO_ACTIVITY)

Key = tuple[str, str]
ALL_KEY: Key = (ALL, "*")
# Keys naming one group or establishment; the others hold within one city only.
SCOPED_KINDS = (GROUP, ESTABLISHMENT, RULE)
CITY_WIDE_KINDS = (DISTRICT, LEVEL, ALL, NO_ACTIVITY)


def group_key(group_id: int) -> Key:
    return (GROUP, str(group_id))


def establishment_key(establishment_id: int) -> Key:
    return (ESTABLISHMENT, str(establishment_id))


def district_key(name: str) -> Key:
    return (DISTRICT, name)


def level_key(level: str) -> Key:
    return (LEVEL, level)


def no_activity_key(school_year: str) -> Key:
    return (NO_ACTIVITY, school_year)


def rule_key(rule_id: int) -> Key:
    return (RULE, str(rule_id))


@dataclass(frozen=True)
class ChildPlace:
    """One of the reader's children as a post concerns them: "Awa (CP A)"."""

    child_id: int
    first_name: str
    group_name: str | None


@dataclass
class ReaderKeys:
    """The keys a guardian's children match, and which children each key concerns."""

    keys: frozenset[Key] = frozenset()
    children_by_key: dict[Key, list[ChildPlace]] = field(default_factory=dict)
    # {city id: the district, level and "all" keys the children match in that city}
    city_keys: dict[int, frozenset[Key]] = field(default_factory=dict)
    # {child id: its public id}, to name a child in a link (the feed's filter per child).
    public_ids: dict[int, str] = field(default_factory=dict)
    # {child id: {city id: keys}}: what city_keys holds for each child alone, so that a
    # reader narrowed to one child does not inherit a sibling's city-wide keys.
    city_keys_by_child: dict[int, dict[int, frozenset[Key]]] = field(default_factory=dict)

    @property
    def scoped_keys(self) -> frozenset[Key]:
        return frozenset(k for k in self.keys if k[0] in SCOPED_KINDS)

    def children_for(self, post_keys) -> list[ChildPlace]:
        """The reader's children a post with these keys is about, each named once."""
        seen: dict[int, ChildPlace] = {}
        # Group keys first so a class post names the class itself.
        for key in sorted(post_keys, key=lambda k: KINDS.index(k[0]) if k[0] in KINDS else len(KINDS)):
            for place in self.children_by_key.get(tuple(key), ()):
                seen.setdefault(place.child_id, place)
        return sorted(seen.values(), key=lambda p: (p.first_name, p.child_id))

    def places(self) -> list[ChildPlace]:
        """Each of the reader's current children once, by first name."""
        return self.children_for(self.children_by_key)

    def only(self, child_id: int | None) -> ReaderKeys:
        """The same reader seeing through one child alone (nothing for a child not theirs)."""
        by_key = {key: [p for p in places if p.child_id == child_id] for key, places in self.children_by_key.items()}
        by_key = {key: places for key, places in by_key.items() if places}
        cities = self.city_keys_by_child.get(child_id, {}) if child_id is not None else {}
        return ReaderKeys(keys=frozenset(by_key), children_by_key=by_key, city_keys=dict(cities),
                          public_ids={c: p for c, p in self.public_ids.items() if c == child_id},
                          city_keys_by_child={child_id: dict(cities)} if cities else {})


def this_school_year() -> str:
    """Audiences reach the groups of the school year in progress, never last year's classes."""
    return current_school_year(utcnow())


def reader_keys(user_id: int, school_year: str | None = None) -> ReaderKeys:
    """The audience keys of a guardian's current children, in one query: a row per child and
    group, then a row per child and stored audience rule reaching it (``audience.criteria``)."""
    school_year = school_year or this_school_year()
    rows = db.session.execute(_reader_rows(school_year), {"reader_id": user_id}).all()

    class_name: dict[int, str] = {}
    for child_id, _, _, group_id, group_name, group_kind, *_ in rows:
        if group_id is not None and group_kind == GroupKind.CLASS:
            class_name.setdefault(child_id, group_name)  # latest school year first

    by_key: dict[Key, dict[int, ChildPlace]] = {}
    city_keys: dict[int, set[Key]] = {}
    per_child: dict[int, dict[int, set[Key]]] = {}
    public_ids: dict[int, str] = {}

    def add(key: Key, child_id: int, first_name: str, group_name: str | None, city_id: int | None = None) -> None:
        by_key.setdefault(key, {}).setdefault(child_id, ChildPlace(child_id, first_name, group_name))
        if city_id is not None:
            city_keys.setdefault(city_id, set()).add(key)
            per_child.setdefault(child_id, {}).setdefault(city_id, set()).add(key)

    for (child_id, first_name, level, group_id, group_name, group_kind, _,
         est_id, est_kind, district, child_city, est_city, public_id, reached, rule_id) in rows:
        public_ids[child_id] = public_id
        in_class = class_name.get(child_id)
        if rule_id is not None:
            add(rule_key(rule_id), child_id, first_name, in_class)
            continue
        add(ALL_KEY, child_id, first_name, in_class, child_city)
        if level:
            add(level_key(level), child_id, first_name, in_class, child_city)
        if group_id is None:
            continue
        if (group_kind == GroupKind.CLASS and est_kind == EstablishmentKind.SCHOOL
                and est_city == child_city and not reached):
            add(no_activity_key(school_year), child_id, first_name, in_class, child_city)
        add(group_key(group_id), child_id, first_name, group_name)
        add(establishment_key(est_id), child_id, first_name, in_class or group_name)
        if est_kind == EstablishmentKind.SCHOOL and district:
            add(district_key(district), child_id, first_name, in_class, est_city)

    children = {key: list(places.values()) for key, places in by_key.items()}
    return ReaderKeys(keys=frozenset(children), children_by_key=children,
                      city_keys={city: frozenset(found) for city, found in city_keys.items()},
                      public_ids=public_ids,
                      city_keys_by_child={child: {city: frozenset(found) for city, found in cities.items()}
                                          for child, cities in per_child.items()})


@lru_cache(maxsize=4)
def _reader_rows(school_year: str):
    """``reader_keys``'s SELECT for a school year, the guardian a bound parameter: built once,
    as every page of a guardian asks it (building it took longer than running it)."""
    mine = (GuardianLink.user_id == bindparam("reader_id", type_=Integer), Child.left_dt.is_(None))
    in_groups = (
        select(
            Child.id.label("child_id"), Child.first_name, Child.level,
            Group.id.label("group_id"), Group.name, Group.kind, Group.school_year.label("school_year"),
            Establishment.id, Establishment.kind, Establishment.district,
            Child.city_id, Establishment.city_id, Child.public_id,
            has_reached(Child.id, Child.city_id, school_year), cast(null(), Integer),
        )
        .join(GuardianLink, GuardianLink.child_id == Child.id)
        .outerjoin(Enrolment, Enrolment.child_id == Child.id)
        .outerjoin(Group, and_(Group.id == Enrolment.group_id, Group.school_year == school_year))
        .outerjoin(Establishment, Establishment.id == Group.establishment_id)
        .where(*mine)
    )
    none = lambda column: cast(null(), column.type)  # noqa: E731  (typed for PostgreSQL's UNION)
    by_rule = (
        select(
            Child.id, Child.first_name, Child.level,
            none(Group.id), none(Group.name), none(Group.kind), none(Group.school_year),
            none(Establishment.id), none(Establishment.kind), none(Establishment.district),
            Child.city_id, none(Establishment.city_id), Child.public_id, false(), AudienceRule.id,
        )
        .join(GuardianLink, GuardianLink.child_id == Child.id)
        .join(AudienceRule, AudienceRule.city_id == Child.city_id)
        .where(*mine, stored_rule_matches(school_year))
    )
    both = union_all(in_groups, by_rule).subquery("reader_rows")
    return select(both).order_by(both.c.child_id, both.c.school_year.desc(), both.c.group_id)
