"""The city's family-quotient brackets: the admin's table, its checks, and brackets in use."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from ent_lite.activities import brackets
from ent_lite.activities.brackets import BracketRow
from ent_lite.activities.models import BracketDeclaration, QuotientBracket
from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from tests.activities.factories import make_activity


def _rows(aw, **changed):
    rows = [BracketRow(b.public_id, b.label, b.min_quotient, b.max_quotient) for b in aw.brackets]
    for index, row in changed.items():
        rows[int(index[1:])] = row
    return rows



@pytest.fixture(autouse=True)
def english_messages(app, db):
    """The messages are compared in English, the source language."""
    with app.test_request_context(), force_locale("en"):
        yield

def test_the_citys_brackets_are_valid(aw):
    assert brackets.check(aw.world.city.id, _rows(aw)) == {}


@pytest.mark.parametrize("rows_change, problem", [
    ({"r1": BracketRow(None, "B", 500, 1200)}, (1, "min_quotient")),      # starts inside A (up to 600)
    ({"r1": BracketRow(None, "B", 601, 500)}, (1, "max_quotient")),       # reversed bounds
    ({"r1": BracketRow(None, "B", None, 1200)}, (1, "min_quotient")),     # a second bracket with no lower bound
    ({"r1": BracketRow(None, "A", 601, 1200)}, (1, "label")),             # the same label twice
    ({"r1": BracketRow(None, " ", 601, 1200)}, (1, "label")),
    ({"r1": BracketRow(None, "B", -5, 1200)}, (1, "min_quotient")),
])
def test_overlapping_reversed_or_unlabelled_brackets_are_refused(aw, rows_change, problem):
    rows = _rows(aw)
    rows[1] = BracketRow(aw.brackets[1].public_id, rows_change["r1"].label, rows_change["r1"].min_quotient,
                         rows_change["r1"].max_quotient)
    assert problem in brackets.check(aw.world.city.id, rows)


def test_an_open_ended_bracket_followed_by_another_overlaps(aw):
    rows = _rows(aw) + [BracketRow(None, "D", 5000, None)]
    problems = brackets.check(aw.world.city.id, rows)
    assert problems == {(3, "min_quotient"): "This bracket overlaps bracket C, which has no upper bound."}


def test_the_boundary_is_exact_one_euro_apart_is_fine_equal_overlaps(aw):
    rows = _rows(aw)
    rows[1] = BracketRow(aw.brackets[1].public_id, "B", 600, 1200)
    assert (1, "min_quotient") in brackets.check(aw.world.city.id, rows)
    rows[1] = BracketRow(aw.brackets[1].public_id, "B", 601, 1200)
    assert brackets.check(aw.world.city.id, rows) == {}


def test_a_bracket_used_by_a_price_or_a_declaration_cannot_be_deleted(aw):
    make_activity(aw)  # prices for A, B and C
    rows = _rows(aw)
    rows[2].delete = True
    assert set(brackets.check(aw.world.city.id, rows)) == {(2, "delete")}
    unused = QuotientBracket(city_id=aw.world.city.id, label="D", min_quotient=5000, position=3)
    db.session.add(unused)
    db.session.commit()
    rows = _rows(aw) + [BracketRow(unused.public_id, "D", 5000, None, delete=True)]
    rows[2] = BracketRow(aw.brackets[2].public_id, "C", 1201, 4999)
    assert brackets.check(aw.world.city.id, rows) == {}


def test_a_declared_bracket_cannot_be_deleted(aw):
    db.session.add(BracketDeclaration(user_id=aw.world.parent_a.id, bracket_id=aw.brackets[0].id,
                                      school_year="2026-2027"))
    db.session.commit()
    rows = _rows(aw)
    rows[0].delete = True
    assert set(brackets.check(aw.world.city.id, rows)) == {(0, "delete")}


def test_the_admin_edits_the_table_in_one_form(aw, english, login_as):
    login_as(aw.world.admin)
    page = english.get("/activites/tranches").get_data(as_text=True)
    assert 'value="A"' in page and 'name="rows-4-label"' in page
    data = {}
    for index, bracket in enumerate(aw.brackets):
        data |= {f"rows-{index}-public_id": bracket.public_id, f"rows-{index}-label": bracket.label,
                 f"rows-{index}-min_quotient": str(bracket.min_quotient or ""),
                 f"rows-{index}-max_quotient": str(bracket.max_quotient or "")}
    data |= {"rows-2-max_quotient": "1800", "rows-3-label": "D", "rows-3-min_quotient": "1801"}
    assert english.post("/activites/tranches", data=data).status_code == 302
    found = db.session.scalars(select(QuotientBracket).where(QuotientBracket.city_id == aw.world.city.id)
                               .order_by(QuotientBracket.position)).all()
    assert [(b.label, b.min_quotient, b.max_quotient) for b in found] == [
        ("A", None, 600), ("B", 601, 1200), ("C", 1201, 1800), ("D", 1801, None)]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "admin.brackets_update")) is not None
    # An overlap: nothing saved, the typed values kept.
    data |= {"rows-3-min_quotient": "1500", "rows-3-label": "E"}
    page = english.post("/activites/tranches", data=data).get_data(as_text=True)
    assert "This bracket overlaps bracket C: start it above 1800 €." in page and 'value="E"' in page
    assert db.session.scalar(select(QuotientBracket).where(QuotientBracket.label == "E")) is None


@pytest.mark.parametrize("role", ["city_agent", "animator", "director", "parent_a", "dpo"])
def test_only_the_admin_sets_the_brackets(aw, client, login_as, role):
    login_as(getattr(aw.world, role))
    assert client.get("/activites/tranches").status_code == 404
    assert client.post("/activites/tranches", data={"rows-0-label": "Z"}).status_code == 404


def test_another_citys_admin_sees_and_changes_only_their_own(aw, english, login_as):
    login_as(aw.world.far.admin)
    page = english.get("/activites/tranches").get_data(as_text=True)
    assert 'value="A"' not in page
    forged = {"rows-0-public_id": aw.brackets[0].public_id, "rows-0-label": "Z", "rows-0-delete": "y"}
    page = english.post("/activites/tranches", data=forged).get_data(as_text=True)
    assert "This bracket no longer exists: reload the page." in page
    assert db.session.get(QuotientBracket, aw.brackets[0].id).label == "A"


def test_a_bracket_a_registration_was_priced_with_cannot_be_deleted(aw):
    from ent_lite.activities.models import Registration

    activity = make_activity(aw, prices=(0, 500))  # no price for C any more, no declaration
    db.session.add(Registration(activity_id=activity.id, child_id=aw.world.child_a.id, status="confirmed",
                                bracket_id=aw.brackets[2].id, price_cents=1000))
    db.session.commit()
    rows = _rows(aw)
    rows[2].delete = True
    problems = brackets.check(aw.world.city.id, rows)
    assert set(problems) == {(2, "delete")}
    assert "used by activity prices, families' declarations or registrations" in problems[(2, "delete")]
