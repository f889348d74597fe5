"""Conversations with a school or a periscolaire site, and between colleagues.

A child thread is with ONE establishment (a school or a periscolaire site). It is read by
all the child's guardians and by that establishment's staff of the child's current groups:
the class teachers and the school's directors, or the animators of the child's groups at a
periscolaire site. School and periscolaire talk with a family separately on purpose (two
services, two teams). A staff thread is read by its members still working in its
establishment. Nobody else: never a guardian of another child, never an admin or the DPO.
Like posts, `visible_threads` is the rule and `can_read_thread` asks it about one thread.
Threads with a city service's shared inbox follow ``rules.city_services``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, or_, select

from ent_lite.accounts.models import Membership, Role, User
from ent_lite.audience import keys as audience_keys
from ent_lite.conversations.models import Message, Thread, ThreadMember
from ent_lite.core.aliases import alias_of
from ent_lite.extensions import db
from ent_lite.posts.models import Post
from ent_lite.rules.children import can_see_child
from ent_lite.rules.city_services import ServiceContact, city_services_for, is_service_thread, service_thread_readers
from ent_lite.rules.posts import can_read_post
from ent_lite.rules.reach import CHILD_STAFF, Reach, any_of, reach_of, role_of, runs_membership
from ent_lite.school.models import Child, Enrolment, Establishment, EstablishmentKind, Group, GuardianLink

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


def may_use_messages(user) -> bool:
    """Families and staff who take part in threads; admin and DPO have no inbox."""
    return role_of(user) in (Role.GUARDIAN, *THREAD_STAFF)


def starts_family_threads(user) -> bool:
    """Families write to the staff of their children (or a city service of their city) and
    choose whom on one form; staff write about a pupil or to colleagues."""
    return role_of(user) == Role.GUARDIAN


def may_write_about_pupils(user) -> bool:
    """Staff who start threads about a pupil of theirs (and choose between that and colleagues);
    a city agent writes to a family only from an activity's follow-up (``rules.city_services``)."""
    return role_of(user) in CHILD_STAFF


def _current_groups(child_id, establishment_id=None):
    """SELECT of the ids of a child's groups this school year (in one establishment if given)."""
    query = (select(Group.id).join(Enrolment, Enrolment.group_id == Group.id)
             .where(Enrolment.child_id == child_id, Group.school_year == audience_keys.this_school_year()))
    if establishment_id is not None:
        query = query.where(Group.establishment_id == establishment_id)
    return query


def _staff_groups(user_id: int, role: str) -> list[ColumnElement[bool]]:
    """SQL on Group, one condition per way a user is staff of a group's children: a member
    of the group; for a director (site lead), a group of the school (site) they run."""
    found = [Group.id.in_(select(Membership.group_id).where(Membership.user_id == user_id,
                                                            Membership.group_id.is_not(None)))]
    if role in (Role.DIRECTOR, Role.ANIMATOR):  # a director's school, a site lead's site
        runs = select(Membership.establishment_id).join(User, User.id == Membership.user_id).where(
            Membership.user_id == user_id, runs_membership(select(Establishment.id)))
        found.append(Group.establishment_id.in_(runs))
    return found


def _is_child_staff(user_id: int, role: str, child_id, establishment_id) -> ColumnElement[bool]:
    """SQL: the user is staff of one of the child's current groups in that establishment."""
    return _current_groups(child_id, establishment_id).where(or_(*_staff_groups(user_id, role))).exists()


def _is_family_thread(thread) -> ColumnElement[bool]:
    """SQL: a thread with a family (about a child or written by a guardian), not between staff.
    A service thread keeps its child when the guardian who wrote is erased (guardian_id null)."""
    return or_(thread.guardian_id.is_not(None), thread.child_id.is_not(None))


def visible_threads(user):
    """SELECT of the threads this user may read (unordered); built from the roster in one statement.

    Each way of reading a thread is a SELECT of thread ids on an alias of thread, all in ONE
    ``IN (… UNION ALL …)`` (``any_of``): an OR of them made PostgreSQL test every thread of
    the city (a teacher's unread count read all 51,000 threads of a 100,000-child city)."""
    role = role_of(user)
    thread = alias_of(Thread, "visible")
    if role == Role.GUARDIAN:
        mine = (select(GuardianLink.child_id).join(Child, Child.id == GuardianLink.child_id)
                .where(GuardianLink.user_id == user.id, Child.left_dt.is_(None)))
        # The writer of a service thread reads it only while it is about no child; about a
        # child, a current guardian link is needed, as for school threads.
        return select(Thread).where(any_of([
            select(thread.id).where(thread.child_id.in_(mine)),
            select(thread.id).where(thread.guardian_id == user.id, thread.child_id.is_(None)),
        ], Thread.id))
    if role not in THREAD_STAFF:
        return select(Thread).where(false())
    works_there = thread.establishment_id.in_(select(Membership.establishment_id).where(Membership.user_id == user.id))
    readable = [select(thread.id).join(ThreadMember, ThreadMember.thread_id == thread.id).where(
        ThreadMember.user_id == user.id, thread.child_id.is_(None), thread.guardian_id.is_(None), works_there)]
    if role == Role.CITY_AGENT:
        my_services = (select(Membership.establishment_id)
                       .join(Establishment, Establishment.id == Membership.establishment_id)
                       .where(Membership.user_id == user.id, Establishment.kind == EstablishmentKind.SERVICE))
        readable.append(select(thread.id).where(thread.establishment_id.in_(my_services), _is_family_thread(thread)))
    if role in CHILD_STAFF:
        # The child's current groups in the thread's establishment, one SELECT per way of
        # being their staff (``_staff_groups``), each starting from the user's few groups.
        readable += [
            select(thread.id).join(Child, Child.id == thread.child_id)
            .join(Enrolment, Enrolment.child_id == thread.child_id).join(Group, Group.id == Enrolment.group_id)
            .where(Child.left_dt.is_(None), Group.school_year == audience_keys.this_school_year(),
                   Group.establishment_id == thread.establishment_id, staff_of)
            for staff_of in _staff_groups(user.id, role)
        ]
    return select(Thread).where(any_of(readable, Thread.id))


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
    if child.left_dt is not None:
        return False
    if starts_family_threads(user):
        linked = select(GuardianLink.id).where(GuardianLink.child_id == child.id, GuardianLink.user_id == user.id)
        return bool(db.session.scalar(select(linked.exists())))
    return may_write_about_pupils(user) and can_see_child(user, child)


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
        return service_thread_readers(thread)
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
