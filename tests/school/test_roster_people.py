"""Who is who among a roster's guardians: siblings share one account, other families never do."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from ent_lite.accounts.models import Role, User
from ent_lite.extensions import db
from ent_lite.school.models import Child, RosterReview

from tests.school.conftest import csv_text, snapshot

SCHOOL_A, SCHOOL_B = "École Jules Ferry", "École Louise Michel"


def row(school: str, pupil: str, guardian: str, email: str = "", phone: str = "", second: str = "") -> str:
    """One pupil born on 04/05/2019; names are "First Last"."""
    first, last = pupil.split()
    g_first, g_last = guardian.split()
    second_cells = ";;;;;"
    if second:
        s_first, s_last = second.split()
        second_cells = f"{s_last};{s_first};père;oui;;"
    return (f"{school};CP A;CP;{last};{first};04/05/2019;"
            f"{g_last};{g_first};mère;oui;{email};{phone};{second_cells}")


def guardians_of(first_name: str) -> list[User]:
    pupil = db.session.scalar(select(Child).where(Child.first_name == first_name))
    return [link.user for link in pupil.guardian_links]


def marie_accounts() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.GUARDIAN, User.first_name == "Marie")
                                   .order_by(User.id)))


def errors(result) -> list[tuple]:
    return [(e.line, e.column, e.code) for e in result.errors]


# --- namesakes in different schools (never one account) ---------------------------------

def test_namesakes_of_two_schools_get_two_accounts_and_no_borrowed_email(roster_import):
    result = roster_import(csv_text(rows=[
        row(SCHOOL_A, "Tom Martin", "Marie Martin", email="m@example.org"),
        row(SCHOOL_B, "Zoé Durand", "Marie Martin"),
    ]))
    assert result.ok, result.errors
    first, second = marie_accounts()
    assert first.email == "m@example.org" and second.email is None
    assert guardians_of("Tom") == [first]
    assert guardians_of("Zoé") == [second]


def test_namesakes_without_email_in_two_schools_are_two_people(roster_import):
    roster_import(csv_text(rows=[row(SCHOOL_A, "Tom Martin", "Marie Martin"),
                                 row(SCHOOL_B, "Zoé Durand", "Marie Martin")]))
    assert len(marie_accounts()) == 2
    assert guardians_of("Tom") != guardians_of("Zoé")


def test_siblings_in_one_school_share_the_account_whose_email_is_written_once(roster_import):
    result = roster_import(csv_text(rows=[
        row(SCHOOL_A, "Tom Martin", "Marie Martin", email="m@example.org", second="Paul Martin"),
        row(SCHOOL_A, "Lina Martin", "Marie Martin", second="Paul Martin"),
    ]))
    assert result.ok, result.errors
    (marie,) = marie_accounts()
    assert marie.email == "m@example.org"
    assert guardians_of("Tom") == guardians_of("Lina")


# --- an existing account's email with other names -------------------------------------------

def test_an_existing_address_given_for_another_person_is_reported(roster_import):
    assert roster_import(csv_text(rows=[row(SCHOOL_A, "Tom Martin", "Marie Martin", email="m@example.org")])).ok
    before = snapshot()
    result = roster_import(csv_text(rows=[row(SCHOOL_B, "Zoé Petit", "Paul Petit", email="M@example.org")]))
    assert errors(result) == [(2, "resp1_email", "email_conflict")]
    assert "Marie Martin" in str(result.errors[0].message)
    assert snapshot() == before  # Zoé was not handed to Marie


def test_an_existing_address_with_the_same_names_written_differently_is_that_person(roster_import):
    roster_import(csv_text(rows=[row(SCHOOL_A, "Tom Martin", "Marie Martin", email="m@example.org")]))
    result = roster_import(csv_text(rows=[row(SCHOOL_A, "Tom Martin", "MARIE MARTÍN", email="m@example.org")]))
    assert result.ok, result.errors
    assert len(marie_accounts()) == 1


# --- namesakes inside one school ----------------------------------------------------------

def held() -> list[tuple]:
    return [(r.line, r.rank, r.first_name, r.child.first_name, r.candidate.email if r.candidate else None)
            for r in db.session.scalars(select(RosterReview).order_by(RosterReview.line))]


@pytest.mark.parametrize("first, second", [
    # Each names another guardian, and they differ.
    (dict(pupil="Tom Martin", second="Paul Martin"), dict(pupil="Zoé Martin", second="Jacques Durand")),
    # One names another guardian, the other none.
    (dict(pupil="Tom Martin", second="Paul Martin"), dict(pupil="Zoé Martin")),
    # Alone on both rows, pupils of different last names.
    (dict(pupil="Tom Martin"), dict(pupil="Zoé Durand")),
    # Alone on both rows with the same last name, but two different phone numbers.
    (dict(pupil="Tom Martin", phone="0611111111"), dict(pupil="Zoé Martin", phone="0622222222")),
])
def test_namesakes_of_one_school_that_may_be_two_families_are_held_the_rest_is_imported(roster_import, first,
                                                                                       second):
    result = roster_import(csv_text(rows=[row(SCHOOL_A, guardian="Marie Martin", **first),
                                          row(SCHOOL_A, guardian="Marie Martin", **second)]))
    assert result.ok and result.summary.guardians_held == 1 and result.summary.children_created == 2
    (marie,) = marie_accounts()
    assert guardians_of("Tom")[0] == marie
    # Zoé is in her class with her other guardian, if any; the second Marie waits for a decision.
    assert marie not in guardians_of("Zoé")
    assert held() == [(3, 1, "Marie", "Zoé", None)]
    assert db.session.scalar(select(RosterReview)).candidate == marie


def test_reimporting_a_file_with_held_namesakes_changes_nothing(roster_import):
    text = csv_text(rows=[row(SCHOOL_A, "Tom Martin", "Marie Martin"), row(SCHOOL_A, "Zoé Durand", "Marie Martin")])
    roster_import(text)
    before = snapshot()
    assert roster_import(text).summary.guardians_held == 1
    assert snapshot() == before


def test_a_row_without_email_is_not_given_a_namesakes_address_of_another_family(roster_import):
    result = roster_import(csv_text(rows=[
        row(SCHOOL_A, "Tom Martin", "Marie Martin", email="m@example.org", second="Paul Martin"),
        row(SCHOOL_A, "Zoé Durand", "Marie Martin", second="Jacques Durand"),
    ]))
    assert result.ok and result.summary.guardians_held == 1
    assert held() == [(3, 1, "Marie", "Zoé", "m@example.org")]
    assert [u.first_name for u in guardians_of("Zoé")] == ["Jacques"]


def test_a_row_without_email_among_two_addresses_for_those_names_is_held(roster_import):
    result = roster_import(csv_text(rows=[
        row(SCHOOL_A, "Tom Martin", "Marie Martin", email="m1@example.org"),
        row(SCHOOL_A, "Zoé Durand", "Marie Martin", email="m2@example.org"),
        row(SCHOOL_A, "Lou Martin", "Marie Martin"),
    ]))
    assert result.ok and [h[:4] for h in held()] == [(4, 1, "Marie", "Lou")]
    assert guardians_of("Lou") == []


@pytest.mark.parametrize("first, second", [
    # Both parents on both rows (the usual siblings).
    (dict(pupil="Tom Martin", second="Paul Martin"), dict(pupil="Lina Martin", second="Paul Martin")),
    # A single parent's children.
    (dict(pupil="Tom Martin"), dict(pupil="Lina Martin")),
    # The same phone number, whatever the spacing, even with different other guardians.
    (dict(pupil="Tom Martin", phone="06 11 11 11 11", second="Paul Martin"),
     dict(pupil="Zoé Durand", phone="0611111111", second="Jacques Durand")),
])
def test_siblings_without_email_share_one_account(roster_import, first, second):
    result = roster_import(csv_text(rows=[row(SCHOOL_A, guardian="Marie Martin", **first),
                                          row(SCHOOL_A, guardian="Marie Martin", **second)]))
    assert result.ok, result.errors
    assert len(marie_accounts()) == 1
    assert guardians_of(first["pupil"].split()[0])[0] == guardians_of(second["pupil"].split()[0])[0]


def test_an_email_added_to_both_rows_settles_the_question(roster_import):
    result = roster_import(csv_text(rows=[
        row(SCHOOL_A, "Tom Martin", "Marie Martin", email="m1@example.org", second="Paul Martin"),
        row(SCHOOL_A, "Zoé Durand", "Marie Martin", email="m2@example.org", second="Jacques Durand"),
    ]))
    assert result.ok, result.errors
    assert len(marie_accounts()) == 2
