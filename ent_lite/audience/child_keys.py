"""The audience keys' SQL twin: every current child's keys as rows, for counting families.

``keys.reader_keys`` resolves one reader's keys in Python; pages that count or list the
families a post reaches (read statistics, the tracking page, audience sizes while writing)
need the same rules for many children at once, in SQL: ``child_keys_subquery`` gives rows
(child_id, kind, value, city_id) and ``matches_post_key`` joins them to a post's keys. A test
checks that both twins agree (tests/posts/test_services.py).
"""
from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
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
from ent_lite.audience.keys import (
    ALL,
    DISTRICT,
    ESTABLISHMENT,
    GROUP,
    LEVEL,
    NO_ACTIVITY,
    RULE,
    SCOPED_KINDS,
    this_school_year,
)
from ent_lite.audience.models import AudienceRule
from ent_lite.posts.models import PostAudience
from ent_lite.school.models import Child, Enrolment, Establishment, EstablishmentKind, Group
from ent_lite.school.services import is_school_year


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

    def in_group():
        return (rows(Enrolment.child_id, GROUP, cast(Enrolment.group_id, String(100)))
                .join(Group, Group.id == Enrolment.group_id)
                .join(Child, Child.id == Enrolment.child_id)
                .where(current, this_year, Enrolment.group_id.in_(wanted_ids(Group, GROUP))))

    def in_establishment():
        return (rows(Enrolment.child_id, ESTABLISHMENT, cast(Group.establishment_id, String(100)))
                .join(Group, Group.id == Enrolment.group_id)
                .join(Child, Child.id == Enrolment.child_id)
                .where(current, this_year, Group.establishment_id.in_(wanted_ids(Establishment, ESTABLISHMENT))))

    def in_district():
        return (rows(Enrolment.child_id, DISTRICT, Establishment.district, Establishment.city_id)
                .join(Group, Group.id == Enrolment.group_id)
                .join(Establishment, Establishment.id == Group.establishment_id)
                .join(Child, Child.id == Enrolment.child_id)
                .where(current, this_year, Establishment.kind == EstablishmentKind.SCHOOL,
                       Establishment.district.is_not(None), Establishment.district != "",
                       wanted(DISTRICT, Establishment.district)))

    def of_level():
        return rows(Child.id, LEVEL, Child.level, Child.city_id).where(current, Child.level != "",
                                                                        wanted(LEVEL, Child.level))

    def everyone():
        value = literal_column("'*'", String)
        return rows(Child.id, ALL, value, Child.city_id).where(current, wanted(ALL, value))

    def without_activity():
        if not is_school_year(school_year):
            raise ValueError(f"not a school year: {school_year!r}")  # inlined below: never free text
        year_value = literal_column(f"'{school_year}'", String)
        return (rows(Child.id, NO_ACTIVITY, year_value, Child.city_id)
                .where(current, wanted(NO_ACTIVITY, year_value), has_class(Child.id, Child.city_id, school_year),
                       ~has_reached(Child.id, Child.city_id, school_year)))

    def by_rule():
        return (rows(Child.id, RULE, cast(AudienceRule.id, String(100)))
                .join(AudienceRule, AudienceRule.city_id == Child.city_id)
                .where(wanted(RULE, cast(AudienceRule.id, String(100))), stored_rule_matches(school_year)))

    # Only the kinds needed are built: building all seven cost more than running the query.
    build = {GROUP: in_group, ESTABLISHMENT: in_establishment, DISTRICT: in_district, LEVEL: of_level,
             ALL: everyone, NO_ACTIVITY: without_activity, RULE: by_rule}
    needed = [query() for kind, query in build.items() if kinds is None or kind in kinds]
    # No kind needed: one SELECT keeps the columns, and its false() condition the rows out.
    return union_all(*needed or [in_group().where(false())]).subquery("child_keys")


def matches_post_key(child_keys, kind, value, sender_city_id) -> ColumnElement[bool]:
    """SQL: a row of ``child_keys_subquery`` matches a post's key sent from that city."""
    return and_(child_keys.c.kind == kind, child_keys.c.value == value,
                or_(child_keys.c.kind.in_(SCOPED_KINDS), child_keys.c.city_id == sender_city_id))


def sender_city(establishment_id):
    """SQL: the city of the establishment a post is sent from."""
    return select(Establishment.city_id).where(Establishment.id == establishment_id).scalar_subquery()
