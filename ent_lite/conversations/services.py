"""Conversations: starting threads, writing, withdrawing, closing, read marks and the inbox.

A family writes to a school or periscolaire team about a child, or to a city service's shared
inbox (``start_service_thread``); a city agent writes from that inbox to the family of a child
who has a relationship with the service (``start_agent_thread``); read marks are per person,
also in a shared inbox.

Services check the rules again (a forged form cannot get past them) and flush; views commit.
No email is sent here: notifications of new messages belong to the notifications feature.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from ent_lite import rules
from ent_lite.accounts.models import Role, User
from ent_lite.audience import keys as audience_keys
from ent_lite.conversations.models import Message, Thread, ThreadMember, ThreadRead
from ent_lite.core import upsert
from ent_lite.core.aliases import alias_of
from ent_lite.extensions import db
from ent_lite.files import services as file_services
from ent_lite.files.processing import Processed
from ent_lite.notifications import events
from ent_lite.posts.models import Post
from ent_lite.school.models import Child, Enrolment, Establishment, EstablishmentKind, Group, GroupKind

MAX_SUBJECT_LENGTH = 200
MAX_MESSAGE_LENGTH = 5000


# --- writing ------------------------------------------------------------------------------

def _new_thread(starter, establishment_id: int, subject: str, now: datetime, **fields) -> Thread:
    thread = Thread(establishment_id=establishment_id, subject=subject.strip()[:MAX_SUBJECT_LENGTH],
                    started_by_id=starter.id, created_dt=now, last_message_dt=now, **fields)
    db.session.add(thread)
    db.session.flush()
    return thread


def start_child_thread(starter, child: Child, establishment_id: int, subject: str, body: str, now: datetime,
                       addressee_id: int | None = None, post: Post | None = None,
                       files: Sequence[Processed] = ()) -> tuple[Thread, Message]:
    """A thread about ``child`` with the team of one establishment, and its first message.

    ``files`` come from ``file_services.prepare_uploads``, called before this first write.

    A guardian addresses the team (``addressee_id`` None) or one of its members; staff write
    from an establishment where they are staff of the child. ``PermissionError`` otherwise.
    """
    if not rules.can_start_thread_about(starter, child):
        raise PermissionError("the starter may not write about this child")
    if starter.role == Role.GUARDIAN:
        allowed = {(c.establishment_id, c.user_id) for c in rules.thread_contacts([child])}
        if (establishment_id, addressee_id) not in allowed:
            raise PermissionError("not a contact of this child")
        if post is not None and addressee_id != post.author_id:
            raise PermissionError("a reply to a post goes to its author")
    elif establishment_id not in rules.staff_establishments_for(starter, child) or addressee_id is not None:
        raise PermissionError("the starter is not staff of this child there")
    thread = _new_thread(starter, establishment_id, subject, now, child_id=child.id,
                         post_id=post.id if post is not None else None)
    if addressee_id is not None:
        db.session.add(ThreadMember(thread_id=thread.id, user_id=addressee_id))
    return thread, add_message(thread, starter, body, now, files)


def start_service_thread(guardian, establishment_id: int, subject: str, body: str, now: datetime,
                         child: Child | None = None, post: Post | None = None,
                         files: Sequence[Processed] = ()) -> tuple[Thread, Message]:
    """A guardian writes to a city service's shared inbox, optionally about one of their
    current children, or in reply to a post sent from that service. ``PermissionError`` if
    the rules refuse any part of it (a forged form writes nothing)."""
    if not rules.can_write_to_service(guardian, establishment_id):
        raise PermissionError("not a city service of the guardian's city")
    if child is not None and not rules.can_start_thread_about(guardian, child):
        raise PermissionError("not one of the guardian's current children")
    if post is not None and establishment_id not in {
            c.establishment_id for c in rules.post_reply_contacts(guardian, post, now)
            if isinstance(c, rules.ServiceContact)}:
        raise PermissionError("a reply to a city post goes to the service it was sent from")
    thread = _new_thread(guardian, establishment_id, subject, now, guardian_id=guardian.id,
                         child_id=child.id if child is not None else None,
                         post_id=post.id if post is not None else None)
    return thread, add_message(thread, guardian, body, now, files)


def start_agent_thread(agent, child: Child, establishment_id: int, subject: str, body: str, now: datetime,
                       files: Sequence[Processed] = ()) -> tuple[Thread, Message]:
    """A city agent writes to a child's family from their service's shared inbox: a service
    thread about the child (every agent of the service and the child's guardians read it).
    ``PermissionError`` unless the child has a relationship with that service and a guardian
    may be written to (``rules.family_addressees``): a forged form writes nothing."""
    if establishment_id not in rules.agent_services_for(agent, child, now):
        raise PermissionError("the child has no relationship with this service")
    if not rules.family_addressees(agent, child, now):
        raise PermissionError("no guardian of this child may be written to")
    thread = _new_thread(agent, establishment_id, subject, now, child_id=child.id)
    return thread, add_message(thread, agent, body, now, files)


def start_staff_thread(starter, establishment_id: int, member_ids: Iterable[int], subject: str, body: str,
                       now: datetime, files: Sequence[Processed] = ()) -> tuple[Thread, Message]:
    """A thread between colleagues of one establishment (the starter is a member)."""
    member_ids = set(member_ids) - {starter.id}
    colleagues = {e.id: {u.id for u in people} for e, people in rules.colleagues_of(starter)}
    if not member_ids or establishment_id not in colleagues or not member_ids <= colleagues[establishment_id]:
        raise PermissionError("members must be colleagues of one establishment")
    thread = _new_thread(starter, establishment_id, subject, now)
    db.session.add_all(ThreadMember(thread_id=thread.id, user_id=uid) for uid in sorted(member_ids | {starter.id}))
    return thread, add_message(thread, starter, body, now, files)


def add_message(thread: Thread, author, body: str, now: datetime, files: Sequence[Processed] = ()) -> Message:
    """Append a message with its files; the caller has checked ``rules.can_write_in`` (a closed
    thread refuses) and processed the files already (``file_services.prepare_uploads``)."""
    if thread.closed_dt is not None:
        raise PermissionError("the thread is closed")
    message = Message(thread_id=thread.id, author_id=author.id, body=body.strip()[:MAX_MESSAGE_LENGTH], created_dt=now)
    db.session.add(message)
    thread.last_message_dt = now
    db.session.flush()
    file_services.store_processed(files, author, now, message_id=message.id)
    events.message_posted(message, now)  # in this transaction: a rolled-back message tells nobody
    return message


def withdraw_message(message: Message, user, now: datetime) -> None:
    """Blank the text and delete the files: a withdrawn message keeps only its place and date."""
    if not rules.can_withdraw_message(user, message, now):
        raise PermissionError("this message can no longer be withdrawn")
    message.body = ""
    message.withdrawn_dt = now
    file_services.delete_attachments_of(message_ids=[message.id])
    db.session.flush()


def close_thread(thread: Thread, user, now: datetime) -> None:
    if not rules.can_close_thread(user, thread):
        raise PermissionError("only a staff participant closes an open thread")
    thread.closed_dt = now
    thread.closed_by_id = user.id
    db.session.flush()


def mark_read(thread: Thread, user, now: datetime) -> None:
    """Record that ``user`` opened the thread now: one atomic upsert, safe with two tabs open."""
    statement = upsert.insert(ThreadRead).values(thread_id=thread.id, user_id=user.id, last_read_dt=now)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["thread_id", "user_id"], set_={"last_read_dt": statement.excluded.last_read_dt}))


# --- reading ------------------------------------------------------------------------------

@dataclass(frozen=True)
class InboxRow:
    thread: Thread
    unread: int
    child_first_name: str | None
    class_name: str | None
    establishment_name: str
    establishment_kind: str = ""
    # A service thread: the guardian who wrote, shown to the agents sharing the inbox.
    guardian_first_name: str | None = None
    guardian_last_name: str | None = None

    @property
    def is_service(self) -> bool:
        return self.establishment_kind == EstablishmentKind.SERVICE and (
            self.thread.guardian_id is not None or self.thread.child_id is not None)

    @property
    def guardian_name(self) -> str:
        return " ".join(n for n in (self.guardian_first_name, self.guardian_last_name) if n)


def _unread_messages(user_id: int):
    """Messages of the correlated thread that are newer than the user's ThreadRead and not theirs."""
    return (
        select(Message.id).where(
            Message.thread_id == Thread.id,
            Message.withdrawn_dt.is_(None),
            or_(Message.author_id.is_(None), Message.author_id != user_id),
            or_(ThreadRead.last_read_dt.is_(None), Message.created_dt > ThreadRead.last_read_dt),
        ).correlate(Thread, ThreadRead)
    )


def _with_read_mark(query, user_id: int):
    return query.outerjoin(ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == user_id))


def inbox_page(user, page: int, per_page: int) -> tuple[list[InboxRow], bool]:
    """One page of the user's threads, newest activity first, in ONE query: (rows, has_next)."""
    child = alias_of(Child, "inbox")  # aliased so the rule's own subqueries on Child stay uncorrelated
    school = alias_of(Establishment, "inbox")
    unread = _unread_messages(user.id).with_only_columns(func.count(Message.id)).scalar_subquery()
    class_name = (
        select(Group.name).join(Enrolment, Enrolment.group_id == Group.id)
        .where(Enrolment.child_id == Thread.child_id, Group.kind == GroupKind.CLASS,
               Group.school_year == audience_keys.this_school_year())
        .order_by(Group.name).limit(1).correlate(Thread).scalar_subquery()
    )
    guardian = alias_of(User, "inbox")
    query = (
        _with_read_mark(rules.visible_threads(user), user.id)
        .outerjoin(child, child.id == Thread.child_id)
        .join(school, school.id == Thread.establishment_id)
        .outerjoin(guardian, guardian.id == Thread.guardian_id)
        .add_columns(unread, child.first_name, class_name, school.name, school.kind,
                     guardian.first_name, guardian.last_name)
        .order_by(Thread.last_message_dt.desc(), Thread.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    rows = [InboxRow(*row) for row in db.session.execute(query).all()]
    return rows[:per_page], len(rows) > per_page


def unread_thread_count(user) -> int:
    """How many threads have messages the user has not seen: one query, for the navigation."""
    if not rules.may_use_messages(user):
        return 0
    query = _with_read_mark(rules.visible_threads(user), user.id).where(_unread_messages(user.id).exists())
    return db.session.scalar(query.with_only_columns(func.count(Thread.id))) or 0


def child_group_names(thread: Thread) -> list[str]:
    """The child's current groups at the thread's establishment, e.g. ["CP A"]."""
    if thread.child_id is None:
        return []
    return list(db.session.scalars(
        select(Group.name).join(Enrolment, Enrolment.group_id == Group.id)
        .where(Enrolment.child_id == thread.child_id, Group.establishment_id == thread.establishment_id,
               Group.school_year == audience_keys.this_school_year())
        .order_by(Group.name)
    ))


def thread_messages(thread: Thread) -> list[Message]:
    return list(db.session.scalars(
        select(Message).where(Message.thread_id == thread.id)
        .options(joinedload(Message.author)).order_by(Message.created_dt, Message.id)
    ))


def participants(thread: Thread) -> list:
    """Who reads the thread (the rule's own answer), staff first."""
    people = db.session.scalars(rules.message_recipients(thread)).all()
    return sorted(people, key=lambda u: (u.role == Role.GUARDIAN, u.last_name, u.first_name, u.id))


def addressee_ids(thread: Thread) -> set[int]:
    return set(db.session.scalars(select(ThreadMember.user_id).where(ThreadMember.thread_id == thread.id)))


def withdrawable_ids(messages: Sequence[Message], user, now: datetime) -> set[int]:
    """The reader's own messages still inside the withdraw window (the reader may read the thread)."""
    return {m.id for m in messages if m.author_id == user.id and m.withdrawn_dt is None
            and now - m.created_dt <= rules.WITHDRAW_WINDOW}


def children_for_staff(user, reach: rules.Reach) -> list[tuple[Group, Establishment, list[Child]]]:
    """The children a staff member may write about, by their current group (one query)."""
    if reach.role not in rules.CHILD_STAFF or not (reach.group_ids or reach.directed_ids):
        return []
    scope = []
    if reach.group_ids:
        scope.append(Group.id.in_(sorted(reach.group_ids)))
    if reach.directed_ids:
        scope.append(Group.establishment_id.in_(sorted(reach.directed_ids)))
    rows = db.session.execute(
        select(Group, Establishment, Child)
        .join(Establishment, Establishment.id == Group.establishment_id)
        .join(Enrolment, Enrolment.group_id == Group.id).join(Child, Child.id == Enrolment.child_id)
        .where(or_(*scope), Group.school_year == audience_keys.this_school_year(), Child.left_dt.is_(None))
        .order_by(Establishment.name, Group.name, Group.id, Child.first_name, Child.last_name, Child.id)
    ).all()
    grouped: dict[int, tuple[Group, Establishment, list[Child]]] = {}
    for group, establishment, child in rows:
        grouped.setdefault(group.id, (group, establishment, []))[2].append(child)
    return list(grouped.values())
