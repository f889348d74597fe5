"""The one place that answers who may post to, read, or see whom. Deny by default.

Views and list queries call these functions and nothing else: `visible_*` return SELECTs
(used by lists and, through `can_*`, by single objects, so a list and a page never disagree),
`can_*` are small predicates. A rule that changes changes here.

- guardian: reads the posts whose audience keys match one of their current children;
  sees their own current children; posts nothing.
- teacher: posts to their classes; reads what they wrote and what targets their classes or
  their school; sees the children of their classes.
- director: a teacher with a whole-school membership (group_id null) on their school: posts
  to the whole school or any of its classes; reads and sees everything of the school, and
  the read statistics of every post sent from it.
- animator: posts to their periscolaire groups; reads and sees as a teacher does for them.
- city_agent: posts from their city service (the establishment of their membership) to all
  families, a school, a district or a level; reads what they wrote.
- admin, dpo: no post, no child (the DPO never reads message content).

Callers that ask several questions in one request compute `reach_of(user)` once and pass it.
Later rules (who may write to whom in conversations) belong here too, built on `Reach`.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, false, or_, select

from ent_lite.accounts.models import Membership, Role
from ent_lite.audience import keys as audience_keys
from ent_lite.audience.keys import Key, ReaderKeys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts.models import Post, PostAudience
from ent_lite.school.models import (
    LEVELS,
    Child,
    Enrolment,
    Establishment,
    EstablishmentKind,
    Group,
    GroupKind,
    GuardianLink,
)

POSTING_ROLES = (Role.TEACHER, Role.DIRECTOR, Role.ANIMATOR, Role.CITY_AGENT)
# Staff who read posts; admin and DPO never do.
READING_STAFF = POSTING_ROLES
# Staff who see the children of their groups (and, for directors, of their school).
CHILD_STAFF = (Role.TEACHER, Role.DIRECTOR, Role.ANIMATOR)


@dataclass(frozen=True)
class PostTarget:
    """One audience an author may choose: an audience key, a label, and the sender.

    ``establishment_id`` is the establishment the post is sent from (the class's school,
    the director's school, the animator's site, the city agent's service). ``ref`` is what
    forms show instead of an internal id: the group's or school's random public id.
    """

    kind: str
    value: str
    label: str
    establishment_id: int
    ref: str = ""

    @property
    def key(self) -> Key:
        return (self.kind, self.value)

    @property
    def token(self) -> str:
        """The form value of this target, e.g. "group:<public id>" or "level:CP"."""
        return f"{self.kind}:{self.ref or self.value}"


@dataclass(frozen=True)
class Reach:
    """What one user reaches, computed once per request by `reach_of`."""

    user_id: int | None = None
    role: str | None = None
    # Guardian: their children's keys; staff: their groups' and establishments' keys.
    keys: frozenset[Key] = frozenset()
    group_ids: frozenset[int] = frozenset()
    directed_ids: frozenset[int] = frozenset()  # schools a director runs
    children: ReaderKeys = field(default_factory=ReaderKeys)


NOBODY = Reach()


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
        select(Membership.establishment_id, Membership.group_id).where(Membership.user_id == user.id)
    ).all()
    group_ids = frozenset(g for _, g in rows if g is not None)
    staff_keys = {audience_keys.group_key(g) for g in group_ids}
    staff_keys |= {audience_keys.establishment_key(e) for e, _ in rows}
    directed = frozenset(e for e, g in rows if g is None) if user.role == Role.DIRECTOR else frozenset()
    return Reach(user.id, user.role, keys=frozenset(staff_keys), group_ids=group_ids, directed_ids=directed)


def _any_key(keys) -> ColumnElement[bool]:
    """EXISTS one audience row of the post among these keys (grouped by kind for the index)."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    for kind, value in keys:
        by_kind[kind].add(value)
    if not by_kind:
        return false()
    return Post.audience.any(or_(*(
        and_(PostAudience.kind == kind, PostAudience.value.in_(sorted(values)))
        for kind, values in sorted(by_kind.items())
    )))


# --- posts -------------------------------------------------------------------------------

def visible_posts(user, now: datetime | None = None, reach: Reach | None = None):
    """SELECT of the posts this user may read (unordered)."""
    now = now or utcnow()
    reach = reach or reach_of(user)
    if reach.role == Role.GUARDIAN:
        return select(Post).where(Post.published_dt <= now, _any_key(reach.keys))
    if reach.role in READING_STAFF:
        sent_from_directed = Post.establishment_id.in_(sorted(reach.directed_ids)) if reach.directed_ids else false()
        return select(Post).where(or_(
            Post.author_id == reach.user_id,
            and_(Post.published_dt <= now, or_(_any_key(reach.keys), sent_from_directed)),
        ))
    return select(Post).where(false())


def can_read_post(user, post: Post, now: datetime | None = None, reach: Reach | None = None) -> bool:
    return bool(db.session.scalar(select(visible_posts(user, now, reach).where(Post.id == post.id).exists())))


def can_see_read_stats(user, post: Post, reach: Reach | None = None) -> bool:
    """The author, and the director of the school the post was sent from."""
    if not getattr(user, "is_authenticated", False) or user.role not in READING_STAFF:
        return False
    if post.author_id is not None and post.author_id == user.id:
        return True
    reach = reach or reach_of(user)
    return reach.role == Role.DIRECTOR and post.establishment_id in reach.directed_ids


def may_post(user) -> bool:
    """Whether the user's role posts at all (they may still have no target yet)."""
    return getattr(user, "is_authenticated", False) and user.role in POSTING_ROLES


def postable_targets(user) -> list[PostTarget]:
    """The audiences this user may post to, narrowest first."""
    if not may_post(user):
        return []
    if user.role == Role.CITY_AGENT:
        return _city_targets(user)
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id)
    ).all()
    own_group_ids = {m.group_id for m in memberships if m.group_id is not None}
    directed = {m.establishment_id for m in memberships if m.group_id is None} if user.role == Role.DIRECTOR else set()
    wanted_kind = GroupKind.PERISCOLAIRE if user.role == Role.ANIMATOR else GroupKind.CLASS
    in_scope = [Group.id.in_(sorted(own_group_ids))] if own_group_ids else []
    if directed:
        in_scope.append(Group.establishment_id.in_(sorted(directed)))
    if not in_scope:
        return []
    rows = db.session.execute(
        select(Group, Establishment).join(Establishment, Establishment.id == Group.establishment_id)
        .where(or_(*in_scope), Group.kind == wanted_kind,
               Group.school_year == audience_keys.this_school_year())
        .order_by(Establishment.name, Group.name, Group.id)
    ).all()
    targets = [
        PostTarget(audience_keys.GROUP, str(group.id),
                   _l("%(group)s (%(establishment)s)", group=group.name, establishment=school.name),
                   school.id, ref=group.public_id)
        for group, school in rows
    ]
    if directed:
        schools = db.session.scalars(
            select(Establishment).where(Establishment.id.in_(sorted(directed))).order_by(Establishment.name)
        ).all()
        targets += [
            PostTarget(audience_keys.ESTABLISHMENT, str(school.id),
                       _l("Whole school: %(school)s", school=school.name), school.id, ref=school.public_id)
            for school in schools
        ]
    return targets


def _city_targets(user) -> list[PostTarget]:
    """A city agent speaks for their service: without a membership there is no sender."""
    service_id = db.session.scalar(
        select(Membership.establishment_id)
        .join(Establishment, Establishment.id == Membership.establishment_id)
        .where(Membership.user_id == user.id)
        .order_by((Establishment.kind == EstablishmentKind.SERVICE).desc(), Establishment.id)
        .limit(1)
    )
    if service_id is None:
        return []
    schools = db.session.scalars(
        select(Establishment)
        .where(Establishment.city_id == user.city_id, Establishment.kind == EstablishmentKind.SCHOOL)
        .order_by(Establishment.name)
    ).all()
    districts = sorted({s.district for s in schools if s.district})
    targets = [PostTarget(audience_keys.ESTABLISHMENT, str(s.id),
                          _l("Whole school: %(school)s", school=s.name), service_id, ref=s.public_id)
               for s in schools]
    targets += [PostTarget(audience_keys.DISTRICT, d, _l("District: %(district)s", district=d), service_id)
                for d in districts]
    targets += [PostTarget(audience_keys.LEVEL, level, _l("Level %(level)s, whole city", level=level), service_id)
                for level in LEVELS]
    targets.append(PostTarget(audience_keys.ALL, "*", _l("All families of the city"), service_id))
    return targets


def can_post_to(user, target) -> bool:
    """``target`` is a PostTarget or a (kind, value) key."""
    key = target.key if isinstance(target, PostTarget) else tuple(target)
    return any(t.key == key for t in postable_targets(user))


# --- children ----------------------------------------------------------------------------

def visible_children(user, reach: Reach | None = None):
    """SELECT of the current children this user may see."""
    reach = reach or reach_of(user)
    current = Child.left_dt.is_(None)
    if reach.role == Role.GUARDIAN:
        return select(Child).where(current, Child.guardian_links.any(GuardianLink.user_id == reach.user_id))
    if reach.role in CHILD_STAFF and (reach.group_ids or reach.directed_ids):
        in_scope = []
        if reach.group_ids:
            in_scope.append(Group.id.in_(sorted(reach.group_ids)))
        if reach.directed_ids:
            in_scope.append(Group.establishment_id.in_(sorted(reach.directed_ids)))
        this_year = Group.school_year == audience_keys.this_school_year()
        return select(Child).where(current, Child.enrolments.any(Enrolment.group.has(and_(this_year, or_(*in_scope)))))
    return select(Child).where(false())


def can_see_child(user, child: Child, reach: Reach | None = None) -> bool:
    return bool(db.session.scalar(select(visible_children(user, reach).where(Child.id == child.id).exists())))
