"""What the "my data" page shows, and the guardian's correction of their contact data.

The page's counts come from a fixed number of queries (one for the guardian, one for all
their children), whatever the number of children or rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, literal, select, union_all

from ent_lite.accounts import email_change, emails
from ent_lite.accounts.email_change import target_address
from ent_lite.accounts.models import AccountToken, ActivationCode, User
from ent_lite.accounts.passwords import verify_password
from ent_lite.audit.services import record
from ent_lite.consents.models import ConsentRecord
from ent_lite.conversations.models import Message, Thread, ThreadRead
from ent_lite.core.text import normalise_email
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.forms.models import Response
from ent_lite.notifications import problems
from ent_lite.notifications.models import Notification, PushSubscription
from ent_lite.posts.models import PostPhotoChild, PostRead, PostSignature
from ent_lite.privacy import register, retention
from ent_lite.rights.models import DataExport
from ent_lite.school.models import Child
from ent_lite.school.services import guardian_children


@dataclass
class CategoryLine:
    """One data category of the register: what is held, counted, and how long it is kept."""

    key: str
    counts: list[tuple[str, int]]
    deletion_dt: datetime | None = None

    @property
    def name(self) -> str:
        return str(register.category(self.key).name)

    @property
    def rule(self) -> str:
        return str(register.category(self.key).retention).format(days=retention.effective_days(self.key))


@dataclass
class ChildData:
    child: Child
    lines: list[CategoryLine] = field(default_factory=list)


@dataclass(frozen=True)
class DataSummary:
    """The top of the page: each figure counts one thing, named next to it."""

    children: list[Child]
    opened: int  # news and conversations the guardian opened
    answered: int  # signatures and poll or authorisation answers the guardian gave
    messages: int  # messages the guardian wrote
    consents: int  # consent decisions the guardian recorded


def _count(statement):
    return select(func.count()).select_from(statement.subquery()).scalar_subquery()


def guardian_counts(user: User) -> dict[str, int]:
    """Rows held about the guardian themselves, in one query."""
    uid = user.id
    parts = {
        "posts_read": select(PostRead.id).where(PostRead.user_id == uid),
        "threads_read": select(ThreadRead.id).where(ThreadRead.user_id == uid),
        "signatures": select(PostSignature.id).where(PostSignature.user_id == uid),
        "answers": select(Response.id).where(Response.respondent_id == uid),
        "messages": select(Message.id).where(Message.author_id == uid),
        "threads": select(Thread.id).where(Thread.started_by_id == uid),
        "files": select(Attachment.id).where(Attachment.uploader_id == uid),
        "consents": select(ConsentRecord.id).where(ConsentRecord.guardian_id == uid),
        "tokens": union_all(select(ActivationCode.id).where(ActivationCode.user_id == uid),
                            select(AccountToken.id).where(AccountToken.user_id == uid)),
        "exports": select(DataExport.id).where(DataExport.user_id == uid),
        "devices": select(PushSubscription.id).where(PushSubscription.user_id == uid),
        "notifications": select(Notification.id).where(Notification.user_id == uid),
    }
    row = db.session.execute(select(*(_count(q).label(k) for k, q in parts.items()))).one()
    return dict(row._mapping)


def child_counts(child_ids: list[int]) -> dict[tuple[int, str], int]:
    """{(child id, what): count} for every child at once, in one query."""
    if not child_ids:
        return {}
    def grouped(what: str, column):
        return select(column.label("child_id"), literal(what).label("what"), func.count().label("n")) \
            .where(column.in_(child_ids)).group_by(column)

    statement = union_all(
        grouped("signatures", PostSignature.child_id),
        grouped("answers", Response.child_id),
        grouped("threads", Thread.child_id),
        grouped("photo_tags", PostPhotoChild.child_id),
        grouped("consents", ConsentRecord.child_id),
        select(Thread.child_id.label("child_id"), literal("messages").label("what"), func.count().label("n"))
        .join(Message, Message.thread_id == Thread.id).where(Thread.child_id.in_(child_ids)).group_by(Thread.child_id),
    )
    return {(cid, what): n for cid, what, n in db.session.execute(statement)}


def my_data(user: User) -> tuple[list[CategoryLine], list[ChildData], DataSummary]:
    """The categories held about the guardian, about each child, and the page's summary."""
    own = guardian_counts(user)
    lines = [
        CategoryLine("accounts", [(_("Your account and contact details"), 1),
                                  (_("Devices where you turned notifications on"), own["devices"])]),
        CategoryLine("read_receipts", [(_("News you opened"), own["posts_read"]),
                                       (_("Conversations you opened"), own["threads_read"])]),
        CategoryLine("form_answers", [(_("Signatures you gave"), own["signatures"]),
                                      (_("Poll and authorisation answers you gave last"), own["answers"])]),
        CategoryLine("conversations", [(_("Conversations you started"), own["threads"]),
                                       (_("Messages you wrote"), own["messages"])]),
        CategoryLine("class_content", [(_("Files you sent"), own["files"])]),
        CategoryLine("consent_records", [(_("Consents you gave or withdrew"), own["consents"])]),
        CategoryLine("security_tokens", [(_("Activation codes and reset links"), own["tokens"])]),
        CategoryLine("data_exports", [(_("Exports of your data"), own["exports"])]),
        CategoryLine("notifications", [(_("Notifications sent to you"), own["notifications"])]),
    ]
    children = guardian_children(user.id)
    counts = child_counts([c.id for c in children])
    family = []
    for child in children:
        n = lambda what: counts.get((child.id, what), 0)  # noqa: E731
        family.append(ChildData(child, [
            CategoryLine("pupil_records", [(_("Record: name, birth date, level, classes and parents or guardians"), 1)],
                         deletion_dt=retention.deletion_dt("pupil_records", child.left_dt) if child.left_dt else None),
            CategoryLine("class_content", [(_("Posts whose photos show this child"), n("photo_tags"))]),
            CategoryLine("form_answers", [(_("Signatures for this child"), n("signatures")),
                                          (_("Answers for this child"), n("answers"))]),
            CategoryLine("conversations", [(_("Conversations about this child"), n("threads")),
                                           (_("Messages in them"), n("messages"))]),
            CategoryLine("consent_records", [(_("Consent records about this child"), n("consents"))]),
        ]))
    summary = DataSummary(children, own["posts_read"] + own["threads_read"], own["signatures"] + own["answers"],
                          own["messages"], own["consents"])
    return lines, family, summary


# --- contact data ------------------------------------------------------------------------

class PasswordNeeded(ValueError):
    """The email would change but the current password was missing or wrong."""


@dataclass
class ContactChange:
    """What a correction changed (field names), and the link to mail when an address waits."""

    fields: list[str]
    confirm_token: str | None = None


def correct_contact(user: User, email: str, phone: str | None, now: datetime,
                    password: str | None = None) -> ContactChange:
    """Apply the guardian's corrected phone, and ask for the confirmation of a new email.

    The new address replaces the current one only once its emailed link is followed
    (accounts/email_change.py); typing the current address again withdraws a pending one.
    A new email needs the current ``password`` (the address receives password resets), else
    PasswordNeeded is raised before anything changes; an address another account uses raises
    EmailTaken. Audited with the field names only; flushes, the caller commits and then mails
    (``send_contact_mails``).
    """
    email = normalise_email(email)
    phone = (phone or "").strip() or None
    change = ContactChange([])
    # The current address typed again while mail to it is refused: a link to confirm it again.
    reconfirm = email == user.email and user.pending_email is None and problems.active_problem(user) is not None
    if email != target_address(user) or reconfirm:
        if not reconfirm and (not password or not verify_password(user.password_hash, password)):
            raise PasswordNeeded()
        change.confirm_token = email_change.request_change(user, email, now)
        change.fields.append("email")
    if phone != user.phone:
        user.phone = phone
        change.fields.append("phone")
    if change.fields:
        record("contact.correct", actor=user, target=user, now=now, details={"fields": change.fields})
        db.session.flush()
    return change


def send_contact_mails(user: User, change: ContactChange) -> None:
    """The link to the new address; word of the request to the address that keeps receiving."""
    if change.confirm_token is not None:
        emails.send_email_confirmation(user, change.confirm_token)
        if user.pending_email != user.email:  # not when the same address is confirmed again
            emails.send_email_change_requested(user, user.email)
