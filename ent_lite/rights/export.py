"""A guardian's export (PRIVACY.md C.12-C.14): one ZIP of everything held about them and their children.

Each personal-data table has an exporter, registered with ``@exporter("table")``: a function
``(guardian, child_ids) -> list[dict]`` returning that table's rows about this guardian or
these children. Rows never name another person: staff appear by their role, other parents as
"another guardian" (``PersonLabels``). Tables about no family are listed in ``EXCLUDED`` with
the reason; a test fails on a personal-data table that is in neither.

The ZIP holds ``index.html`` (readable, self-contained, in the guardian's language), one JSON
and one CSV file per table under ``data/``, and the files the guardian sent under ``files/``.
It is stored under a generated key and deleted by the purge 48 hours later.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select

from ent_lite.accounts.emails import user_language
from ent_lite.accounts.models import AccountToken, ActivationCode, Role, User
from ent_lite.audit.services import record
from ent_lite.conversations.models import Message, Thread, ThreadMember, ThreadRead
from ent_lite.core.localtime import local_to_utc, to_local
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.files.services import delete_after_commit
from ent_lite.files.storage import get_storage, new_key
from ent_lite.forms.models import Answer, PostForm, Question, Response
from ent_lite.posts.models import Post, PostPhotoChild, PostRead, PostSignature
from ent_lite.privacy import retention
from ent_lite.rights.models import DataExport
from ent_lite.school.models import Child, Enrolment, Establishment, Group, GuardianLink
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
}


def exporter(table: str, label=None):
    """Register the function giving ``table``'s rows about a guardian and their children."""

    def decorator(function: Exporter) -> Exporter:
        EXPORTERS[table] = function
        if label is not None:
            TABLE_LABELS[table] = label
        return function

    return decorator


class ExportRefused(Exception):
    """The guardian already made an export today."""


# --- values and people -------------------------------------------------------------------

def _value(value):
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(**values) -> dict:
    return {key: _value(value) for key, value in values.items()}


class PersonLabels:
    """How a person appears in a guardian's export: "you", a staff role, "another guardian"."""

    def __init__(self, guardian: User, user_ids: Iterable[int | None]) -> None:
        from ent_lite.accounts.forms import ROLE_LABELS

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


def _child_refs(child_ids: Iterable[int]) -> dict[int, str]:
    ids = list(child_ids)
    if not ids:
        return {}
    return {cid: f"{first} ({pid})" for cid, first, pid in db.session.execute(
        select(Child.id, Child.first_name, Child.public_id).where(Child.id.in_(ids)))}


def _post_ids(ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    return dict(db.session.execute(select(Post.id, Post.public_id).where(Post.id.in_(ids))).all()) if ids else {}


def _family_threads(guardian: User, child_ids: list[int]):
    return select(Thread.id).where(or_(Thread.child_id.in_(child_ids), Thread.started_by_id == guardian.id))


def _family_responses(guardian: User, child_ids: list[int]):
    return select(Response.id).where(or_(Response.child_id.in_(child_ids), Response.respondent_id == guardian.id))


def _deletion(key: str, anchor: datetime | None):
    return retention.deletion_dt(key, anchor) if anchor is not None else None


# --- the exporters of each personal-data table -------------------------------------------

@exporter("user_account", _l("Your account and contact details"))
def _accounts(guardian, child_ids):
    # Password hash, session nonce and second-factor secret are credentials, not information.
    u = guardian
    return [_row(public_id=u.public_id, role=u.role, first_name=u.first_name, last_name=u.last_name,
                 email=u.email, phone=u.phone, language=u.locale, is_enabled=u.is_enabled,
                 privacy_notice_version=u.privacy_notice_version, created_dt=u.created_dt,
                 activated_dt=u.activated_dt, last_login_dt=u.last_login_dt,
                 password_changed_dt=u.password_changed_dt)]


@exporter("activation_code", _l("Activation codes"))
def _activation_codes(guardian, child_ids):
    # The code itself is a credential: its dates say all there is about the guardian.
    rows = db.session.scalars(select(ActivationCode).where(ActivationCode.user_id == guardian.id)
                              .order_by(ActivationCode.id))
    return [_row(created_dt=r.created_dt, expires_dt=r.expires_dt, used_dt=r.used_dt) for r in rows]


@exporter("account_token", _l("Password reset links"))
def _account_tokens(guardian, child_ids):
    rows = db.session.scalars(select(AccountToken).where(AccountToken.user_id == guardian.id)
                              .order_by(AccountToken.id))
    return [_row(purpose=r.purpose, created_dt=r.created_dt, expires_dt=r.expires_dt, used_dt=r.used_dt)
            for r in rows]


@exporter("child", _l("Your children's records"))
def _children(guardian, child_ids):
    rows = db.session.scalars(select(Child).where(Child.id.in_(child_ids)).order_by(Child.id))
    return [_row(public_id=c.public_id, first_name=c.first_name, last_name=c.last_name, birth_date=c.birth_date,
                 level=c.level, created_dt=c.created_dt, left_dt=c.left_dt,
                 deletion_dt=_deletion("pupil_records", c.left_dt)) for c in rows]


@exporter("enrolment", _l("Classes and groups"))
def _enrolments(guardian, child_ids):
    refs = _child_refs(child_ids)
    rows = db.session.execute(
        select(Enrolment.child_id, Group.name, Group.kind, Group.school_year, Establishment.name)
        .join(Group, Group.id == Enrolment.group_id).join(Establishment, Establishment.id == Group.establishment_id)
        .where(Enrolment.child_id.in_(child_ids)).order_by(Enrolment.id))
    return [_row(child=refs.get(cid), group=name, kind=kind, school_year=year, establishment=place)
            for cid, name, kind, year, place in rows]


@exporter("guardian_link", _l("Guardians of your children"))
def _guardian_links(guardian, child_ids):
    links = list(db.session.scalars(select(GuardianLink).where(GuardianLink.child_id.in_(child_ids))
                                    .order_by(GuardianLink.child_id, GuardianLink.rank)))
    refs, people = _child_refs(child_ids), PersonLabels(guardian, [link.user_id for link in links])
    return [_row(child=refs.get(link.child_id), guardian=people(link.user_id), rank=link.rank,
                 relation=link.relation, legal_authority=link.legal_authority) for link in links]


@exporter("post", _l("News about your family"))
def _posts(guardian, child_ids):
    # Posts the family read, signed, answered, or whose photos show one of the children.
    concerned = or_(
        Post.id.in_(select(PostRead.post_id).where(PostRead.user_id == guardian.id)),
        Post.id.in_(select(PostSignature.post_id).where(or_(PostSignature.child_id.in_(child_ids),
                                                            PostSignature.user_id == guardian.id))),
        Post.id.in_(select(PostPhotoChild.post_id).where(PostPhotoChild.child_id.in_(child_ids))),
        Post.id.in_(select(PostForm.post_id).join(Response, Response.form_id == PostForm.id)
                    .where(Response.id.in_(_family_responses(guardian, child_ids)))),
        Post.id.in_(select(Thread.post_id).where(Thread.id.in_(_family_threads(guardian, child_ids)))),
    )
    posts = list(db.session.execute(select(Post, Establishment.name).join(Establishment)
                                    .where(concerned).order_by(Post.published_dt)))
    people = PersonLabels(guardian, [post.author_id for post, _name in posts])
    return [_row(public_id=post.public_id, title=post.title, author=people(post.author_id), establishment=name,
                 published_dt=post.published_dt, expires_dt=post.expires_dt,
                 deletion_dt=_deletion("class_content", post.published_dt)) for post, name in posts]


@exporter("post_photo_child", _l("Your children tagged in post photos"))
def _photo_tags(guardian, child_ids):
    rows = list(db.session.execute(select(PostPhotoChild.post_id, PostPhotoChild.child_id)
                                   .where(PostPhotoChild.child_id.in_(child_ids)).order_by(PostPhotoChild.id)))
    refs, posts = _child_refs(child_ids), _post_ids(p for p, _c in rows)
    return [_row(post=posts.get(pid), child=refs.get(cid)) for pid, cid in rows]


@exporter("post_read", _l("News you opened"))
def _post_reads(guardian, child_ids):
    rows = list(db.session.execute(select(PostRead.post_id, PostRead.read_dt)
                                   .where(PostRead.user_id == guardian.id).order_by(PostRead.id)))
    posts = _post_ids(p for p, _d in rows)
    return [_row(post=posts.get(pid), read_dt=when, deletion_dt=_deletion("read_receipts", when))
            for pid, when in rows]


@exporter("post_signature", _l("Signatures"))
def _signatures(guardian, child_ids):
    rows = list(db.session.scalars(select(PostSignature).where(
        or_(PostSignature.child_id.in_(child_ids), PostSignature.user_id == guardian.id)).order_by(PostSignature.id)))
    refs, posts = _child_refs(child_ids), _post_ids(r.post_id for r in rows)
    people = PersonLabels(guardian, [r.user_id for r in rows])
    return [_row(post=posts.get(r.post_id), child=refs.get(r.child_id), signed_by=people(r.user_id),
                 signed_dt=r.signed_dt, deletion_dt=_deletion("form_answers", r.signed_dt)) for r in rows]


@exporter("post_form", _l("Polls and authorisations you answered"))
def _forms(guardian, child_ids):
    forms = list(db.session.scalars(select(PostForm).where(PostForm.id.in_(
        select(Response.form_id).where(Response.id.in_(_family_responses(guardian, child_ids))))).order_by(PostForm.id)))
    posts = _post_ids(f.post_id for f in forms)
    return [_row(public_id=f.public_id, post=posts.get(f.post_id), kind=f.kind, answered_per=f.answered_per,
                 deadline_dt=f.deadline_dt) for f in forms]


@exporter("form_question", _l("Questions you answered"))
def _questions(guardian, child_ids):
    from ent_lite.forms.answering import question_label

    questions = db.session.execute(select(Question, PostForm.public_id).join(PostForm).where(
        Question.form_id.in_(select(Response.form_id).where(Response.id.in_(_family_responses(guardian, child_ids)))))
        .order_by(Question.form_id, Question.position))
    return [_row(form=form, position=q.position, kind=q.kind, label=question_label(q), choices=q.choices)
            for q, form in questions]


@exporter("form_response", _l("Answers given"))
def _responses(guardian, child_ids):
    rows = list(db.session.execute(select(Response, PostForm.public_id).join(PostForm).where(
        Response.id.in_(_family_responses(guardian, child_ids))).order_by(Response.id)))
    refs = _child_refs(child_ids)
    people = PersonLabels(guardian, [r.respondent_id for r, _f in rows])
    return [_row(public_id=r.public_id, form=form, child=refs.get(r.child_id), answered_by=people(r.respondent_id),
                 created_dt=r.created_dt, updated_dt=r.updated_dt, deletion_dt=_deletion("form_answers", r.updated_dt))
            for r, form in rows]


@exporter("form_answer", _l("Answer values"))
def _answers(guardian, child_ids):
    from ent_lite.forms.answering import display_value, question_label

    rows = db.session.execute(select(Answer, Question, Response.public_id)
                              .join(Question, Question.id == Answer.question_id)
                              .join(Response, Response.id == Answer.response_id)
                              .where(Answer.response_id.in_(_family_responses(guardian, child_ids)))
                              .order_by(Answer.response_id, Question.position))
    return [_row(response=response, question=question_label(q), value=display_value(q, a.value))
            for a, q, response in rows]


@exporter("thread", _l("Conversations about your children"))
def _threads(guardian, child_ids):
    threads = list(db.session.execute(select(Thread, Establishment.name).join(Establishment).where(
        Thread.id.in_(_family_threads(guardian, child_ids))).order_by(Thread.id)))
    refs, posts = _child_refs(child_ids), _post_ids(t.post_id for t, _n in threads)
    people = PersonLabels(guardian, [u for t, _n in threads for u in (t.started_by_id, t.closed_by_id)])
    return [_row(public_id=t.public_id, subject=t.subject, child=refs.get(t.child_id), establishment=name,
                 post=posts.get(t.post_id), started_by=people(t.started_by_id), created_dt=t.created_dt,
                 last_message_dt=t.last_message_dt, closed_dt=t.closed_dt,
                 closed_by=people(t.closed_by_id) if t.closed_by_id else None,
                 deletion_dt=_deletion("conversations", t.last_message_dt)) for t, name in threads]


@exporter("thread_member", _l("Who conversations were addressed to"))
def _thread_members(guardian, child_ids):
    rows = list(db.session.execute(select(Thread.public_id, ThreadMember.user_id).join(Thread).where(
        ThreadMember.thread_id.in_(_family_threads(guardian, child_ids))).order_by(ThreadMember.id)))
    people = PersonLabels(guardian, [u for _t, u in rows])
    return [_row(thread=thread, member=people(user_id)) for thread, user_id in rows]


@exporter("message", _l("Messages"))
def _messages(guardian, child_ids):
    rows = list(db.session.execute(select(Message, Thread.public_id).join(Thread).where(
        Message.thread_id.in_(_family_threads(guardian, child_ids))).order_by(Message.id)))
    people = PersonLabels(guardian, [m.author_id for m, _t in rows])
    return [_row(public_id=m.public_id, thread=thread, author=people(m.author_id), body=m.body,
                 created_dt=m.created_dt, withdrawn_dt=m.withdrawn_dt) for m, thread in rows]


@exporter("thread_read", _l("Conversations you opened"))
def _thread_reads(guardian, child_ids):
    rows = db.session.execute(select(Thread.public_id, ThreadRead.last_read_dt).join(Thread)
                              .where(ThreadRead.user_id == guardian.id).order_by(ThreadRead.id))
    return [_row(thread=thread, last_read_dt=when) for thread, when in rows]


def _file_path(attachment: Attachment) -> str:
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", attachment.display_name or "file")[:100]
    return f"files/{attachment.public_id}-{name}"


def _sent_files(guardian: User) -> list[Attachment]:
    # Only what the guardian sent: photos of their children posted by staff are not theirs to take.
    return list(db.session.scalars(select(Attachment).where(Attachment.uploader_id == guardian.id)
                                   .order_by(Attachment.id)))


@exporter("attachment", _l("Files you sent"))
def _attachments(guardian, child_ids):
    files = _sent_files(guardian)
    posts = _post_ids(a.post_id for a in files)
    message_ids = {a.message_id for a in files if a.message_id is not None}
    messages = dict(db.session.execute(select(Message.id, Message.public_id).where(Message.id.in_(message_ids))).all()) \
        if message_ids else {}
    return [_row(public_id=a.public_id, name=a.display_name, kind=a.kind, content_type=a.content_type,
                 size_bytes=a.size_bytes, post=posts.get(a.post_id), message=messages.get(a.message_id),
                 created_dt=a.created_dt, file=_file_path(a), deletion_dt=retention.deletion_date(a)) for a in files]


@exporter("consent_record", _l("Consents given and withdrawn"))
def _consents(guardian, child_ids):
    from ent_lite.consents.models import ConsentRecord

    rows = list(db.session.scalars(select(ConsentRecord).where(
        or_(ConsentRecord.guardian_id == guardian.id, ConsentRecord.child_id.in_(child_ids))).order_by(ConsentRecord.id)))
    refs, people = _child_refs(child_ids), PersonLabels(guardian, [r.guardian_id for r in rows])
    return [_row(public_id=r.public_id, purpose=r.purpose, audience=r.audience, child=refs.get(r.child_id),
                 given_by=people(r.guardian_id), granted=r.granted, notice_version=r.notice_hash,
                 created_dt=r.created_dt) for r in rows]


@exporter("data_export", _l("Your data exports"))
def _exports(guardian, child_ids):
    rows = db.session.scalars(select(DataExport).where(DataExport.user_id == guardian.id).order_by(DataExport.id))
    return [_row(public_id=r.public_id, created_dt=r.created_dt, expires_dt=r.expires_dt, size=r.size) for r in rows]


# --- building, storing, purging ----------------------------------------------------------

@dataclass
class TableDump:
    name: str
    label: str
    rows: list[dict]

    @property
    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row))
        return list(seen)


def _csv(dump: TableDump) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    columns = dump.columns
    writer.writerow(columns)
    for row in dump.rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    # The BOM lets spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# The index reads best from the person to what they did; tables not listed come after, by name.
READING_ORDER = ("user_account", "child", "guardian_link", "enrolment", "consent_record", "rights_request",
                 "thread", "message", "attachment", "thread_member", "thread_read", "post", "post_read",
                 "post_signature", "post_photo_child", "post_form", "form_question", "form_response",
                 "form_answer", "data_export", "activation_code", "account_token")


def _reading_position(name: str) -> tuple[int, str]:
    return (READING_ORDER.index(name) if name in READING_ORDER else len(READING_ORDER), name)


def collect(guardian: User) -> list[TableDump]:
    child_ids = family_child_ids(guardian)
    return [TableDump(name, str(TABLE_LABELS.get(name, name)), EXPORTERS[name](guardian, child_ids))
            for name in sorted(EXPORTERS, key=_reading_position)]


def build_zip(guardian: User, export: DataExport) -> bytes:
    """The ZIP's bytes, written in the guardian's language."""
    storage = get_storage()
    with force_locale(user_language(guardian)):
        tables = collect(guardian)
        files = _sent_files(guardian)
        index = render_template("rights/export_index.html", guardian=guardian, tables=tables, export=export,
                                files=[(_file_path(a), a) for a in files], lang=user_language(guardian))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", index.encode("utf-8"))
        for dump in tables:
            archive.writestr(f"data/{dump.name}.json",
                             json.dumps(dump.rows, ensure_ascii=False, indent=2).encode("utf-8"))
            archive.writestr(f"data/{dump.name}.csv", _csv(dump))
        for attachment in files:
            try:
                with storage.open(attachment.storage_key) as handle:
                    archive.writestr(_file_path(attachment), handle.read())
            except FileNotFoundError:  # listed in the index; the storage check reports the loss
                continue
    return buffer.getvalue()


def export_of_today(guardian: User, now: datetime) -> DataExport | None:
    """The export the guardian made today (the city's calendar day), if any."""
    start = local_to_utc(to_local(now).date(), time(0, 0))
    return db.session.scalar(select(DataExport).where(DataExport.user_id == guardian.id,
                                                      DataExport.created_dt >= start).limit(1))


def latest_export(guardian: User, now: datetime) -> DataExport | None:
    return db.session.scalar(select(DataExport).where(DataExport.user_id == guardian.id, DataExport.expires_dt > now)
                             .order_by(DataExport.created_dt.desc()).limit(1))


def create_export(guardian: User, now: datetime) -> DataExport:
    """Build and store the guardian's export and audit it; flushes, the caller commits.

    Raises ExportRefused when one was already made today.
    """
    if export_of_today(guardian, now) is not None:
        raise ExportRefused()
    days = retention.effective_days("data_exports")
    export = DataExport(user_id=guardian.id, created_dt=now, expires_dt=now + timedelta(days=days),
                        storage_key=new_key("zip"))
    db.session.add(export)
    db.session.flush()
    data = build_zip(guardian, export)
    get_storage().save(export.storage_key, data)
    export.size = len(data)
    record("export.create", actor=guardian, target=guardian, now=now, details={"bytes": len(data)})
    db.session.flush()
    return export


def find_own_export(guardian: User, public_id: str, now: datetime) -> DataExport | None:
    """The guardian's own export still in force; None for anyone else's or an expired one."""
    return db.session.scalar(select(DataExport).where(
        DataExport.public_id == public_id[:40], DataExport.user_id == guardian.id, DataExport.expires_dt > now))


def purge_exports(now: datetime, *, dry_run: bool = False):
    """Delete exports past their expiry and their files; returns the purge's result for "exports"."""
    from ent_lite.privacy.purge import CategoryResult

    result = CategoryResult("exports")
    due = list(db.session.execute(select(DataExport.id, DataExport.storage_key).where(DataExport.expires_dt <= now)))
    result.rows = result.files = len(due)
    if due:
        result.by_table[DataExport.__tablename__] = len(due)
    if dry_run or not due:
        return result
    db.session.execute(delete(DataExport).where(DataExport.id.in_([i for i, _k in due])))
    # Files go once the rows are gone, so no row ever points at a missing file.
    delete_after_commit(key for _id, key in due)
    db.session.commit()
    return result
