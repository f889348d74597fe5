"""What one user reaches, computed once per request: the ground every other rule stands on.

``reach_of(user)`` answers in one query which audience keys, groups and establishments a user
reaches (a guardian through their current children, staff through their memberships) and which
establishments they run (a director's schools, a site lead's sites). ``any_key`` and
``reader_matches`` turn those keys into the SQL that posts and calendar events share, so a
post and an event sent to the same audience reach the same people. ``role_of`` is the role of a
signed-in user with a known role, None for anyone else: every rule denies by default on None.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, false, or_, select, union_all

from ent_lite.accounts.models import Membership, Role, User
from ent_lite.audience import keys as audience_keys
from ent_lite.audience.keys import Key, ReaderKeys
from ent_lite.core.aliases import alias_of
from ent_lite.extensions import db
from ent_lite.posts.models import Post, PostAudience
from ent_lite.school.models import Establishment, EstablishmentKind

POSTING_ROLES = (Role.TEACHER, Role.DIRECTOR, Role.ANIMATOR, Role.CITY_AGENT)
# Staff who read posts; admin and DPO never do.
READING_STAFF = POSTING_ROLES
# Staff who see the children of their groups (and, for directors, of their school).
CHILD_STAFF = (Role.TEACHER, Role.DIRECTOR, Role.ANIMATOR)


@dataclass(frozen=True)
class Reach:
    """What one user reaches, computed once per request by `reach_of`."""

    user_id: int | None = None
    role: str | None = None
    # Guardian: their children's keys; staff: their groups' and establishments' keys.
    keys: frozenset[Key] = frozenset()
    group_ids: frozenset[int] = frozenset()
    # The establishments this user runs: a director's schools, a site lead's periscolaire sites.
    directed_ids: frozenset[int] = frozenset()
    children: ReaderKeys = field(default_factory=ReaderKeys)
    # SELECTs built from this reach and answers found with it, kept for the rest of the request
    # (``built_once``): a page asks "which posts" and "may they read this one" several times.
    # Not copied by ``dataclasses.replace``: a narrowed reach builds its own.
    built: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def built_once(self, key, build):
        """``build()``, once per ``key`` for this reach (each reach lives one request)."""
        if self.user_id is None:  # NOBODY is shared by every request: keep nothing on it
            return build()
        if key not in self.built:
            self.built[key] = build()
        return self.built[key]


NOBODY = Reach()


def _runs_kind(role: str, establishment_kind: str) -> bool:
    """Whether a site-wide membership makes its holder run the establishment."""
    return role == Role.DIRECTOR or (role == Role.ANIMATOR and establishment_kind == EstablishmentKind.PERISCOLAIRE)


def runs_membership(establishment_ids) -> ColumnElement[bool]:
    """SQL on Membership and User: a site-wide membership that runs one of these establishments
    (a director's school, a site lead's periscolaire site); the SQL twin of `_runs_kind`."""
    sites = select(Establishment.id).where(Establishment.kind == EstablishmentKind.PERISCOLAIRE)
    return and_(Membership.group_id.is_(None), Membership.establishment_id.in_(establishment_ids),
                or_(User.role == Role.DIRECTOR,
                    and_(User.role == Role.ANIMATOR, Membership.establishment_id.in_(sites))))


def led_site_ids(user, reach: Reach | None = None) -> frozenset[int]:
    """The periscolaire sites a site lead runs; empty for every other role."""
    reach = reach or reach_of(user)
    return reach.directed_ids if reach.role == Role.ANIMATOR else frozenset()


def reach_of(user) -> Reach:
    """One query: a guardian's children and their groups, or a staff member's memberships."""
    if not getattr(user, "is_authenticated", False) or user.role not in Role.ALL:
        return NOBODY
    if user.role == Role.GUARDIAN:
        children = audience_keys.reader_keys(user.id)
        return Reach(user.id, user.role, keys=children.keys, children=children)
    if user.role not in READING_STAFF:
        return Reach(user.id, user.role)
    rows = db.session.execute(
        select(Membership.establishment_id, Membership.group_id, Establishment.kind)
        .join(Establishment, Establishment.id == Membership.establishment_id).where(Membership.user_id == user.id)
    ).all()
    group_ids = frozenset(g for _, g, _ in rows if g is not None)
    staff_keys = {audience_keys.group_key(g) for g in group_ids}
    staff_keys |= {audience_keys.establishment_key(e) for e, _, _ in rows}
    directed = frozenset(e for e, g, kind in rows if g is None and _runs_kind(user.role, kind))
    return Reach(user.id, user.role, keys=frozenset(staff_keys), group_ids=group_ids, directed_ids=directed)


def key_rows(keys, owner=Post, row=PostAudience):
    """SELECT of the ids of the posts (or other owners, see ``any_key``) with an audience row
    among these keys, grouped by kind for the (kind, value) index; None for no key."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    for kind, value in keys:
        by_kind[kind].add(value)
    if not by_kind:
        return None
    (_, owner_column), = owner.audience.property.synchronize_pairs
    return select(owner_column).where(or_(*(
        and_(row.kind == kind, row.value.in_(sorted(values)))
        for kind, values in sorted(by_kind.items())
    )))


def any_of(selects, column) -> ColumnElement[bool]:
    """``column IN`` the ids of any of these SELECTs (None entries skipped), as ONE subquery.

    Several ``IN (subquery)`` joined by OR cannot be semi-joins: PostgreSQL then tests every
    row of the table against each hashed subquery (the family feed read all 318,573 posts of
    a 100,000-child city, 185 ms). One ``IN (… UNION ALL …)`` starts from the few ids instead.
    The SELECTs must not name the outer query's table: use an alias there."""
    found = [s for s in selects if s is not None]
    if not found:
        return false()
    return column.in_(found[0] if len(found) == 1 else union_all(*found))


def any_key(keys, owner=Post, row=PostAudience) -> ColumnElement[bool]:
    """The post (or another owner of audience rows, such as a calendar event, with
    ``owner.audience`` and ``row.kind/value``) has an audience row among these keys."""
    # owner.id IN (the audience rows' owner ids), not EXISTS: the database starts from the
    # (kind, value) index and reaches a reader's few hundred posts, where a correlated EXISTS
    # is tried on every post of the city (150 ms a feed page for a city of 7,000 children).
    return any_of([key_rows(keys, owner, row)], owner.id)


def reader_rows(children: ReaderKeys, owner=Post, row=PostAudience) -> list:
    """SELECTs of the ids of the posts (or events) reaching a guardian's child (see
    ``reader_matches``), one per city for the district, level and "all" keys."""
    selects = [key_rows(children.scoped_keys, owner, row)]
    (_, owner_column), = owner.audience.property.synchronize_pairs
    sender = alias_of(owner, "sender")
    for city_id, keys in sorted(children.city_keys.items()):
        in_city = key_rows(keys, owner, row)
        if in_city is not None:
            selects.append(in_city.join(sender, sender.id == owner_column)
                           .join(Establishment, Establishment.id == sender.establishment_id)
                           .where(Establishment.city_id == city_id))
    return selects


def reader_matches(children: ReaderKeys, owner=Post, row=PostAudience) -> ColumnElement[bool]:
    """A post (or event) reaches a guardian's child by a group, school or audience-rule key
    (the rule names its city), or by a district, level or "all" key when it is sent from the
    city where the child matches that key."""
    return any_of(reader_rows(children, owner, row), owner.id)


def role_of(user) -> str | None:
    return user.role if getattr(user, "is_authenticated", False) and user.role in Role.ALL else None


def may_give_consents(user) -> bool:
    """Guardians decide the optional consents (for their children and for themselves); staff,
    admin and the DPO have none to give."""
    return role_of(user) == Role.GUARDIAN
