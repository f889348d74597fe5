"""Consent rules: no consent by default, one or both guardians from the register, append-only."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from ent_lite.audit.models import AuditEntry
from ent_lite.consents import services
from ent_lite.consents.models import AppendOnlyError, ConsentRecord
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.privacy.notice import current_notice_version
from ent_lite.school.models import Child, GuardianLink
from tests import factories
from tests.queries import recorded_statements

PHOTOS = services.PHOTO_PUBLICATION


def test_new_children_and_guardians_have_no_consent(world):
    for audience in ("class", "school", "city"):
        assert not services.may(world.child_a, PHOTOS, audience)
    assert not services.may(world.parent_a, services.CITY_INFORMATION)
    assert services.children_lacking([world.child_a, world.child_b], PHOTOS, "class") == [world.child_a, world.child_b]


def test_photo_publication_needs_both_legal_guardians_by_default(world, grant):
    grant(world.parent_a, world.child_a)
    assert not services.may(world.child_a, PHOTOS, "class")
    grant(world.parent_a2, world.child_a)
    assert services.may(world.child_a, PHOTOS, "class")
    # Each audience is decided on its own.
    assert not services.may(world.child_a, PHOTOS, "school")


def test_one_guardian_is_enough_when_the_register_says_one(world, grant, guardians_required):
    guardians_required(PHOTOS, "one")
    grant(world.parent_a, world.child_a)
    assert services.may(world.child_a, PHOTOS, "class")
    assert services.children_lacking([world.child_a, world.child_b], PHOTOS, "class") == [world.child_b]


def test_both_setting_counts_every_guardian_with_legal_authority_only(world, grant, guardians_required):
    guardians_required(PHOTOS, "both")
    link = db.session.scalar(select(GuardianLink).where(GuardianLink.user_id == world.parent_a2.id))
    link.legal_authority = False
    db.session.commit()
    with pytest.raises(PermissionError):
        services.set_consent(world.parent_a2, PHOTOS, True, utcnow(), child=world.child_a, audience="class")
    grant(world.parent_a, world.child_a)
    assert services.may(world.child_a, PHOTOS, "class")  # the only legal guardian agreed


def test_a_withdrawal_applies_at_once_and_keeps_the_history(world, grant):
    start = utcnow() - timedelta(minutes=1)
    grant(world.parent_a, world.child_a, now=start)
    grant(world.parent_a2, world.child_a, now=start + timedelta(seconds=1))
    assert services.may(world.child_a, PHOTOS, "class")
    grant(world.parent_a2, world.child_a, granted=False, now=start + timedelta(seconds=2))
    assert not services.may(world.child_a, PHOTOS, "class")
    # The state at an earlier time is still known from the records.
    assert services.may(world.child_a, PHOTOS, "class", now=start + timedelta(seconds=1, milliseconds=500))
    records = db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)).all()
    assert [(r.guardian_id, r.granted) for r in records] == [
        (world.parent_a.id, True), (world.parent_a2.id, True), (world.parent_a2.id, False)]
    assert all(r.notice_hash == current_notice_version() and r.audience == "class" for r in records)


def test_the_same_decision_twice_appends_nothing(world, grant):
    assert grant(world.parent_a, world.child_a) is not None
    assert grant(world.parent_a, world.child_a) is None
    assert len(db.session.scalars(select(ConsentRecord)).all()) == 1


def test_guardian_purpose_is_the_guardians_own_latest_record(world, grant):
    grant(world.parent_a, purpose=services.CITY_INFORMATION)
    assert services.may(world.parent_a, services.CITY_INFORMATION)
    assert not services.may(world.parent_a2, services.CITY_INFORMATION)  # not shared with the other guardian
    grant(world.parent_a, purpose=services.CITY_INFORMATION, granted=False)
    assert not services.may(world.parent_a, services.CITY_INFORMATION)


def test_guardian_states_give_each_guardians_latest_decision_at_a_date_in_one_query(world, grant):
    city = services.CITY_INFORMATION
    start = utcnow() - timedelta(days=3)
    grant(world.parent_a, purpose=city, now=start)
    grant(world.parent_a, purpose=city, granted=False, now=start + timedelta(days=1))
    grant(world.parent_b, purpose=city, now=start + timedelta(days=1))
    grant(world.parent_a2, world.child_a)  # a child purpose is no guardian decision
    ids = [world.parent_a.id, world.parent_b.id, world.parent_a2.id]

    with recorded_statements() as statements:
        assert services.guardian_states(ids, city) == {world.parent_a.id: False, world.parent_b.id: True}
    assert len(statements) == 1
    assert services.guardian_states(ids, city, now=start + timedelta(hours=1)) == {world.parent_a.id: True}
    assert services.guardian_states([], city) == {}


def test_each_decision_is_audited_without_names(world, grant):
    grant(world.parent_a, world.child_a, audience="school")
    grant(world.parent_a, world.child_a, audience="school", granted=False)
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["consent.grant", "consent.withdraw"]
    assert all(e.actor_ref == f"user:{world.parent_a.public_id}" for e in entries)
    assert all(e.target_ref == f"child:{world.child_a.public_id}" for e in entries)
    assert '"audience":"school"' in entries[0].details and '"purpose":"photo_publication"' in entries[0].details
    assert "Awa" not in entries[0].details + (entries[0].target_ref or "")


def test_only_guardians_of_the_child_decide(world):
    with pytest.raises(PermissionError):
        services.set_consent(world.parent_b, PHOTOS, True, utcnow(), child=world.child_a, audience="class")
    with pytest.raises(PermissionError):
        services.set_consent(world.teacher_a, services.CITY_INFORMATION, True, utcnow())
    with pytest.raises(ValueError):
        services.set_consent(world.parent_a, PHOTOS, True, utcnow(), child=world.child_a, audience="planet")


def test_records_cannot_be_updated_or_deleted(world, grant):
    entry = grant(world.parent_a, world.child_a)
    entry.granted = False
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(ConsentRecord, entry.id))
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.execute(update(ConsentRecord).values(granted=False))
    with pytest.raises(AppendOnlyError):
        db.session.execute(delete(ConsentRecord))
    db.session.rollback()
    assert db.session.get(ConsentRecord, entry.id).granted is True


def test_children_lacking_runs_a_constant_number_of_queries(world, grant):
    def statements(children):
        with recorded_statements() as seen:
            services.children_lacking(children, PHOTOS, "class")
        return seen

    for n in range(20):
        child = factories.make_child(world.city, world.class_a, f"Enfant{n}", guardians=(world.parent_b,))
        if n < 5:
            grant(world.parent_b, child)
    children = db.session.scalars(select(Child).order_by(Child.id)).all()
    assert len(statements(children[:1])) == len(statements(children)) == 2
    assert len(services.children_lacking(children, PHOTOS, "class")) == len(children) - 5
