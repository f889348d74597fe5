"""The export ZIP: its owner only, one a day, audited, deleted by the purge after 48 hours."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import func, select

from ent_lite.audit.models import AuditEntry
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.storage import get_storage
from ent_lite.privacy.purge import run_purge
from ent_lite.rights import export as exports
from ent_lite.rights.models import DataExport


def audit_actions(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_guardian_exports_and_downloads_their_data(world, login_as, english, export_zip):
    client = login_as(world.parent_a)
    archive, url = export_zip(client)
    names = archive.namelist()
    assert "index.html" in names and "data/user_account.json" in names and "data/user_account.csv" in names
    (account,) = json.loads(archive.read("data/user_account.json"))
    assert account["email"] == world.parent_a.email and "password_hash" not in account
    # Audited: one creation, one download, pseudonymous.
    assert len(audit_actions("export.create")) == 1 and len(audit_actions("export.download")) == 1
    # The page shows the export's deletion date, 48 hours later.
    page = client.get("/privacy/my-data").get_data(as_text=True)
    assert "This export will be deleted on" in page
    (export,) = db.session.scalars(select(DataExport))
    assert export.expires_dt - export.created_dt == timedelta(hours=48)
    assert export.size == len(client.get(url).data)


def test_only_the_owner_can_download(world, login_as, export_zip):
    _archive, url = export_zip(login_as(world.parent_a))
    assert login_as(world.parent_a2).get(url).status_code == 404  # the other parent of the same child
    assert login_as(world.parent_b).get(url).status_code == 404
    assert login_as(world.teacher_a).get(url).status_code == 404
    assert login_as(world.dpo).get(url).status_code == 404
    assert login_as(world.admin).get(url).status_code == 404
    client = login_as(world.parent_a)
    client.post("/logout")
    assert client.get(url).status_code == 302  # to the login page
    assert len(audit_actions("export.download")) == 1  # the owner's only


def test_an_expired_export_is_not_served_even_to_its_owner(world, login_as, export_zip):
    client = login_as(world.parent_a)
    _archive, url = export_zip(client)
    export = db.session.scalar(select(DataExport))
    export.expires_dt = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(url).status_code == 404


def test_one_export_per_day(world, login_as, english):
    client = login_as(world.parent_a)
    assert client.post("/privacy/my-data/export").status_code == 302
    second = client.post("/privacy/my-data/export", follow_redirects=True).get_data(as_text=True)
    assert "You have already exported your data today. You can make a new export tomorrow." in second
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 1
    assert len(audit_actions("export.create")) == 1
    # The next day is allowed (the rule counts the city's calendar days).
    tomorrow = utcnow() + timedelta(days=1)
    exports.create_export(world.parent_a, tomorrow)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 2


def test_the_purge_deletes_exports_48_hours_after_they_were_made(world, app, login_as, export_zip):
    made = utcnow()
    exports.create_export(world.parent_a, made)
    exports.create_export(world.parent_b, made)
    db.session.commit()
    keys = list(db.session.scalars(select(DataExport.storage_key)))
    storage = get_storage()
    assert all(storage.exists(key) for key in keys)

    run_purge(made + timedelta(hours=47))
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 2
    assert all(storage.exists(key) for key in keys)

    results = run_purge(made + timedelta(hours=49))
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 0
    assert not any(storage.exists(key) for key in keys)
    (result,) = [r for r in results if r.category == "exports"]
    assert (result.rows, result.files) == (2, 2)
    entries = [json.loads(e.details) for e in audit_actions("purge.run")]
    assert {"category": "exports", "rows": 2, "files": 2} in entries
    assert {"category": "exports", "rows": 0, "files": 0} in entries  # the first run, one entry per run


def test_a_dry_run_keeps_expired_exports(world):
    made = utcnow()
    exports.create_export(world.parent_a, made)
    db.session.commit()
    key = db.session.scalar(select(DataExport.storage_key))
    results = run_purge(made + timedelta(days=3), dry_run=True)
    (result,) = [r for r in results if r.category == "exports"]
    assert result.rows == 1
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 1 and get_storage().exists(key)


def test_csv_files_are_utf8_with_bom_and_semicolons(world, login_as, export_zip):
    archive, _url = export_zip(login_as(world.parent_a))
    data = archive.read("data/child.csv")
    assert data.startswith("\ufeff".encode())
    header, first = data.decode("utf-8-sig").splitlines()[:2]
    assert header.split(";")[:3] == ["public_id", "first_name", "last_name"]
    assert "Awa;Diallo" in first


def test_the_index_is_readable_and_self_contained_in_the_guardian_language(world, login_as, export_zip):
    world.parent_a.locale = "en"
    db.session.commit()
    archive, _url = export_zip(login_as(world.parent_a))
    index = archive.read("index.html").decode("utf-8")
    assert '<html lang="en">' in index and "<h1>Your data from " in index
    assert "Awa" in index and 'href="data/child.csv"' in index
    for external in ("http://", "https://", "<script", "<link", "src="):
        assert external not in index
    world.parent_a.locale = "fr"
    db.session.commit()
    exports.create_export(world.parent_a, utcnow() + timedelta(days=1))
    db.session.commit()
    export = db.session.scalars(select(DataExport).order_by(DataExport.id.desc())).first()
    with get_storage().open(export.storage_key) as handle:
        french = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert '<html lang="fr">' in french.read("index.html").decode("utf-8")


def test_opening_an_export_is_the_owners_alone_and_audited(world, app):
    now = utcnow()
    with app.test_request_context():
        export = exports.create_export(world.parent_a, now)
    db.session.commit()
    assert exports.open_own_export(world.parent_b, export.public_id, now) is None
    assert audit_actions("export.download") == []
    found, handle = exports.open_own_export(world.parent_a, export.public_id, now)
    with handle:
        assert zipfile.is_zipfile(handle)
    assert found.id == export.id
    [entry] = audit_actions("export.download")
    assert entry.actor_ref == f"user:{world.parent_a.public_id}"
    get_storage().delete(export.storage_key)  # a lost file: nothing to send, nothing audited
    assert exports.open_own_export(world.parent_a, export.public_id, now) is None
    assert len(audit_actions("export.download")) == 1
