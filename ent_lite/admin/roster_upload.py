"""An administrator's roster upload: the import into their city, its audit entry and its log line.

A refused file imports nothing and a dry run keeps nothing: ``upload_roster`` says whether the
caller commits (``keep``) or rolls back what the import flushed. Only a kept import is written
to the audit log; the application log gets counts, never names.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from ent_lite.audit.services import record
from ent_lite.extensions import db
from ent_lite.school.models import City
from ent_lite.school.roster_apply import RosterError, import_roster


@dataclass
class RosterUpload:
    """``errors``: the file's problems (nothing imported); ``summary``: what the page shows
    after the upload (counts, school year, dry run); ``keep``: the caller commits, else rolls back."""

    errors: list[RosterError] | None = None
    summary: dict | None = None
    keep: bool = False


def upload_roster(actor, data: bytes, school_year: str, *, dry_run: bool, now: datetime,
                  city_name: str, valid_days: int) -> RosterUpload:
    """Import the roster file into ``actor``'s city (flushed, not committed)."""
    result = import_roster(data, school_year=school_year, now=now, city_name=city_name, valid_days=valid_days,
                           city=db.session.get(City, actor.city_id))
    if not result.ok:
        return RosterUpload(errors=result.errors)
    counts = result.summary.as_dict()
    if not dry_run:
        record("admin.roster_import", actor=actor, now=now,
               details={"source": "upload", "school_year": school_year, **counts})
    current_app.logger.info("roster import by %s (dry run: %s): %s", actor.public_id, dry_run, counts)
    return RosterUpload(summary={"counts": counts, "school_year": school_year, "dry_run": dry_run},
                        keep=not dry_run)
