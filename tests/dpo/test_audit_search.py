"""The DPO searches the audit log by actor, action and dates; each search is itself audited."""
from __future__ import annotations

import json
import re

from ent_lite.audit.services import PAGE_SIZE, record
from ent_lite.extensions import db

from tests.dpo.conftest import entries, utc


def rows(page: str) -> list[str]:
    """The action column of each result row, in page order."""
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in body.split("</tr>")]
    return [row[2] for row in cells if len(row) > 2]


def test_search_by_email_action_family_and_dates(world, login_as, english):
    record("consent.grant", actor=world.parent_a, target=world.child_a, now=utc(2026, 3, 1),
           details={"purpose": "photo_publication", "audience": "class"})
    record("consent.withdraw", actor=world.parent_a, target=world.child_a, now=utc(2026, 3, 10))
    record("login.failure", target=world.parent_a, outcome="failure", now=utc(2026, 3, 11))
    record("consent.grant", actor=world.parent_b, target=world.child_b, now=utc(2026, 3, 12))
    db.session.commit()
    login_as(world.dpo, target=english)

    page = english.get("/dpo/audit", query_string={"actor": world.parent_a.email.upper(), "action": "consent"})
    html = page.get_data(as_text=True)
    assert rows(html) == ["consent.withdraw", "consent.grant"]  # newest first
    assert f"user:{world.parent_a.public_id}" in html and f"child:{world.child_a.public_id}" in html
    assert "audience=class" in html and "purpose=photo_publication" in html
    assert "Awa" not in html and "Diallo" not in html

    exact = english.get("/dpo/audit", query_string={"action": "login.failure"}).get_data(as_text=True)
    assert rows(exact) == ["login.failure"]

    dated = english.get("/dpo/audit", query_string={"action": "consent.", "since": "2026-03-05",
                                                    "until": "2026-03-12"}).get_data(as_text=True)
    assert rows(dated) == ["consent.grant", "consent.withdraw"]  # the 12th is included, the 1st is not
    by_reference = english.get("/dpo/audit", query_string={
        "actor": f"user:{world.parent_b.public_id}"}).get_data(as_text=True)
    assert rows(by_reference) == ["consent.grant"]


def test_every_search_is_audited_with_the_pseudonymous_reference_only(world, login_as, english):
    login_as(world.dpo, target=english)
    english.get("/dpo/audit", query_string={"actor": world.parent_a.email, "action": "login"})
    (entry,) = entries("audit.search")
    assert entry.actor_ref == f"user:{world.dpo.public_id}" and entry.actor_role == "dpo"
    details = json.loads(entry.details)
    assert details["actor"] == f"user:{world.parent_a.public_id}" and details["action"] == "login."
    assert world.parent_a.email not in entry.details
    # The DPO's earlier search is then in the log they read; this one is recorded after it ran.
    page = english.get("/dpo/audit", query_string={"action": "audit.search"}).get_data(as_text=True)
    assert rows(page) == ["audit.search"]
    assert len(entries("audit.search")) == 2


def test_an_unknown_email_finds_nothing_and_says_so(world, login_as, english):
    login_as(world.dpo, target=english)
    page = english.get("/dpo/audit", query_string={"actor": "nobody@example.org"}).get_data(as_text=True)
    assert "No account has this email address." in page
    assert rows(page) == []
    assert json.loads(entries("audit.search")[0].details)["actor"] == "unresolved"


def test_typed_text_that_names_no_account_is_not_logged(world, login_as, english):
    """The actor field takes any text, a name included: the log keeps only references that resolve."""
    record("login.failure", outcome="failure", now=utc(2026, 3, 1))  # an entry with no actor
    record("consent.grant", actor=world.parent_b, target=world.child_b, now=utc(2026, 3, 2))
    erased_ref = f"user:{world.parent_b.public_id}"
    db.session.delete(world.parent_b)  # the account is gone, its pseudonymous reference stays in the log
    db.session.commit()
    login_as(world.dpo, target=english)
    typed = ["user:Marie Dupont", "Marie Dupont", f"user:{world.parent_a.public_id}", world.parent_a.public_id,
             erased_ref]
    for text in typed:
        english.get("/dpo/audit", query_string={"actor": text, "action": "Marie Dupont"})

    logged = [json.loads(entry.details) for entry in entries("audit.search")]
    assert [d["actor"] for d in logged] == ["unresolved", "unresolved", f"user:{world.parent_a.public_id}",
                                            f"user:{world.parent_a.public_id}", erased_ref]
    assert {d["action"] for d in logged} == {"unresolved"}
    assert not [e for e in entries("audit.search") if "Marie" in e.details or "Dupont" in e.details]


def test_a_wrong_date_is_refused_next_to_the_field_and_nothing_is_searched(world, login_as, english):
    login_as(world.dpo, target=english)
    page = english.get("/dpo/audit", query_string={"since": "2026-13-45"}).get_data(as_text=True)
    assert "Enter the date as day, month and year" in page
    backwards = english.get("/dpo/audit", query_string={"since": "2026-03-10", "until": "2026-03-01"})
    assert "The end date comes before the start date." in backwards.get_data(as_text=True)
    assert not entries("audit.search")


def test_results_are_paginated_newest_first(world, login_as, english):
    for n in range(PAGE_SIZE + 5):
        record("child.view", actor=world.teacher_a, target=world.child_a, now=utc(2026, 2, 1, 8, n % 60),
               details={"n": n})
    db.session.commit()
    login_as(world.dpo, target=english)
    first = english.get("/dpo/audit", query_string={"action": "child.view"}).get_data(as_text=True)
    assert len(rows(first)) == PAGE_SIZE
    assert "n=54" in first and "n=4<" not in first
    assert 'href="/dpo/audit?page=2&amp;action=child.view"' in first or \
        'href="/dpo/audit?action=child.view&amp;page=2"' in first
    second = english.get("/dpo/audit", query_string={"action": "child.view", "page": 2}).get_data(as_text=True)
    assert len(rows(second)) == 5 and "n=0<" in second and "n=54" not in second
    assert "Newer entries" in second and "Older entries" not in second
