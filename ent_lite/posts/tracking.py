"""The author's tracking of a post, per child of its audience, and the signature reminder.

Every figure is an aggregate query over the audience keys' SQL twin (``child_keys_subquery``),
so the page costs the same for a class or for a whole school.
"""
from __future__ import annotations

import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, case, exists, false, func, literal, not_, or_, select, update
from sqlalchemy.orm import aliased

from ent_lite.accounts.emails import external_url, user_language
from ent_lite.accounts.models import User
from ent_lite.audience import keys as audience_keys
from ent_lite.core.mail import send_many
from ent_lite.extensions import db
from ent_lite.posts.models import Post, PostRead, PostSignature
from ent_lite.posts.signatures import is_late, relation_label, signature_rows
from ent_lite.consents import services as consents
from ent_lite.posts.stats import reached_child_ids
from ent_lite.school.models import Child, Enrolment, Group, GroupKind, GuardianLink

TRACKING_PER_PAGE = 100
# One reminder a day at most: families should not be pestered.
REMINDER_INTERVAL = timedelta(hours=24)


class ReminderRefused(Exception):
    """``reason``: "closed" (no signature asked, not published or expired), "too_soon"
    (``next_dt`` says when the next one is possible), or "failed" (the mail server refused)."""

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
    link = aliased(GuardianLink)
    missing = (
        select(link.id)
        .where(link.child_id == child_id, link.legal_authority.is_(True),
               ~select(PostSignature.id).where(PostSignature.post_id == post.id, PostSignature.child_id == child_id,
                                               PostSignature.user_id == link.user_id).exists())
        .exists()
    )
    has_signer = select(link.id).where(link.child_id == child_id, link.legal_authority.is_(True)).exists()
    return and_(has_signer, not_(missing))


@dataclass
class TrackingCounts:
    children: int
    read: int
    signed: int


def tracking_counts(post: Post) -> TrackingCounts:
    """How many children the post reaches, how many families read it, signed it (one query)."""
    reached = reached_child_ids(post.id).subquery("reached")
    signed = func.count(case((_signed(post, reached.c.child_id), 1))) if post.requires_ack else literal(0)
    children, read, signed_count = db.session.execute(
        select(func.count(), func.count(case((_read(post, reached.c.child_id), 1))), signed).select_from(reached)
    ).one()
    return TrackingCounts(children, read, signed_count)


@dataclass
class TrackingRow:
    first_name: str
    last_name: str
    class_name: str | None
    read: bool
    signed: bool
    signers: list[tuple[str, datetime, bool]] = field(default_factory=list)  # (relation label, when, late)


def tracking_page(post: Post, visible_child_ids, page: int, per_page: int = TRACKING_PER_PAGE):
    """One page of per-child rows, by class then name: (rows, has_next). Two queries.

    ``visible_child_ids``: a SELECT of the child ids the viewer may see by name
    (``rules.visible_children``); the others count in the totals only.
    """
    class_name = (
        select(Group.name).join(Enrolment, Enrolment.group_id == Group.id)
        .where(Enrolment.child_id == Child.id, Group.kind == GroupKind.CLASS,
               Group.school_year == audience_keys.this_school_year())
        .order_by(Group.name).limit(1).scalar_subquery()
    )
    signed = _signed(post, Child.id) if post.requires_ack else false()
    result = db.session.execute(
        select(Child.id, Child.first_name, Child.last_name, class_name, _read(post, Child.id), signed)
        .where(Child.id.in_(reached_child_ids(post.id)), Child.id.in_(visible_child_ids))
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


# --- reminders ---------------------------------------------------------------------------------

def reminder_recipients(post: Post):
    """SELECT of the guardians with legal authority who still have to sign for a child.

    With one signature per child: every legal guardian of a child nobody has signed for;
    with every guardian's: each legal guardian who has not signed yet. Only accounts that
    can log in are written to (the email's link requires it).
    """
    link = aliased(GuardianLink)
    same_signature = [PostSignature.post_id == post.id, PostSignature.child_id == link.child_id]
    if post.ack_every_guardian:
        same_signature.append(PostSignature.user_id == link.user_id)
    pending = (
        select(link.user_id)
        .where(link.legal_authority.is_(True), link.child_id.in_(reached_child_ids(post.id)),
               ~exists().where(*same_signature))
    )
    if post.is_optional_info:  # only the guardians who read it: those who agreed to receive it
        pending = pending.where(link.user_id.in_(consents.agreeing_guardians(consents.CITY_INFORMATION)))
    return select(User).where(User.id.in_(pending), User.email.is_not(None), User.is_enabled.is_(True),
                              User.password_hash.is_not(None)).order_by(User.id)


def send_reminders(post: Post, now: datetime) -> int:
    """Email every guardian still expected to sign; returns how many mails went out.

    The mail is generic (PRIVACY.md 18): no child name, no text of the post, a link that
    requires login, in the guardian's language. At most one reminder per
    ``REMINDER_INTERVAL``: the slot is claimed by one conditional UPDATE, so two clicks send
    one round. The claim is COMMITTED before the first mail leaves (unlike other services,
    this one commits): a school-wide round takes seconds of SMTP, and holding the write
    transaction that long would make every other write wait, or fail on SQLite. If no mail
    could be sent, the slot is given back (committed too) so the author may try again.
    Raises ``ReminderRefused``.
    """
    live = post.published_dt <= now and (post.expires_dt is None or post.expires_dt > now)
    if not post.requires_ack or not live:
        raise ReminderRefused("closed")
    recipients = db.session.scalars(reminder_recipients(post)).all()
    if not recipients:
        return 0
    previous = post.reminded_dt
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
    link = external_url("posts.detail", public_id=post.public_id)
    mails = []
    for user in recipients:
        with force_locale(user_language(user)):
            mails.append((user.email, _("A message from the school is waiting for your signature"),
                          render_template("posts/email/reminder.txt", link=link)))
    db.session.commit()
    # One SMTP connection for the whole round (a school-wide post reaches hundreds of families).
    try:
        sent = send_many(mails)
    except (smtplib.SMTPException, OSError):
        current_app.logger.error("signature reminders for post %s could not be sent", post.public_id)
        sent = 0
    if not sent:
        db.session.execute(update(Post).where(Post.id == post.id, Post.reminded_dt == now)
                           .values(reminded_dt=previous).execution_options(synchronize_session=False))
        db.session.commit()
        raise ReminderRefused("failed")
    return sent
