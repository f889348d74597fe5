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
- ("all", "*"): every family of the city.

Only children still on the roster (``left_dt`` is null) and their guardians are reached.
The same rules exist twice, on purpose: in Python for one reader (``reader_keys``, one query
per request) and in SQL for counting families (``child_keys_subquery``); a test checks that
both agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import String, and_, cast, literal_column, select, union_all

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
KINDS = (GROUP, ESTABLISHMENT, DISTRICT, LEVEL, ALL)

Key = tuple[str, str]
ALL_KEY: Key = (ALL, "*")


def group_key(group_id: int) -> Key:
    return (GROUP, str(group_id))


def establishment_key(establishment_id: int) -> Key:
    return (ESTABLISHMENT, str(establishment_id))


def district_key(name: str) -> Key:
    return (DISTRICT, name)


def level_key(level: str) -> Key:
    return (LEVEL, level)


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

    def children_for(self, post_keys) -> list[ChildPlace]:
        """The reader's children a post with these keys is about, each named once."""
        seen: dict[int, ChildPlace] = {}
        # Group keys first so a class post names the class itself.
        for key in sorted(post_keys, key=lambda k: KINDS.index(k[0]) if k[0] in KINDS else len(KINDS)):
            for place in self.children_by_key.get(tuple(key), ()):
                seen.setdefault(place.child_id, place)
        return sorted(seen.values(), key=lambda p: (p.first_name, p.child_id))


def this_school_year() -> str:
    """Audiences reach the groups of the school year in progress, never last year's classes."""
    return current_school_year(utcnow())


def reader_keys(user_id: int, school_year: str | None = None) -> ReaderKeys:
    """The audience keys of a guardian's current children, in one query."""
    school_year = school_year or this_school_year()
    rows = db.session.execute(
        select(
            Child.id, Child.first_name, Child.level,
            Group.id, Group.name, Group.kind, Group.school_year,
            Establishment.id, Establishment.kind, Establishment.district,
        )
        .join(GuardianLink, GuardianLink.child_id == Child.id)
        .outerjoin(Enrolment, Enrolment.child_id == Child.id)
        .outerjoin(Group, and_(Group.id == Enrolment.group_id, Group.school_year == school_year))
        .outerjoin(Establishment, Establishment.id == Group.establishment_id)
        .where(GuardianLink.user_id == user_id, Child.left_dt.is_(None))
        .order_by(Child.id, Group.school_year.desc(), Group.id)
    ).all()

    class_name: dict[int, str] = {}
    for child_id, _, _, group_id, group_name, group_kind, *_ in rows:
        if group_id is not None and group_kind == GroupKind.CLASS:
            class_name.setdefault(child_id, group_name)  # latest school year first

    by_key: dict[Key, dict[int, ChildPlace]] = {}

    def add(key: Key, child_id: int, first_name: str, group_name: str | None) -> None:
        by_key.setdefault(key, {}).setdefault(child_id, ChildPlace(child_id, first_name, group_name))

    for (child_id, first_name, level, group_id, group_name, _, _,
         est_id, est_kind, district) in rows:
        in_class = class_name.get(child_id)
        add(ALL_KEY, child_id, first_name, in_class)
        if level:
            add(level_key(level), child_id, first_name, in_class)
        if group_id is None:
            continue
        add(group_key(group_id), child_id, first_name, group_name)
        add(establishment_key(est_id), child_id, first_name, in_class or group_name)
        if est_kind == EstablishmentKind.SCHOOL and district:
            add(district_key(district), child_id, first_name, in_class)

    children = {key: list(places.values()) for key, places in by_key.items()}
    return ReaderKeys(keys=frozenset(children), children_by_key=children)


def child_keys_subquery(school_year: str | None = None):
    """Every current child's keys as rows (child_id, kind, value): the SQL twin of reader_keys."""
    school_year = school_year or this_school_year()

    def rows(child_id, kind: str, value):
        # Constants are inlined so PostgreSQL can type the UNION without bound parameters.
        return select(
            child_id.label("child_id"),
            literal_column(f"'{kind}'", String).label("kind"),
            value.label("value"),
        )

    current = Child.left_dt.is_(None)
    this_year = Group.school_year == school_year
    in_group = (
        rows(Enrolment.child_id, GROUP, cast(Enrolment.group_id, String(100)))
        .join(Group, Group.id == Enrolment.group_id)
        .join(Child, Child.id == Enrolment.child_id).where(current, this_year)
    )
    in_establishment = (
        rows(Enrolment.child_id, ESTABLISHMENT, cast(Group.establishment_id, String(100)))
        .join(Group, Group.id == Enrolment.group_id)
        .join(Child, Child.id == Enrolment.child_id).where(current, this_year)
    )
    in_district = (
        rows(Enrolment.child_id, DISTRICT, Establishment.district)
        .join(Group, Group.id == Enrolment.group_id)
        .join(Establishment, Establishment.id == Group.establishment_id)
        .join(Child, Child.id == Enrolment.child_id)
        .where(current, this_year, Establishment.kind == EstablishmentKind.SCHOOL,
               Establishment.district.is_not(None), Establishment.district != "")
    )
    of_level = rows(Child.id, LEVEL, Child.level).where(current, Child.level != "")
    everyone = rows(Child.id, ALL, literal_column("'*'", String)).where(current)
    return union_all(in_group, in_establishment, in_district, of_level, everyone).subquery("child_keys")
