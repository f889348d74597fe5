"""The export registry: which function gives each personal-data table's rows about a family.

Each personal-data table has an exporter, registered with ``@exporter("table")`` in the
``exporters.py`` of the feature that owns the table (imported with the app, ent_lite.hooks):
a function ``(guardian, child_ids) -> list[dict]`` returning that table's rows about this
guardian or these children. Rows never name another person: staff appear by their role, other parents as
"another guardian" (``PersonLabels``). Tables about no family are listed in ``EXCLUDED`` with
the reason; a test fails on a personal-data table that is in neither.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ent_lite.accounts.forms import ROLE_LABELS
from ent_lite.accounts.models import Role, User
from ent_lite.conversations.models import Thread
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.forms.models import Response
from ent_lite.posts.models import Post
from ent_lite.privacy import retention
from ent_lite.school.models import Child
from ent_lite.school.services import guardian_children

Exporter = Callable[[User, list[int]], list[dict]]

EXPORTERS: dict[str, Exporter] = {}
TABLE_LABELS: dict[str, object] = {}

# Personal-data tables that are not about a family, and why they are not in the export.
EXCLUDED: dict[str, str] = {
    "membership": "staff only: where a staff member works",
    "recovery_code": "staff only: second-factor recovery codes of administrators and DPOs",
    "post_audience": "the classes or schools a post was sent to; the family's posts are in 'post'",
    "audit_entry": "the security log, pseudonymous and kept to protect accounts; "
                   "a guardian asks the DPO for the entries about them",
    "activity": "the city's catalogue; its only person is the staff member who wrote it. "
                "The family's registrations are in 'registration', with each activity's title",
    "activity_campaign": "a lottery of holiday stays; its published draw lists pseudonymous tickets only. "
                         "The family's own tickets are in 'lottery_entry'",
    "agenda_event": "the dates the schools, sites and city services publish; its only person is the staff "
                    "member who wrote it. The family's calendar is its children's classes and groups",
}


def exporter(table: str, label=None):
    """Register the function giving ``table``'s rows about a guardian and their children."""

    def decorator(function: Exporter) -> Exporter:
        EXPORTERS[table] = function
        if label is not None:
            TABLE_LABELS[table] = label
        return function

    return decorator


# --- values and people -------------------------------------------------------------------

def _value(value):
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def row(**values) -> dict:
    return {key: _value(value) for key, value in values.items()}


class PersonLabels:
    """How a person appears in a guardian's export: "you", a staff role, "another guardian"."""

    def __init__(self, guardian: User, user_ids: Iterable[int | None]) -> None:
        self.guardian_id = guardian.id
        self.role_labels = ROLE_LABELS
        ids = {i for i in user_ids if i is not None and i != guardian.id}
        self.roles = dict(db.session.execute(select(User.id, User.role).where(User.id.in_(ids))).all()) if ids else {}

    def __call__(self, user_id: int | None) -> str:
        if user_id is None:
            return _("deleted account")
        if user_id == self.guardian_id:
            return _("you")
        role = self.roles.get(user_id)
        if role is None or role == Role.GUARDIAN:
            return _("another guardian")
        return str(self.role_labels.get(role, role))


def family_child_ids(guardian: User) -> list[int]:
    """Every child the guardian is linked to, including those who left (their data is still held)."""
    return [child.id for child in guardian_children(guardian.id)]


def child_refs(child_ids: Iterable[int]) -> dict[int, str]:
    ids = list(child_ids)
    if not ids:
        return {}
    return {cid: f"{first} ({pid})" for cid, first, pid in db.session.execute(
        select(Child.id, Child.first_name, Child.public_id).where(Child.id.in_(ids)))}


def post_refs(ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    return dict(db.session.execute(select(Post.id, Post.public_id).where(Post.id.in_(ids))).all()) if ids else {}


def family_threads(guardian: User, child_ids: list[int]):
    return select(Thread.id).where(or_(Thread.child_id.in_(child_ids), Thread.started_by_id == guardian.id,
                                       Thread.guardian_id == guardian.id))


def family_responses(guardian: User, child_ids: list[int]):
    return select(Response.id).where(or_(Response.child_id.in_(child_ids), Response.respondent_id == guardian.id))


def deletion(key: str, anchor: datetime | None):
    return retention.deletion_dt(key, anchor) if anchor is not None else None


def file_path(attachment: Attachment) -> str:
    """Where a file the guardian sent lies in the archive."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", attachment.display_name or "file")[:100]
    return f"files/{attachment.public_id}-{name}"


def sent_files(guardian: User) -> list[Attachment]:
    # Only what the guardian sent: photos of their children posted by staff are not theirs to take.
    return list(db.session.scalars(select(Attachment).where(Attachment.uploader_id == guardian.id)
                                   .order_by(Attachment.id)))
