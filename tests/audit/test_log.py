"""Audit log: what an entry holds, the append-only guard, search."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select, update

from ent_lite.audit.models import AuditEntry
from ent_lite.audit.services import (
    AuditLogChangeRefused,
    compute_hash,
    details_of,
    record,
    search,
    verify_chain,
)
from ent_lite.extensions import db

NOW = datetime(2026, 11, 3, 9, 30, tzinfo=timezone.utc)


def test_entry_holds_pseudonymous_refs_and_utc_time(world):
    entry = record("child.view", actor=world.teacher_a, target=world.child_a, now=NOW,
                   details={"section": "profile"})
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditEntry, entry.id)
    assert stored.created_dt == NOW and stored.created_dt.tzinfo is not None
    assert stored.actor_ref == f"user:{world.teacher_a.public_id}"
    assert stored.actor_role == "teacher"
    assert stored.target_ref == f"child:{world.child_a.public_id}"
    assert stored.outcome == "success"
    assert details_of(stored) == {"section": "profile"}
    row = " ".join(str(v) for v in (stored.actor_ref, stored.target_ref, stored.details))
    for personal in ("Claire", "Durand", "Awa", "Diallo", world.teacher_a.email):
        assert personal not in row


def test_anonymous_entry_and_failure_outcome(db):
    entry = record("login.failure", outcome="failure", details={"reason": "bad_password"}, now=NOW)
    assert entry.actor_ref is None and entry.actor_role is None and entry.target_ref is None
    assert entry.outcome == "failure"


def test_details_are_canonical_json_with_sorted_keys(db):
    entry = record("admin.roster_import", now=NOW, details={"zeta": 1, "alpha": 2, "mid": [3, 1]})
    assert entry.details == '{"alpha":2,"mid":[3,1],"zeta":1}'


def test_control_characters_and_newlines_are_neutralised(db):
    entry = record("login.failure\nFAKE line", now=NOW,
                   details={"agent": "\x1b[31mred\x1b[0m", "note": "a\r\nlogin.success ok",
                            "bidi\u202e": "x\u2028y"})
    db.session.commit()
    stored = db.session.get(AuditEntry, entry.id)
    every_text = stored.action + stored.details + json.dumps(details_of(stored), ensure_ascii=False)
    for raw in ("\x1b", "\r", "\n", "\u202e", "\u2028"):
        assert raw not in every_text
    values = details_of(stored)
    assert values["agent"] == "\\x1b[31mred\\x1b[0m"
    assert values["note"] == "a\\x0d\\x0alogin.success ok"
    assert values["bidi\\u202e"] == "x\\u2028y"
    assert stored.action == "login.failure\\x0aFAKE line"
    assert verify_chain().ok


def test_entries_chain_each_to_the_one_before(db):
    first = record("a.one", now=NOW)
    second = record("a.two", now=NOW + timedelta(seconds=1))
    db.session.commit()
    assert second.id == first.id + 1
    assert second.prev_hash == first.entry_hash
    assert first.entry_hash == compute_hash(first)
    assert first.prev_hash == "0" * 64


def test_orm_update_of_an_entry_is_refused(db):
    entry = record("a.one", now=NOW)
    db.session.commit()
    entry.outcome = "failure"
    with pytest.raises(AuditLogChangeRefused):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).outcome == "success"


def test_orm_delete_of_an_entry_is_refused(db):
    entry = record("a.one", now=NOW)
    db.session.commit()
    db.session.delete(entry)
    with pytest.raises(AuditLogChangeRefused):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id) is not None


@pytest.mark.parametrize("statement", [
    lambda: update(AuditEntry).values(outcome="failure"),
    lambda: delete(AuditEntry),
])
def test_bulk_orm_update_and_delete_are_refused(db, statement):
    record("a.one", now=NOW)
    db.session.commit()
    with pytest.raises(AuditLogChangeRefused):
        db.session.execute(statement())
    db.session.rollback()
    assert db.session.scalars(select(AuditEntry.outcome)).all() == ["success"]


def test_search_newest_first_with_filters_and_pages(world):
    teacher = f"user:{world.teacher_a.public_id}"
    record("login.success", actor=world.teacher_a, now=NOW)
    record("login.failure", actor=world.teacher_a, outcome="failure", now=NOW + timedelta(hours=1))
    record("child.view", actor=world.teacher_a, target=world.child_a, now=NOW + timedelta(hours=2))
    record("login.success", actor=world.director, now=NOW + timedelta(hours=3))
    db.session.commit()

    def actions(page):
        return [e.action for e in page.entries]

    assert actions(search()) == ["login.success", "child.view", "login.failure", "login.success"]
    assert actions(search(actor_ref=teacher)) == ["child.view", "login.failure", "login.success"]
    assert [e.created_dt for e in search(action="login.success").entries] == [
        NOW + timedelta(hours=3), NOW]
    assert actions(search(action="login.", actor_ref=teacher)) == ["login.failure", "login.success"]
    assert actions(search(since=NOW + timedelta(hours=1), until=NOW + timedelta(hours=3))) == [
        "child.view", "login.failure"]

    first = search(per_page=3)
    assert len(first.entries) == 3 and first.has_next
    second = search(page=2, per_page=3)
    assert actions(second) == ["login.success"] and not second.has_next
    assert search(action="login%").entries == []


def test_a_target_created_in_the_same_transaction_gets_its_reference(world):
    from datetime import date

    from ent_lite.school.models import Child

    child = Child(city_id=world.city.id, first_name="Nina", last_name="Roy", birth_date=date(2019, 3, 1),
                  level="CP")
    db.session.add(child)
    entry = record("child.create", actor=world.admin, target=child, now=NOW)
    assert child.public_id and entry.target_ref == f"child:{child.public_id}"


def test_current_user_proxy_is_stored_as_the_user(world, app):
    from flask_login import current_user, login_user

    with app.test_request_context():
        login_user(world.teacher_a)
        entry = record("child.view", actor=current_user, now=NOW)
    assert entry.actor_ref == f"user:{world.teacher_a.public_id}" and entry.actor_role == "teacher"
