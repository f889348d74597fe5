"""The audit search as a service: what the DPO typed is resolved, and the search is audited
with references the log holds, never the text typed."""
from __future__ import annotations

import json

from ent_lite.audit.services import record
from ent_lite.core.db_types import utcnow
from ent_lite.dpo.audit_search import UNRESOLVED, AuditQuery, search_audit
from ent_lite.extensions import db
from tests.dpo.conftest import entries, utc


def test_a_search_by_email_finds_the_accounts_entries_and_is_audited(world):
    record("consent.withdraw", actor=world.parent_a, target=world.child_a, now=utc(2026, 3, 10))
    db.session.commit()
    result, missing = search_audit(AuditQuery(world.parent_a.email.upper(), "consent", None, None), world.dpo, 1,
                                   utcnow())
    assert not missing and [e.action for e in result.entries] == ["consent.withdraw"]
    [searched] = [json.loads(e.details) for e in entries("audit.search")]
    assert searched["actor"] == f"user:{world.parent_a.public_id}"
    assert searched["action"] == "consent." and searched["found"] == 1


def test_an_unknown_email_or_a_typed_name_is_logged_as_unresolved(world):
    result, missing = search_audit(AuditQuery("nobody@example.org", None, None, None), world.dpo, 1, utcnow())
    assert missing and result is None
    search_audit(AuditQuery("user:Marie Dupont", "no-such-action", None, None), world.dpo, 1, utcnow())
    logged = [json.loads(e.details) for e in entries("audit.search")]
    assert [d["actor"] for d in logged] == [UNRESOLVED, UNRESOLVED]
    assert logged[1]["action"] == UNRESOLVED
    assert "Marie" not in str(logged) and "nobody@example.org" not in str(logged)
