"""The roster upload service, called directly: a kept import is audited in the admin's city,
a dry run and a refused file keep nothing and write no audit entry."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from ent_lite.admin.roster_upload import upload_roster
from ent_lite.audit.models import AuditEntry
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.models import Child

from tests.school.conftest import ROWS, csv_text

YEAR = "2026-2027"


def city_children(city) -> int:
    return db.session.scalar(select(func.count(Child.id)).where(Child.city_id == city.id))


def audited() -> list[dict]:
    return [json.loads(details) for details in
            db.session.scalars(select(AuditEntry.details).where(AuditEntry.action == "admin.roster_import"))]


def upload(admin, data: bytes, dry_run: bool):
    upload = upload_roster(admin, data, YEAR, dry_run=dry_run, now=utcnow(), city_name="Ignored", valid_days=60)
    if upload.keep:
        db.session.commit()
    else:
        db.session.rollback()
    return upload


def test_an_import_goes_into_the_admins_city_and_is_audited_with_its_counts(world):
    far_before = city_children(world.far.city)
    done = upload(world.admin, csv_text().encode(), dry_run=False)
    assert done.keep and done.errors is None
    assert done.summary["school_year"] == YEAR and done.summary["dry_run"] is False
    assert done.summary["counts"]["children_created"] == 3
    assert city_children(world.city) == 6 and city_children(world.far.city) == far_before
    (details,) = audited()
    assert details["source"] == "upload" and details["children_created"] == 3


def test_a_dry_run_says_what_would_change_and_keeps_nothing(world):
    done = upload(world.admin, csv_text().encode(), dry_run=True)
    assert not done.keep and done.summary["dry_run"] is True and done.summary["counts"]["children_created"] == 3
    assert city_children(world.city) == 3 and audited() == []


def test_a_refused_file_gives_its_errors_and_keeps_nothing(world):
    done = upload(world.admin, csv_text(rows=[ROWS[1].replace("CE1 B;CE1", "CE1 B;CE7")]).encode(), dry_run=False)
    assert not done.keep and done.summary is None
    assert [error.line for error in done.errors] == [2]
    assert city_children(world.city) == 3 and audited() == []
