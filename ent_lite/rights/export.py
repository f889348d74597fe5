"""A guardian's export (PRIVACY.md C.12-C.14): one ZIP of everything held about them and their children.

The rows come from the exporters each feature registers in ``ent_lite.rights.registry``. The ZIP holds ``index.html`` (readable,
self-contained, in the guardian's language), one JSON and one CSV file per table under
``data/``, and the files the guardian sent under ``files/``. It is stored under a generated
key and deleted by the purge 48 hours later (ent_lite.rights.retention).
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import BinaryIO

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from ent_lite.accounts.emails import user_language
from ent_lite.accounts.models import User
from ent_lite.audit.services import record
from ent_lite.core import upsert
from ent_lite.core.db_types import new_public_id
from ent_lite.core.localtime import local_to_utc, to_local
from ent_lite.extensions import db
from ent_lite.files.storage import get_storage, new_key
from ent_lite.privacy import retention
from ent_lite.rights.models import DataExport
from ent_lite.rights.registry import EXPORTERS, TABLE_LABELS, family_child_ids, file_path, sent_files


class ExportRefused(Exception):
    """The guardian already made an export today."""


# --- building and storing ----------------------------------------------------------

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
                 "form_answer", "notification_preferences", "push_subscription", "email_problem", "notification",
                 "notification_delivery", "notification_event", "data_export", "activation_code", "account_token")


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
        files = sent_files(guardian)
        index = render_template("rights/export_index.html", guardian=guardian, tables=tables, export=export,
                                files=[(file_path(a), a) for a in files], lang=user_language(guardian))
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
                    archive.writestr(file_path(attachment), handle.read())
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

    Raises ExportRefused when one was already made today. The day is claimed first by one
    INSERT ... ON CONFLICT DO NOTHING on (guardian, day): of requests racing each other, one
    writes the row and the others, waiting for it, write nothing and are refused.
    """
    if export_of_today(guardian, now) is not None:
        raise ExportRefused()
    days = retention.effective_days("data_exports")
    claimed = db.session.execute(
        upsert.insert(DataExport).values(
            public_id=new_public_id(), user_id=guardian.id, created_dt=now, export_day=to_local(now).date(),
            expires_dt=now + timedelta(days=days), storage_key=new_key("zip"), size=0)
        .on_conflict_do_nothing(index_elements=["user_id", "export_day"])
        .returning(DataExport.id)
    ).scalar()
    if claimed is None:
        raise ExportRefused()
    export = db.session.get(DataExport, claimed)
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


def open_own_export(guardian: User, public_id: str, now: datetime) -> tuple[DataExport, BinaryIO] | None:
    """The guardian's own export in force and its opened ZIP, the download audited (flushed;
    the caller commits); None for anyone else's, an expired one, or one whose file is lost."""
    export = find_own_export(guardian, public_id, now)
    if export is None:
        return None
    try:
        handle = get_storage().open(export.storage_key)
    except (FileNotFoundError, ValueError):
        return None
    record("export.download", actor=guardian, target=guardian, now=now)
    return export, handle

