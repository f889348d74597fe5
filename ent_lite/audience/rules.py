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
- site lead: an animator with a site-wide membership (group_id null) on a periscolaire site:
  acts for their site as a director for their school (posts to the whole site or any of its
  groups, reads and sees everything of the site, the read statistics of posts sent from it).
- city_agent: posts from their city service (the establishment of their membership) to all
  families, a school, a district or a level of their city, or the families of the children
  with no activity yet this school year, or the families matching criteria (ages at a date,
  periscolaire kinds, schools, districts, levels: one "rule" key, ``audience.criteria``,
  posted through ``audience.criteria_posting``); reads what they wrote. A city
  agent may mark a post as optional city information: it then reaches only the guardians
  who agreed to receive it (consent purpose "city_information", asked through ``consents.may``).
- district, level and "all" audiences hold in the city the post is sent from only
  (``audience.keys``): a post never crosses to another city's families.
- admin, dpo: no post, no child (the DPO never reads message content).

Callers that ask several questions in one request compute `reach_of(user)` once and pass it.
Later rules (who may write to whom in conversations) belong here too, built on `Reach`.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, false, or_, select

from ent_lite.accounts.models import Membership, Role, User
from ent_lite.audience import keys as audience_keys
from ent_lite.audience.keys import Key, ReaderKeys
from ent_lite.consents import services as consents
from ent_lite.conversations.models import Message, Thread, ThreadMember
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import photo_tags
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
    # The establishments this user runs: a director's schools, a site lead's periscolaire sites.
    directed_ids: frozenset[int] = frozenset()
    children: ReaderKeys = field(default_factory=ReaderKeys)


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


def any_key(keys, owner=Post, row=PostAudience) -> ColumnElement[bool]:
    """The post (or another owner of audience rows, such as a calendar event, with
    ``owner.audience`` and ``row.kind/value``) has an audience row among these keys, grouped
    by kind for the index."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    for kind, value in keys:
        by_kind[kind].add(value)
    if not by_kind:
        return false()
    # owner.id IN (the audience rows' owner ids), not EXISTS: the database starts from the
    # (kind, value) index and reaches a reader's few hundred posts, where a correlated EXISTS
    # is tried on every post of the city (150 ms a feed page for a city of 7,000 children).
    (_, owner_column), = owner.audience.property.synchronize_pairs
    return owner.id.in_(select(owner_column).where(or_(*(
        and_(row.kind == kind, row.value.in_(sorted(values)))
        for kind, values in sorted(by_kind.items())
    ))))


def reader_matches(children: ReaderKeys, owner=Post, row=PostAudience) -> ColumnElement[bool]:
    """A post (or event) reaches a guardian's child by a group, school or audience-rule key
    (the rule names its city), or by a district, level or "all" key when it is sent from the
    city where the child matches that key."""
    in_city = [and_(owner.establishment_id.in_(select(Establishment.id).where(Establishment.city_id == city_id)),
                    any_key(keys, owner, row))
               for city_id, keys in sorted(children.city_keys.items())]
    return or_(any_key(children.scoped_keys, owner, row), *in_city)


def may_send_optional_info(user) -> bool:
    """City agents alone mark a post as optional city information."""
    return may_post(user) and user.role == Role.CITY_AGENT


# --- posts -------------------------------------------------------------------------------

def post_is_live(now: datetime) -> ColumnElement[bool]:
    """Published (a scheduled post waits for its time) and not yet expired."""
    return and_(Post.published_dt <= now, or_(Post.expires_dt.is_(None), Post.expires_dt > now))


def visible_posts(user, now: datetime | None = None, reach: Reach | None = None):
    """SELECT of the posts this user may read (unordered).

    Readers see a post from its publication time until it expires; its author sees it
    always, and a director keeps the expired posts sent from their school (to manage them).
    """
    now = now or utcnow()
    reach = reach or reach_of(user)
    if reach.role == Role.GUARDIAN:
        # Optional city information: consents.may(guardian, CITY_INFORMATION), as part of the query.
        agreed = consents.agreeing_guardians(consents.CITY_INFORMATION, now, guardian_id=reach.user_id).exists()
        return select(Post).where(post_is_live(now), reader_matches(reach.children),
                                  or_(Post.is_optional_info.is_(False), agreed))
    if reach.role in READING_STAFF:
        sent_from_directed = (
            and_(Post.published_dt <= now, Post.establishment_id.in_(sorted(reach.directed_ids)))
            if reach.directed_ids else false()
        )
        return select(Post).where(or_(
            Post.author_id == reach.user_id,
            sent_from_directed,
            and_(post_is_live(now), any_key(reach.keys)),
        ))
    return select(Post).where(false())


def can_read_post(user, post: Post, now: datetime | None = None, reach: Reach | None = None) -> bool:
    return bool(db.session.scalar(select(visible_posts(user, now, reach).where(Post.id == post.id).exists())))


def can_see_read_stats(user, post: Post, reach: Reach | None = None) -> bool:
    """The author, and the director (or site lead) of the establishment the post was sent from."""
    if not getattr(user, "is_authenticated", False) or user.role not in READING_STAFF:
        return False
    if post.author_id is not None and post.author_id == user.id:
        return True
    reach = reach or reach_of(user)
    return post.establishment_id in reach.directed_ids


def may_read_news(user) -> bool:
    """Families and the staff who read what they reach; admin and DPO have no feed."""
    return getattr(user, "is_authenticated", False) and user.role in (Role.GUARDIAN, *READING_STAFF)


def may_post(user) -> bool:
    """Whether the user's role posts at all (they may still have no target yet)."""
    return getattr(user, "is_authenticated", False) and user.role in POSTING_ROLES


def postable_targets(user) -> list[PostTarget]:
    """The audiences this user may post to, narrowest first."""
    if not may_post(user):
        return []
    if user.role == Role.CITY_AGENT:
        return _city_targets(user)
    reach = reach_of(user)
    own_group_ids, directed = reach.group_ids, reach.directed_ids
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
                       _l("Whole site: %(site)s", site=school.name) if school.kind == EstablishmentKind.PERISCOLAIRE
                       else _l("Whole school: %(school)s", school=school.name), school.id, ref=school.public_id)
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
    year = audience_keys.this_school_year()
    targets.append(PostTarget(audience_keys.NO_ACTIVITY, year,
                              _l("Families of children with no activity yet in %(year)s", year=year), service_id))
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


# --- conversations -----------------------------------------------------------------------
# A child thread is with ONE establishment (a school or a periscolaire site). It is read by
# all the child's guardians and by that establishment's staff of the child's current groups:
# the class teachers and the school's directors, or the animators of the child's groups at a
# periscolaire site. School and periscolaire talk with a family separately on purpose (two
# services, two teams). A staff thread is read by its members still working in its
# establishment. Nobody else: never a guardian of another child, never an admin or the DPO.
# Like posts, `visible_threads` is the rule and `can_read_thread` asks it about one thread.
#
# A city service is a shared inbox. A guardian writes to any service of their city that has an
# enabled agent, optionally about one of their current children; the thread records the
# guardian (``Thread.guardian_id``). It is read by every city agent with a membership on that
# service, by the guardian who wrote, and, about a child, by all the child's current guardians
# (as a child thread). Never by another service's agents, teachers, another family, another
# city, an admin or the DPO. Each reader keeps their own read mark: agent A opening a thread
# does not mark it read for agent B, who still sees A's answer as new. Agents answer and close.
#
# An agent starts a service thread with a family only about a child who has a relationship with
# their service (`agent_may_write_to`): never by browsing the city's families (data
# minimisation). The thread is about that child, so the same readers apply as above.

# Staff who may take part in staff-to-staff threads (CHILD_STAFF also talk with families).
THREAD_STAFF = (Role.TEACHER, Role.DIRECTOR, Role.ANIMATOR, Role.CITY_AGENT)
WITHDRAW_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class ThreadContact:
    """Someone a guardian may write to about a child: one staff member, or a whole team (user_id None)."""

    child_id: int
    child_public_id: str
    child_first_name: str
    establishment_id: int
    establishment_public_id: str
    establishment_name: str
    group_names: tuple[str, ...]
    user_id: int | None = None
    user_public_id: str = ""
    name: str = ""
    role: str = ""


@dataclass(frozen=True)
class ServiceContact:
    """A city service a guardian may write to: its shared inbox, read by all its agents."""

    establishment_id: int
    establishment_public_id: str
    establishment_name: str


def role_of(user) -> str | None:
    return user.role if getattr(user, "is_authenticated", False) and user.role in Role.ALL else None


def may_use_messages(user) -> bool:
    """Families and staff who take part in threads; admin and DPO have no inbox."""
    return role_of(user) in (Role.GUARDIAN, *THREAD_STAFF)


def _current_groups(child_id, establishment_id=None):
    """SELECT of the ids of a child's groups this school year (in one establishment if given)."""
    query = (select(Group.id).join(Enrolment, Enrolment.group_id == Group.id)
             .where(Enrolment.child_id == child_id, Group.school_year == audience_keys.this_school_year()))
    if establishment_id is not None:
        query = query.where(Group.establishment_id == establishment_id)
    return query


def _is_child_staff(user_id: int, role: str, child_id, establishment_id) -> ColumnElement[bool]:
    """SQL: the user is staff of one of the child's current groups in that establishment."""
    mine = Group.id.in_(select(Membership.group_id).where(Membership.user_id == user_id,
                                                          Membership.group_id.is_not(None)))
    if role in (Role.DIRECTOR, Role.ANIMATOR):  # a director's school, a site lead's site
        runs = select(Membership.establishment_id).join(User, User.id == Membership.user_id).where(
            Membership.user_id == user_id, runs_membership(select(Establishment.id)))
        mine = or_(mine, Group.establishment_id.in_(runs))
    return _current_groups(child_id, establishment_id).where(mine).exists()


def _is_family_thread() -> ColumnElement[bool]:
    """SQL: a thread with a family (about a child or written by a guardian), not between staff.
    A service thread keeps its child when the guardian who wrote is erased (guardian_id null)."""
    return or_(Thread.guardian_id.is_not(None), Thread.child_id.is_not(None))


def is_service_thread(thread: Thread) -> bool:
    """A family's thread with a city service's shared inbox."""
    return ((thread.guardian_id is not None or thread.child_id is not None)
            and thread.establishment.kind == EstablishmentKind.SERVICE)


def visible_threads(user):
    """SELECT of the threads this user may read (unordered); built from the roster in one statement."""
    role = role_of(user)
    if role == Role.GUARDIAN:
        mine = (select(GuardianLink.child_id).join(Child, Child.id == GuardianLink.child_id)
                .where(GuardianLink.user_id == user.id, Child.left_dt.is_(None)))
        # The writer of a service thread reads it only while it is about no child; about a
        # child, a current guardian link is needed, as for school threads.
        return select(Thread).where(or_(Thread.child_id.in_(mine),
                                        and_(Thread.guardian_id == user.id, Thread.child_id.is_(None))))
    if role not in THREAD_STAFF:
        return select(Thread).where(false())
    works_there = Thread.establishment_id.in_(select(Membership.establishment_id).where(Membership.user_id == user.id))
    readable = [and_(Thread.child_id.is_(None), Thread.guardian_id.is_(None), works_there,
                     Thread.members.any(ThreadMember.user_id == user.id))]
    if role == Role.CITY_AGENT:
        my_services = (select(Membership.establishment_id)
                       .join(Establishment, Establishment.id == Membership.establishment_id)
                       .where(Membership.user_id == user.id, Establishment.kind == EstablishmentKind.SERVICE))
        readable.append(and_(Thread.establishment_id.in_(my_services), _is_family_thread()))
    if role in CHILD_STAFF:
        readable.append(and_(Thread.child.has(Child.left_dt.is_(None)),
                             _is_child_staff(user.id, role, Thread.child_id, Thread.establishment_id)))
    return select(Thread).where(or_(*readable))


def can_read_thread(user, thread: Thread) -> bool:
    if role_of(user) is None:
        return False
    return bool(db.session.scalar(select(visible_threads(user).where(Thread.id == thread.id).exists())))


def can_write_in(user, thread: Thread) -> bool:
    """Participants write until the thread is closed."""
    return thread.closed_dt is None and can_read_thread(user, thread)


def can_close_thread(user, thread: Thread) -> bool:
    """Staff participants close a thread; families cannot."""
    return thread.closed_dt is None and role_of(user) in THREAD_STAFF and can_read_thread(user, thread)


def can_withdraw_message(user, message: Message, now: datetime) -> bool:
    """Its author, within WITHDRAW_WINDOW, even if staff closed the thread meanwhile."""
    return (role_of(user) is not None and message.author_id == user.id and message.withdrawn_dt is None
            and now - message.created_dt <= WITHDRAW_WINDOW and can_read_thread(user, message.thread))


def can_start_thread_about(user, child: Child) -> bool:
    """A guardian about their own child; the child's staff about a child they can see."""
    role = role_of(user)
    if child.left_dt is not None:
        return False
    if role == Role.GUARDIAN:
        linked = select(GuardianLink.id).where(GuardianLink.child_id == child.id, GuardianLink.user_id == user.id)
        return bool(db.session.scalar(select(linked.exists())))
    return role in CHILD_STAFF and can_see_child(user, child)


def staff_establishments_for(user, child: Child) -> list[int]:
    """The establishments where this staff member is staff of the child's current groups."""
    role = role_of(user)
    if role not in CHILD_STAFF or child.left_dt is not None:
        return []
    return list(db.session.scalars(
        select(Establishment.id).where(_is_child_staff(user.id, role, child.id, Establishment.id))
        .order_by(Establishment.name, Establishment.id)
    ))


def thread_contacts(children) -> list[ThreadContact]:
    """Whom a guardian may write to about these children: per child and establishment, the team
    first, then each staff member of the child's current groups there (two queries)."""
    ids = sorted({c.id for c in children if c.left_dt is None})
    if not ids:
        return []
    rows = db.session.execute(
        select(Child.id, Child.public_id, Child.first_name, Group.id, Group.name,
               Establishment.id, Establishment.public_id, Establishment.name)
        .join(Enrolment, Enrolment.child_id == Child.id).join(Group, Group.id == Enrolment.group_id)
        .join(Establishment, Establishment.id == Group.establishment_id)
        .where(Child.id.in_(ids), Group.school_year == audience_keys.this_school_year())
        .order_by(Child.first_name, Child.id, Establishment.kind != EstablishmentKind.SCHOOL, Establishment.name,
                  Establishment.id, Group.name)
    ).all()
    if not rows:
        return []
    group_ids = sorted({r[3] for r in rows})
    school_ids = sorted({r[5] for r in rows})
    staff = db.session.execute(
        select(User, Membership.establishment_id, Membership.group_id)
        .join(Membership, Membership.user_id == User.id)
        .where(User.role.in_(CHILD_STAFF), User.is_enabled.is_(True), or_(
            Membership.group_id.in_(group_ids), runs_membership(school_ids)))
        .order_by(User.role == Role.DIRECTOR, User.last_name, User.first_name, User.id)
    ).all()
    contacts = []
    places = defaultdict(list)  # (child, establishment) -> [(group id, group name)]
    for child_id, child_ref, first_name, group_id, group_name, est_id, est_ref, est_name in rows:
        places[(child_id, child_ref, first_name, est_id, est_ref, est_name)].append((group_id, group_name))
    for place, groups in places.items():
        team = ThreadContact(*place, tuple(name for _, name in groups))
        contacts.append(team)
        seen = set()
        for person, m_est, m_group in staff:
            in_group = m_group is not None and m_group in {g for g, _ in groups}
            directs = m_group is None and m_est == team.establishment_id  # the SQL kept only who runs it
            if (in_group or directs) and person.id not in seen:
                seen.add(person.id)
                contacts.append(replace(team, user_id=person.id, user_public_id=person.public_id,
                                        name=person.display_name, role=person.role))
    return contacts


def post_reply_contacts(user, post: Post, now: datetime | None = None,
                        reach: Reach | None = None) -> list[ThreadContact | ServiceContact]:
    """Replying to a post: a guardian who reads it writes to its author about a child it
    concerns, when replies are allowed and the author is staff of that child; to a post sent
    from a city service, they write to that service's shared inbox ([] otherwise)."""
    reach = reach or reach_of(user)
    if reach.role != Role.GUARDIAN or not post.replies_allowed:
        return []
    if not can_read_post(user, post, now, reach):
        return []
    if post.establishment is not None and post.establishment.kind == EstablishmentKind.SERVICE:
        return [s for s in city_services_for(user) if s.establishment_id == post.establishment_id]
    if post.author_id is None:
        return []
    places = reach.children.children_for((a.kind, a.value) for a in post.audience)
    children = db.session.scalars(select(Child).where(Child.id.in_(sorted({p.child_id for p in places})))).all()
    return [c for c in thread_contacts(children) if c.user_id == post.author_id]


def can_reply_to_post(user, post: Post, now: datetime | None = None, reach: Reach | None = None) -> bool:
    """Whether the post page shows a guardian the "Reply" link (conversations.start?post=...)."""
    return bool(post_reply_contacts(user, post, now, reach))


def colleagues_of(user) -> list[tuple[Establishment, list[User]]]:
    """For staff threads: per establishment the user works in, the other staff working there."""
    if role_of(user) not in THREAD_STAFF:
        return []
    mine = select(Membership.establishment_id).where(Membership.user_id == user.id)
    rows = db.session.execute(
        select(Establishment, User)
        .join(Membership, Membership.establishment_id == Establishment.id)
        .join(User, User.id == Membership.user_id)
        .where(Establishment.id.in_(mine), User.role.in_(THREAD_STAFF), User.is_enabled.is_(True))
        .order_by(Establishment.name, Establishment.id, User.last_name, User.first_name, User.id)
    ).all()
    grouped: dict[int, tuple[Establishment, dict[int, User]]] = {}
    for establishment, person in rows:
        _, people = grouped.setdefault(establishment.id, (establishment, {}))
        if person.id != user.id:
            people.setdefault(person.id, person)
    return [(establishment, list(people.values())) for establishment, people in grouped.values()]


def message_recipients(thread: Thread):
    """SELECT of the users who may read this thread: the same rule as visible_threads, per thread."""
    if is_service_thread(thread):
        return _service_thread_readers(thread)
    if thread.child_id is None:
        return select(User).where(
            User.is_enabled.is_(True), User.role.in_(THREAD_STAFF),
            User.id.in_(select(ThreadMember.user_id).where(ThreadMember.thread_id == thread.id)),
            User.memberships.any(Membership.establishment_id == thread.establishment_id),
        )
    current_child = select(Child.id).where(Child.id == thread.child_id, Child.left_dt.is_(None)).exists()
    groups = _current_groups(thread.child_id, thread.establishment_id)
    guardians = and_(User.role == Role.GUARDIAN, User.id.in_(
        select(GuardianLink.user_id).where(GuardianLink.child_id == thread.child_id)))
    staff = and_(User.role.in_(CHILD_STAFF), or_(
        User.memberships.any(Membership.group_id.in_(groups)),
        and_(groups.exists(), User.memberships.any(runs_membership([thread.establishment_id]))),
    ))
    return select(User).where(User.is_enabled.is_(True), current_child, or_(guardians, staff))


def _service_thread_readers(thread: Thread):
    agents = and_(User.role == Role.CITY_AGENT,
                  User.memberships.any(Membership.establishment_id == thread.establishment_id))
    family = ([and_(User.role == Role.GUARDIAN, User.id == thread.guardian_id)]
              if thread.guardian_id and thread.child_id is None else [])
    if thread.child_id is not None:
        current_child = select(Child.id).where(Child.id == thread.child_id, Child.left_dt.is_(None)).exists()
        family.append(and_(User.role == Role.GUARDIAN, current_child, User.id.in_(
            select(GuardianLink.user_id).where(GuardianLink.child_id == thread.child_id))))
    return select(User).where(User.is_enabled.is_(True), or_(agents, *family))


def city_services_for(user) -> list[ServiceContact]:
    """The city services a guardian may write to: those of their city with an enabled agent."""
    if role_of(user) != Role.GUARDIAN:
        return []
    staffed = (select(Membership.establishment_id).join(User, User.id == Membership.user_id)
               .where(User.role == Role.CITY_AGENT, User.is_enabled.is_(True)))
    rows = db.session.execute(
        select(Establishment.id, Establishment.public_id, Establishment.name)
        .where(Establishment.city_id == user.city_id, Establishment.kind == EstablishmentKind.SERVICE,
               Establishment.id.in_(staffed))
        .order_by(Establishment.name, Establishment.id)
    ).all()
    return [ServiceContact(*row) for row in rows]


def can_write_to_service(user, establishment_id: int) -> bool:
    return any(s.establishment_id == establishment_id for s in city_services_for(user))


# --- conversations: a city agent writes to a family ------------------------------------------
# A child has a relationship with a city service when they hold a registration, whatever its
# status (a waiting list, a cancellation to refund), to an activity the service organises,
# until AGENT_CONTACT_WINDOW after its last session (or its creation while it has none): time
# to settle a refund, a lost item, a certificate. The window closes at that instant exactly.
# Services run no periscolaire site (an establishment has no link to a service), so the
# periscolaire and absence lists give an agent no family to write to. Being about the child,
# the thread is read by the child's current guardians (as any thread about a child, parental
# authority or not) and every agent of the service: the agent is shown exactly those guardians.
AGENT_CONTACT_WINDOW = timedelta(days=90)


def _agent_services(agent):
    """SELECT of the ids of the city services where this city agent works, in their city."""
    return (select(Membership.establishment_id)
            .join(Establishment, Establishment.id == Membership.establishment_id)
            .where(Membership.user_id == agent.id, Establishment.kind == EstablishmentKind.SERVICE,
                   Establishment.city_id == agent.city_id))


def activity_links_families(activity, now: datetime) -> bool:
    """Whether the activity's registrations still let its service write to the families."""
    anchor = activity.last_session_dt or activity.created_dt
    return now <= anchor + AGENT_CONTACT_WINDOW


def agent_services_for(agent, child: Child, now: datetime) -> list[int]:
    """The services of ``agent`` the child has a relationship with (ids, by name; one query)."""
    # Imported here: the activities package builds on this module (and this keeps the shared
    # import block untouched).
    from sqlalchemy import func

    from ent_lite.activities.models import Activity, Registration

    if role_of(agent) != Role.CITY_AGENT or child.left_dt is not None or child.city_id != agent.city_id:
        return []
    recent = func.coalesce(Activity.last_session_dt, Activity.created_dt) >= now - AGENT_CONTACT_WINDOW
    related = (select(Activity.establishment_id).join(Registration, Registration.activity_id == Activity.id)
               .where(Registration.child_id == child.id, Activity.city_id == agent.city_id, recent))
    return list(db.session.scalars(
        select(Establishment.id).where(Establishment.id.in_(_agent_services(agent)), Establishment.id.in_(related))
        .order_by(Establishment.name, Establishment.id)))


def family_addressees(agent, child: Child, now: datetime) -> list[User]:
    """The guardians who read what ``agent`` writes about ``child`` ([] without a relationship):
    every open account linked to the child, the family readers of a thread about the child."""
    if not agent_services_for(agent, child, now):
        return []
    return list(db.session.scalars(
        select(User).join(GuardianLink, GuardianLink.user_id == User.id)
        .where(GuardianLink.child_id == child.id,
               User.role == Role.GUARDIAN, User.is_enabled.is_(True), User.city_id == agent.city_id)
        .order_by(GuardianLink.rank, User.last_name, User.first_name, User.id)))


def agent_may_write_to(agent, guardian, child: Child, now: datetime) -> bool:
    """A city agent may start a thread with ``guardian`` about ``child``: the child has a
    relationship with one of the agent's services and the guardian is linked to the child."""
    return any(g.id == getattr(guardian, "id", None) for g in family_addressees(agent, child, now))

# --- files -------------------------------------------------------------------------------
# A file is readable exactly when what it is attached to is: the post (scheduled, expired or
# foreign posts included, through can_read_post) or the message's thread. A withdrawn
# message's files are served to nobody. A file linked to nothing yet (an upload whose form
# was not saved) is only its uploader's.
# The photos of a post tagging a child who lacks (or has withdrawn) the consent its audience
# needs are withheld from everyone but the staff member who posted them (PRIVACY.md A.5): the
# director who may delete the post and the class's other teachers no longer see them either.

def keeps_withheld_photos(user, post: Post) -> bool:
    """Only the author still sees the photos the families no longer see (to fix or delete them)."""
    return can_edit_post(user, post)


def photos_withheld_from(user, posts, now: datetime | None = None) -> set[int]:
    """Ids of the posts (among these) whose photos this user must not see; fixed query count."""
    posts = list(posts)
    if not posts:
        return set()
    # A post known to tag nobody (has_photo_tags loaded and false) needs no consent query.
    others = [post.id for post in posts
              if post.has_photo_tags is not False and not keeps_withheld_photos(user, post)]
    return photo_tags.posts_with_withheld_photos(others, now or utcnow()) if others else set()


# Features whose rows own files besides posts and messages (a calendar event's document)
# register a check here: (user, attachment, now, reach) -> True/False when the file is theirs,
# None when it is not. This module cannot import them: they build on it.
ATTACHMENT_OWNERS: list = []


def attachment_owner(check):
    """Decorator: register a feature's rule for the files it owns."""
    ATTACHMENT_OWNERS.append(check)
    return check


def can_read_attachment(user, attachment, now: datetime | None = None, reach: Reach | None = None) -> bool:
    if not getattr(user, "is_authenticated", False) or user.role not in Role.ALL:
        return False
    if attachment.post_id is not None:
        post = db.session.get(Post, attachment.post_id)
        if post is None or not can_read_post(user, post, now, reach):
            return False
        return attachment.kind != "image" or not photos_withheld_from(user, [post], now)
    message_id = getattr(attachment, "message_id", None)
    if message_id is not None:
        from ent_lite.conversations.models import Message as ThreadMessage

        message = db.session.get(ThreadMessage, message_id)
        if message is None or message.withdrawn_dt is not None:
            return False
        return can_read_thread(user, message.thread)
    for owner_check in ATTACHMENT_OWNERS:
        verdict = owner_check(user, attachment, now, reach)
        if verdict is not None:
            return verdict
    return attachment.uploader_id is not None and attachment.uploader_id == user.id


# --- forms -------------------------------------------------------------------------------
# A post's poll or authorisation is answered by the guardians who may read the post, for
# their children the post concerns: an authorisation needs legal authority over the child,
# a poll any guardian of the child. The results are for those who see the read statistics.

def concerned_children(user, post: Post, now: datetime | None = None,
                       reach: Reach | None = None) -> list[audience_keys.ChildPlace]:
    """A guardian's current children a post they may read is about; [] for anyone else."""
    reach = reach or reach_of(user)
    if reach.role != Role.GUARDIAN or not can_read_post(user, post, now, reach):
        return []
    return reach.children.children_for((a.kind, a.value) for a in post.audience)


def may_answer_for_child(form_kind: str, legal_authority: bool) -> bool:
    """For one of the guardian's concerned children (see concerned_children)."""
    from ent_lite.forms.models import FormKind  # local: the forms package builds on this module

    return legal_authority or form_kind != FormKind.AUTHORISATION


def can_see_form_results(user, post: Post, reach: Reach | None = None) -> bool:
    """The post's author and the director of the school it was sent from."""
    return can_see_read_stats(user, post, reach)


# --- school staff ------------------------------------------------------------------------
# Activation codes and staff invitations. A director acts for the schools they run
# (Reach.directed_ids), an admin for every establishment of their city. The codes pages show
# an admin the names of a class's pupils and guardians (to print the letters), never posts.

DIRECTOR_MAY_INVITE = (Role.TEACHER, Role.DIRECTOR, Role.ANIMATOR)


def directed_school_ids(user, reach: Reach | None = None) -> frozenset[int]:
    """The schools a director runs (whole-school memberships); empty for every other role."""
    reach = reach or reach_of(user)
    return reach.directed_ids if reach.role == Role.DIRECTOR else frozenset()


def visible_code_schools(user, reach: Reach | None = None):
    """SELECT of the schools whose activation codes this user may print."""
    reach = reach or reach_of(user)
    schools = select(Establishment).where(Establishment.kind == EstablishmentKind.SCHOOL)
    if reach.role == Role.ADMIN:
        return schools.where(Establishment.city_id == user.city_id)
    directed = directed_school_ids(user, reach)
    return schools.where(Establishment.id.in_(sorted(directed)) if directed else false())


def can_see_codes(user, group: Group, reach: Reach | None = None) -> bool:
    """A class's activation codes: its school's director(s) and the city's admins."""
    if group.kind != GroupKind.CLASS:
        return False
    reach = reach or reach_of(user)
    if reach.role == Role.ADMIN:
        return group.establishment.city_id == user.city_id
    return group.establishment_id in directed_school_ids(user, reach)


def code_children(user, group: Group, reach: Reach | None = None):
    """SELECT of the pupils still in a class whose activation letters this user may print."""
    if not can_see_codes(user, group, reach):
        return select(Child).where(false())
    return select(Child).where(Child.left_dt.is_(None), Child.enrolments.any(Enrolment.group_id == group.id))


def invitable_roles(user, reach: Reach | None = None) -> tuple[str, ...]:
    """The staff roles this user may invite: any for an admin, school staff for a director."""
    role = (reach or reach_of(user)).role
    if role == Role.ADMIN:
        return tuple(Role.STAFF)
    return DIRECTOR_MAY_INVITE if role == Role.DIRECTOR else ()


def invite_establishments(user, reach: Reach | None = None):
    """SELECT of the establishments where this user may place the staff they invite."""
    reach = reach or reach_of(user)
    if reach.role == Role.ADMIN:
        return select(Establishment).where(Establishment.city_id == user.city_id)
    directed = reach.directed_ids if reach.role == Role.DIRECTOR else ()  # a site lead invites nobody
    return select(Establishment).where(Establishment.id.in_(sorted(directed)) if directed else false())


# --- posts: editing, deleting, tracking ----------------------------------------------------

def can_edit_post(user, post: Post) -> bool:
    """Only the author edits a post (their words, their name on it)."""
    return (getattr(user, "is_authenticated", False) and user.role in POSTING_ROLES
            and post.author_id is not None and post.author_id == user.id)


def can_delete_post(user, post: Post, reach: Reach | None = None) -> bool:
    """The author, or the director (site lead) of the school (site) the post was sent from."""
    if can_edit_post(user, post):
        return True
    if not getattr(user, "is_authenticated", False) or user.role not in (Role.DIRECTOR, Role.ANIMATOR):
        return False
    return post.establishment_id in (reach or reach_of(user)).directed_ids


def can_track_post(user, post: Post, reach: Reach | None = None) -> bool:
    """Who sees the per-child read and signature tracking: as for the read statistics."""
    return can_see_read_stats(user, post, reach)
