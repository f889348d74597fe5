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
database. ``ReaderKeys.city_keys`` and the ``city_id`` column of ``child_keys_subquery`` say
in which city each such key holds.

Only children still on the roster (``left_dt`` is null) and their guardians are reached.
The same rules exist twice, on purpose: in Python for one reader (``reader_keys``, one query
per request) and in SQL for counting families (``child_keys_subquery``); a test checks that
both agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    false,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)

from ent_lite.activities.indicator import has_class, has_reached
from ent_lite.audience.criteria import stored_rule_matches
from ent_lite.audience.models import AudienceRule
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts.models import PostAudience
from ent_lite.school.services import current_school_year, is_school_year
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


def child_keys_subquery(school_year: str | None = None, post_ids=None, keys=None, kinds=None):
    """Every current child's keys as rows (child_id, kind, value, city_id): the SQL twin of
    reader_keys. ``city_id`` is the city where a district, level or "all" key holds (null for
    group and establishment keys, which name their place); see ``matches_post_key``.

    ``post_ids`` (a list or a SELECT) or ``keys`` ((kind, value) pairs): the posts or keys a
    query is about; each kind's rows are then those of the children holding one of their keys.
    The rows of other keys could match nothing, and listing them costs: every child of the
    city for a class post (a second on a tracking page for 7,000 children), and an audience
    rule matched child by child (a minute for 200 rules). None: every key.

    ``kinds``: the only kinds the query needs (those of ``keys`` when given; a post's own):
    the SELECTs of the other kinds are left out, as their rows could match nothing. All seven
    took PostgreSQL 15 to 30 ms to plan, each time, for a class post."""
    school_year = school_year or this_school_year()
    if keys is not None and kinds is None:
        kinds = {kind for kind, _ in keys}

    def rows(child_id, kind: str, value, city_id=None):
        # Constants are inlined so PostgreSQL can type the UNION without bound parameters.
        return select(
            child_id.label("child_id"),
            literal_column(f"'{kind}'", String).label("kind"),
            value.label("value"),
            (city_id if city_id is not None else cast(null(), Integer)).label("city_id"),
        )

    def wanted(kind: str, value) -> ColumnElement[bool]:
        """The row's ``value`` is one of the wanted keys of this kind."""
        if post_ids is not None:
            return value.in_(select(PostAudience.value).where(PostAudience.post_id.in_(post_ids),
                                                              PostAudience.kind == kind))
        return true() if keys is None else value.in_(sorted({v for k, v in keys if k == kind}))

    def wanted_ids(model, kind: str):
        # The few wanted rows' ids, so the enrolments are found by their index.
        return select(model.id).where(wanted(kind, cast(model.id, String(100))))

    current = Child.left_dt.is_(None)
    this_year = Group.school_year == school_year
    in_group = (
        rows(Enrolment.child_id, GROUP, cast(Enrolment.group_id, String(100)))
        .join(Group, Group.id == Enrolment.group_id)
        .join(Child, Child.id == Enrolment.child_id)
        .where(current, this_year, Enrolment.group_id.in_(wanted_ids(Group, GROUP)))
    )
    in_establishment = (
        rows(Enrolment.child_id, ESTABLISHMENT, cast(Group.establishment_id, String(100)))
        .join(Group, Group.id == Enrolment.group_id)
        .join(Child, Child.id == Enrolment.child_id)
        .where(current, this_year, Group.establishment_id.in_(wanted_ids(Establishment, ESTABLISHMENT)))
    )
    in_district = (
        rows(Enrolment.child_id, DISTRICT, Establishment.district, Establishment.city_id)
        .join(Group, Group.id == Enrolment.group_id)
        .join(Establishment, Establishment.id == Group.establishment_id)
        .join(Child, Child.id == Enrolment.child_id)
        .where(current, this_year, Establishment.kind == EstablishmentKind.SCHOOL,
               Establishment.district.is_not(None), Establishment.district != "",
               wanted(DISTRICT, Establishment.district))
    )
    of_level = rows(Child.id, LEVEL, Child.level, Child.city_id).where(current, Child.level != "",
                                                                       wanted(LEVEL, Child.level))
    everyone_value = literal_column("'*'", String)
    everyone = rows(Child.id, ALL, everyone_value, Child.city_id).where(current, wanted(ALL, everyone_value))
    if not is_school_year(school_year):
        raise ValueError(f"not a school year: {school_year!r}")  # inlined below: never free text
    year_value = literal_column(f"'{school_year}'", String)
    without_activity = (
        rows(Child.id, NO_ACTIVITY, year_value, Child.city_id)
        .where(current, wanted(NO_ACTIVITY, year_value), has_class(Child.id, Child.city_id, school_year),
               ~has_reached(Child.id, Child.city_id, school_year))
    )
    by_rule = (
        rows(Child.id, RULE, cast(AudienceRule.id, String(100)))
        .join(AudienceRule, AudienceRule.city_id == Child.city_id)
        .where(wanted(RULE, cast(AudienceRule.id, String(100))), stored_rule_matches(school_year))
    )
    by_kind = {GROUP: in_group, ESTABLISHMENT: in_establishment, DISTRICT: in_district, LEVEL: of_level,
               ALL: everyone, NO_ACTIVITY: without_activity, RULE: by_rule}
    needed = [query for kind, query in by_kind.items() if kinds is None or kind in kinds]
    # No kind needed: one SELECT keeps the columns, and its false() condition the rows out.
    return union_all(*needed or [in_group.where(false())]).subquery("child_keys")


def matches_post_key(child_keys, kind, value, sender_city_id) -> ColumnElement[bool]:
    """SQL: a row of ``child_keys_subquery`` matches a post's key sent from that city."""
    return and_(child_keys.c.kind == kind, child_keys.c.value == value,
                or_(child_keys.c.kind.in_(SCOPED_KINDS), child_keys.c.city_id == sender_city_id))


def sender_city(establishment_id):
    """SQL: the city of the establishment a post is sent from."""
    return select(Establishment.city_id).where(Establishment.id == establishment_id).scalar_subquery()
