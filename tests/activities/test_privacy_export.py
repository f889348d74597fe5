"""A guardian's export holds their children's registrations, notes, attendance and tickets and
the brackets they declared, with when each goes; staff appear by their role, other families not."""
from __future__ import annotations

import json

from datetime import timedelta

from ent_lite.activities.models import Attendance
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.activities import retention
from tests.activities.privacy_rows import add_activity_rows, enrol
from tests.privacy.conftest import utc
from tests.rights.conftest import export_zip  # noqa: F401  (the fixture)


def _tables(archive) -> dict:
    return {name[len("data/"):-len(".json")]: json.loads(archive.read(name))
            for name in archive.namelist() if name.startswith("data/") and name.endswith(".json")}


def test_the_export_holds_the_familys_activities_and_no_other_family(aw, login_as, export_zip):  # noqa: F811
    w = aw.world
    now = utcnow()
    rows = add_activity_rows(aw, w.parent_a, w.child_a, now)
    # The shared rows make the guardian the author and attendance taker: here, as in life, staff are.
    rows.activity.author_id = w.city_agent.id
    db.session.query(Attendance).update({"recorded_by_id": w.city_agent.id})
    enrol(rows.activity, w.child_b, w.parent_b, now, note="Note d'une autre famille")
    db.session.commit()
    archive, _url = export_zip(login_as(w.parent_a))
    tables = _tables(archive)
    (registration,) = tables["registration"]
    assert registration["public_id"] == rows.registration.public_id
    assert registration["activity"] == "Escalade" and registration["status"] == "confirmed"
    assert registration["deletion_dt"] == retention.deletion_date(rows.activity).isoformat(timespec="seconds")
    (note,) = tables["registration_note"]
    assert note["note"] == "Allergie aux arachides"
    (present,) = tables["activity_attendance"]
    assert present["present"] is True and present["recorded_by"] not in ("Louis Fournier", "you")
    assert "Fournier" not in json.dumps(tables, ensure_ascii=False)
    assert [t["ticket"] for t in tables["lottery_entry"]] == ["K7F3-2QX9"]
    (declaration,) = tables["bracket_declaration"]
    assert declaration["bracket"] == "B"
    text = json.dumps(tables, ensure_ascii=False)
    assert "Léo" not in text and "autre famille" not in text


def test_deletion_dates_of_a_registration_its_note_and_a_bracket(aw):
    w = aw.world
    rows = add_activity_rows(aw, w.parent_a, w.child_a, utcnow())
    activity = rows.activity
    activity.last_session_dt = utc(2026, 6, 20, 16)
    rows.declaration.school_year = "2025-2026"
    db.session.commit()
    assert retention.deletion_date(rows.registration) == utc(2026, 9, 1, 0) + timedelta(days=365)
    assert retention.deletion_date(rows.registration.note) == utc(2026, 6, 20, 16) + timedelta(days=15)
    assert retention.deletion_date(rows.declaration) == utc(2026, 9, 1, 0) + timedelta(days=365)
