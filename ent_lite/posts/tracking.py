"""The author's tracking of a post, per child of its audience, and the signature reminder.

Every figure is an aggregate query over the audience keys' SQL twin (``child_keys_subquery``),
so the page costs the same for a class or for a whole school.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, distinct, exists, false, func, literal_column, not_, or_, select, update

from ent_lite.accounts.models import User
from ent_lite.audience import keys as audience_keys
from ent_lite.core.aliases import alias_of
from ent_lite.extensions import db
from ent_lite.notifications import events
from ent_lite.posts.models import Post, PostRead, PostSignature
from ent_lite.posts.signatures import is_late, relation_label, signature_rows
from ent_lite.consents import services as consents
from ent_lite.posts.stats import audience_kinds, read_stats, reached_child_ids
from ent_lite.school import households
from ent_lite.school.models import Child, Enrolment, Group, GroupKind, GuardianLink

TRACKING_PER_PAGE = 100
# One reminder a day at most: families should not be pestered.
REMINDER_INTERVAL = timedelta(hours=24)


class ReminderRefused(Exception):
    """``reason``: "closed" (no signature asked, not published or expired), "too_soon"
    (``next_dt`` says when the next one is possible) or "no_account" (the guardians who have
    not signed cannot be told: none has an active account)."""

    def __init__(self, reason: str, next_dt: datetime | None = None):
        super().__init__(reason)
        self.reason = reason
        self.next_dt = next_dt


def _read(post: Post, child_id) -> ColumnElement[bool]:
    """Any guardian of the child opened the post."""
    return (
        select(PostRead.id).join(GuardianLink, GuardianLink.user_id == PostRead.user_id)
        .where(PostRead.post_id == post.id, GuardianLink.child_id == child_id).exists()
    )


def _signed(post: Post, child_id) -> ColumnElement[bool]:
    """One signature for the child, or every legal guardian's when the post asks for it."""
    if not post.ack_every_guardian:
        return select(PostSignature.id).where(PostSignature.post_id == post.id,
                                              PostSignature.child_id == child_id).exists()
    link = alias_of(GuardianLink, "signed")
    missing = (
        select(link.id)
        .where(link.child_id == child_id, link.legal_authority.is_(True),
               # Correlated two levels up (the child row), which SQLAlchemy does only when told:
               # otherwise one guardian's signature for a sibling counted for this child.
               ~select(PostSignature.id).where(PostSignature.post_id == post.id, PostSignature.child_id == child_id,
                                               PostSignature.user_id == link.user_id)
               .correlate_except(PostSignature).exists())
        .exists()
    )
    has_signer = select(link.id).where(link.child_id == child_id, link.legal_authority.is_(True)).exists()
    return and_(has_signer, not_(missing))


@dataclass
class TrackingCounts:
    """Families first (``school.households``), children second; signatures count children."""

    families: int
    families_read: int
    children: int
    read: int
    signed: int


def tracking_counts(post: Post) -> TrackingCounts:
    """Who read the post, in families and in children, and for how many children it is signed
    (two queries, whatever the audience)."""
    stats = read_stats(post)
    signed = 0
    if post.requires_ack:
        reached = reached_child_ids(post.id, audience_kinds(post)).subquery("reached")
        signed = db.session.scalar(
            select(func.count(case((_signed(post, reached.c.child_id), 1)))).select_from(reached)) or 0
    return TrackingCounts(stats.families, stats.families_read, stats.children, stats.children_read, signed)


@dataclass
class TrackingRow:
    first_name: str
    last_name: str
    class_name: str | None
    read: bool
    signed: bool
    signers: list[tuple[str, datetime, bool]] = field(default_factory=list)  # (relation label, when, late)


def _class_name():
    """SQL: the name of the correlated child's class this school year."""
    return (
        select(Group.name).join(Enrolment, Enrolment.group_id == Group.id)
        .where(Enrolment.child_id == Child.id, Group.kind == GroupKind.CLASS,
               Group.school_year == audience_keys.this_school_year())
        .order_by(Group.name).limit(1).scalar_subquery()
    )


def tracking_page(post: Post, visible_child_ids, page: int, per_page: int = TRACKING_PER_PAGE):
    """One page of per-child rows, by class then name: (rows, has_next). Two queries.

    ``visible_child_ids``: a SELECT of the child ids the viewer may see by name
    (``rules.visible_children``); the others count in the totals only.
    """
    class_name = _class_name()
    signed = _signed(post, Child.id) if post.requires_ack else false()
    result = db.session.execute(
        select(Child.id, Child.first_name, Child.last_name, class_name, _read(post, Child.id), signed)
        .where(Child.id.in_(reached_child_ids(post.id, audience_kinds(post))), Child.id.in_(visible_child_ids))
        .order_by(class_name, Child.last_name, Child.first_name, Child.id)
        .offset((page - 1) * per_page).limit(per_page + 1)
    ).all()
    has_next = len(result) > per_page
    result = result[:per_page]
    signers: dict[int, list] = defaultdict(list)
    if post.requires_ack and result:
        for row in signature_rows([post.id], [r[0] for r in result]):
            signers[row.child_id].append((relation_label(row.relation), row.signed_dt, is_late(post, row.signed_dt)))
    rows = [TrackingRow(first, last, group, bool(read), bool(is_signed), signers[child_id])
            for child_id, first, last, group, read, is_signed in result]
    return rows, has_next


# Listed by name on the tracking page; beyond this many, the page says how many more.
WITHOUT_ACCOUNT_SHOWN = 200


@dataclass
class WithoutAccount:
    """Children of the audience none of whose guardians can be told (a paper copy is needed)."""

    rows: list[tuple[str, str, str | None]]  # (last name, first name, class)
    total: int


def children_without_account(post: Post, visible_child_ids, limit: int = WITHOUT_ACCOUNT_SHOWN) -> WithoutAccount:
    """The reached children the viewer may see whose guardians have no account that can log in
    (never activated, or disabled): nobody in their family gets the post. Two queries."""
    told = (select(GuardianLink.id).join(User, User.id == GuardianLink.user_id)
            .where(GuardianLink.child_id == Child.id, _can_log_in()).exists())
    where = (Child.id.in_(reached_child_ids(post.id, audience_kinds(post))), Child.id.in_(visible_child_ids), ~told)
    rows = db.session.execute(
        select(Child.last_name, Child.first_name, _class_name()).where(*where)
        .order_by(_class_name(), Child.last_name, Child.first_name, Child.id).limit(limit)
    ).all()
    total = len(rows) if len(rows) < limit else db.session.scalar(select(func.count(Child.id)).where(*where))
    return WithoutAccount([tuple(row) for row in rows], total)


# --- reminders ---------------------------------------------------------------------------------

def _pending_links(post: Post):
    """SELECT (guardian id, child id) of the legal guardians who still have to sign for a child.

    With one signature per child: every legal guardian of a child nobody has signed for;
    with every guardian's: each legal guardian who has not signed yet.
    """
    link = alias_of(GuardianLink, "pending")
    same_signature = [PostSignature.post_id == post.id, PostSignature.child_id == link.child_id]
    if post.ack_every_guardian:
        same_signature.append(PostSignature.user_id == link.user_id)
    pending = (
        select(link.user_id, link.child_id)
        .where(link.legal_authority.is_(True), link.child_id.in_(reached_child_ids(post.id, audience_kinds(post))),
               ~exists().where(*same_signature))
    )
    if post.is_optional_info:  # only the guardians who read it: those who agreed to receive it
        pending = pending.where(link.user_id.in_(consents.agreeing_guardians(consents.CITY_INFORMATION)))
    return pending


def _can_log_in():
    """Only accounts that can log in are told (every link requires it)."""
    return and_(User.email.is_not(None), User.is_enabled.is_(True), User.password_hash.is_not(None))


def reminder_recipients(post: Post):
    """SELECT of the guardians with legal authority, able to log in, who still have to sign."""
    pending = _pending_links(post).subquery()
    return select(User).where(User.id.in_(select(pending.c.user_id)), _can_log_in()).order_by(User.id)


def reminder_families(post: Post) -> int:
    """How many families (``school.households``) a reminder reaches now, in one query: the
    families formed by the links of the guardians still to sign who can be told."""
    pending = _pending_links(post).subquery()
    links = (select(literal_column("0").label("scope"), pending.c.user_id.label("guardian_id"),
                    pending.c.child_id.label("child_id"))
             .join(User, User.id == pending.c.user_id).where(_can_log_in()))
    family = households.family_of_children(links)
    return db.session.scalar(select(func.count(distinct(family.c.family_id)))) or 0


def request_reminder(post: Post, actor, now: datetime) -> int:
    """Ask the worker to remind every guardian still expected to sign; returns how many
    families it will reach (0: nobody to remind, nothing recorded). The caller commits.

    At most one reminder per ``REMINDER_INTERVAL``: the slot is claimed by one conditional
    UPDATE, so two clicks record one round. The reminder itself is an outbox row written in
    the same transaction (``events.reminder_requested``): the worker tells each guardian
    still expected to sign when it runs, outside quiet hours, with a generic message
    (PRIVACY.md 18), so no mail is sent while the author waits. Raises ``ReminderRefused``.
    """
    if not post.requires_ack or not post.is_live(now):
        raise ReminderRefused("closed")
    families = reminder_families(post)
    if not families:
        if db.session.scalar(select(_pending_links(post).exists())):
            raise ReminderRefused("no_account")
        return 0
    claimed = db.session.execute(
        update(Post)
        .where(Post.id == post.id, or_(Post.reminded_dt.is_(None), Post.reminded_dt <= now - REMINDER_INTERVAL))
        .values(reminded_dt=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        db.session.refresh(post, ["reminded_dt"])
        raise ReminderRefused("too_soon", post.reminded_dt + REMINDER_INTERVAL if post.reminded_dt else None)
    events.reminder_requested(post, actor, now)
    db.session.flush()
    return families
