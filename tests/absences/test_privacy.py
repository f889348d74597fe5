"""Absence notices and their reasons through the real purge, the family's export and erasure."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from ent_lite.absences import retention as absence_retention
from ent_lite.absences import services
from ent_lite.absences.models import AbsenceNotice, AbsenceReason
from ent_lite.erasure.services import erase_child, erase_guardian
from ent_lite.extensions import db
from ent_lite.privacy.purge import purge_category
from ent_lite.rights import export as exports

LAST_DAY = date(2026, 12, 8)
SENT = datetime(2026, 12, 7, 6, tzinfo=timezone.utc)
INSTANT = timedelta(microseconds=1)
# The 8th ends at midnight in Paris (23:00 UTC); the reason goes 15 days later.
REASON_DELETED = datetime(2026, 12, 23, 23, tzinfo=timezone.utc)
# The notice goes with the school year of its last day: 1 September 2027 + 90 days.
NOTICE_DELETED = datetime(2027, 11, 30, tzinfo=timezone.utc)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _notice(life, reason="Angine"):
    world = life.world
    notice = services.declare(world.parent_a, world.child_a, services.AbsenceFields(
        LAST_DAY - timedelta(days=1), LAST_DAY, True, True, reason), SENT)
    db.session.commit()
    return notice


def test_the_reason_is_kept_at_its_deletion_instant_and_purged_the_instant_after(life):
    notice = _notice(life)
    assert absence_retention.deletion_date(notice.reason) == REASON_DELETED
    assert purge_category("absence_reasons", REASON_DELETED).rows == 0 and count(AbsenceReason) == 1
    assert purge_category("absence_reasons", REASON_DELETED + INSTANT).rows == 1
    assert count(AbsenceReason) == 0 and count(AbsenceNotice) == 1


def test_the_notice_goes_with_its_school_year(life):
    notice = _notice(life)
    assert absence_retention.deletion_date(notice) == NOTICE_DELETED
    assert purge_category("absence_notices", NOTICE_DELETED).rows == 0 and count(AbsenceNotice) == 1
    assert purge_category("absence_notices", NOTICE_DELETED + INSTANT).rows == 1
    assert count(AbsenceNotice) == 0 and count(AbsenceReason) == 0


def test_the_other_guardian_exports_the_notice_without_the_senders_name(life):
    world = life.world
    notice = _notice(life)
    services.acknowledge(notice, world.teacher_a, SENT + timedelta(hours=14))
    db.session.commit()
    tables = {dump.name: dump.rows for dump in exports.collect(world.parent_a2)}
    (row,) = tables["absence_notice"]
    assert row["public_id"] == notice.public_id and row["child"] and row["first_day"]
    assert "Fatou" not in repr(row) and "Claire" not in repr(row) and "Durand" not in repr(row)
    assert [r["reason"] for r in tables["absence_reason"]] == ["Angine"]
    others = {dump.name: dump.rows for dump in exports.collect(world.parent_b)}
    assert others["absence_notice"] == [] and others["absence_reason"] == []


def test_erasing_the_sender_keeps_the_notice_for_the_family_and_the_staff(life):
    world = life.world
    notice = _notice(life)
    services.acknowledge(notice, world.teacher_a, SENT + timedelta(hours=14))
    db.session.commit()
    erase_guardian(world.parent_a, now=SENT + timedelta(days=1), actor=None)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(AbsenceNotice, notice.id)
    assert kept.author_id is None and kept.school_seen_by_id == world.teacher_a.id and kept.reason.body == "Angine"


def test_erasing_the_child_erases_their_notices_and_reasons(life):
    _notice(life)
    erase_child(life.world.child_a, now=SENT + timedelta(days=1), actor=None)
    db.session.commit()
    assert count(AbsenceNotice) == 0 and count(AbsenceReason) == 0
