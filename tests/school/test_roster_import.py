"""Importing a roster: creation, sharing between siblings, idempotence, updates and departures."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ent_lite.accounts.models import ActivationCode, Role, User
from ent_lite.extensions import db
from ent_lite.school.models import Child, City, Establishment, EstablishmentKind, Group, GuardianLink
from ent_lite.school.services import current_school_year

from tests import factories
from tests.queries import recorded_statements
from tests.school.conftest import NOW, ROWS, YEAR, csv_text, snapshot


def guardians() -> dict[str, User]:
    return {u.display_name: u for u in db.session.scalars(select(User).where(User.role == Role.GUARDIAN))}


def child(first_name: str) -> Child:
    return db.session.scalar(select(Child).where(Child.first_name == first_name))


def class_of(pupil: Child) -> Group:
    groups = [e.group for e in pupil.enrolments if e.group.school_year == YEAR]
    assert len(groups) == 1
    return groups[0]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_first_import_creates_schools_classes_children_and_guardians(roster_import):
    result = roster_import(csv_text())
    assert result.ok
    assert result.summary.as_dict() == {
        "children_created": 4, "children_updated": 0, "children_unchanged": 0, "children_left": 0,
        "guardians_created": 4, "guardians_updated": 0, "guardians_held": 0, "classes_created": 3, "schools_created": 2,
        "periscolaire_added": 0, "periscolaire_removed": 0}
    assert db.session.scalar(select(City.name)) == "Testville"
    assert sorted(db.session.scalars(select(Establishment.name))) == ["École Jules Ferry", "École Louise Michel"]
    awa = child("Awa")
    assert (class_of(awa).name, class_of(awa).levels, awa.level, awa.left_dt) == ("CP A", "CP", "CP", None)
    links = [(link.rank, link.user.first_name, link.relation, link.legal_authority) for link in awa.guardian_links]
    assert links == [(1, "Fatou", "mère", True), (2, "Moussa", "père", True)]
    fatou = guardians()["Fatou Diallo"]
    assert (fatou.email, fatou.phone, fatou.password_hash, fatou.is_active) == (
        "fatou@example.org", "0612345678", None, False)


def test_siblings_share_guardians_by_email_and_by_names_without_email(roster_import):
    roster_import(csv_text())
    awa, issa = child("Awa"), child("Issa")
    assert [link.user_id for link in awa.guardian_links] == [link.user_id for link in issa.guardian_links]
    assert sorted(guardians()) == ["Fatou Diallo", "Julie Lefèvre", "Karim Benali", "Moussa Diallo"]
    assert guardians()["Moussa Diallo"].email is None


def test_each_new_guardian_gets_one_activation_code_valid_sixty_days(roster_import):
    roster_import(csv_text())
    codes = db.session.scalars(select(ActivationCode)).all()
    assert sorted(c.user.display_name for c in codes) == sorted(guardians())
    assert {c.expires_dt for c in codes} == {NOW + timedelta(days=60)}
    assert all(c.used_dt is None for c in codes)


def test_re_importing_the_same_file_changes_nothing(roster_import):
    roster_import(csv_text())
    before = snapshot()
    later = NOW + timedelta(days=3)
    result = roster_import(csv_text(sep=","), now=later)
    assert result.summary.as_dict() == {
        "children_created": 0, "children_updated": 0, "children_unchanged": 4, "children_left": 0,
        "guardians_created": 0, "guardians_updated": 0, "guardians_held": 0, "classes_created": 0, "schools_created": 0,
        "periscolaire_added": 0, "periscolaire_removed": 0}
    assert snapshot() == before  # activation codes included


def test_an_updated_file_updates_adds_and_marks_departures(roster_import):
    roster_import(csv_text())
    fatou_code = db.session.scalar(select(ActivationCode.code_hash).join(User).where(User.first_name == "Fatou"))
    rows = [
        ROWS[0].replace("CP A;CP", "CP B;CP").replace("0612345678", "0700000000"),  # class and phone change
        ROWS[1],
        # Léo is gone; Louise Michel is listed; a new pupil joins with a new guardian.
        ROWS[3],
        "École Jules Ferry;CP B;CP;Moreau;Lina;03/03/2019;Moreau;Sarah;mère;oui;sarah@example.org;;;;;;;",
    ]
    result = roster_import(csv_text(rows=rows), now=NOW + timedelta(days=30))
    assert result.summary.as_dict() == {
        "children_created": 1, "children_updated": 1, "children_unchanged": 2, "children_left": 1,
        "guardians_created": 1, "guardians_updated": 1, "guardians_held": 0, "classes_created": 1, "schools_created": 0,
        "periscolaire_added": 0, "periscolaire_removed": 0}
    assert class_of(child("Awa")).name == "CP B"
    assert len(child("Awa").enrolments) == 1
    leo = child("Léo")
    assert leo.left_dt == NOW + timedelta(days=30)
    assert class_of(leo).name == "CP A" and leo.guardian_links  # kept, not deleted
    assert guardians()["Fatou Diallo"].phone == "0700000000"
    # Existing guardians keep their code.
    assert db.session.scalar(select(ActivationCode.code_hash).join(User).where(User.first_name == "Fatou")) == fatou_code
    assert count(ActivationCode) == 5

    # Léo is listed again: no longer marked as left.
    result = roster_import(csv_text(rows=[*rows, ROWS[2]]), now=NOW + timedelta(days=40))
    assert child("Léo").left_dt is None
    assert (result.summary.children_updated, result.summary.children_left) == (1, 0)


def test_schools_absent_from_the_file_are_left_alone(roster_import):
    roster_import(csv_text())
    result = roster_import(csv_text(rows=ROWS[:3]))
    assert result.summary.children_left == 0
    assert child("Inès").left_dt is None


def test_class_levels_follow_the_levels_listed(roster_import):
    rows = [ROWS[0].replace("CP A;CP", "CP-CE1;CE1"), ROWS[2].replace("CP A;CP", "CP-CE1;CP")]
    roster_import(csv_text(rows=rows))
    assert db.session.scalar(select(Group.levels).where(Group.name == "CP-CE1")) == "CP,CE1"


def test_guardian_changes_are_applied_and_removed_guardians_lose_the_link(roster_import):
    roster_import(csv_text())
    rows = [ROWS[0].replace("Diallo;Fatou;mère;oui", "Diallo;Fatou;mère;non").replace(
        ";Diallo;Moussa;père;oui;;", ";;;;;;"), *ROWS[1:]]
    result = roster_import(csv_text(rows=rows))
    assert result.summary.children_updated == 1
    awa = child("Awa")
    assert [(l.user.first_name, l.legal_authority) for l in awa.guardian_links] == [("Fatou", False)]
    assert len(child("Issa").guardian_links) == 2


def test_matches_existing_children_and_guardians_of_the_city(world, roster_import):
    """The factory's city already has Awa (class CP A) with both parents, who activated their accounts."""
    world.parent_a.email = "fatou@example.org"
    db.session.commit()
    rows = [ROWS[0].replace("0612345678", ""), ROWS[3].replace("30/06/2015", "04/05/2019")]
    result = roster_import(csv_text(rows=rows))
    assert result.ok, result.errors
    assert (result.summary.children_created, result.summary.children_unchanged) == (0, 1)
    # Inès's father was recorded as "mère" by the factory: the roster's relation wins.
    assert result.summary.children_updated == 1
    assert [link.relation for link in child("Inès").guardian_links] == ["père"]
    assert result.summary.guardians_created == 0  # Moussa (no email in the file) found by names among Awa's guardians
    # Nothing added: the city's 3 pupils and 4 links, plus the second city's pupil and link.
    assert count(Child) == 3 + 1 and count(GuardianLink) == 4 + 1


def test_homonyms_without_email_in_different_families_are_not_merged_with_existing_accounts(world, roster_import):
    rows = ["École Louise Michel;CM2;CM2;Martin;Tom;01/01/2015;Diallo;Moussa;père;oui;;;;;;;;"]
    result = roster_import(csv_text(rows=rows))
    assert result.summary.guardians_created == 1
    tom = child("Tom")
    assert tom.guardian_links[0].user_id != world.parent_a2.id


def test_a_staff_email_cannot_become_a_guardian(world, roster_import):
    before = snapshot()
    rows = [ROWS[2].replace("julie@example.org", world.teacher_a.email.upper())]
    result = roster_import(csv_text(rows=rows))
    assert [(e.line, e.column, e.code) for e in result.errors] == [(2, "resp1_email", "staff_email")]
    assert snapshot() == before


def test_nothing_is_written_when_any_row_is_bad(roster_import):
    before = snapshot()
    rows = [*ROWS, "École Jules Ferry;CP A;CP;Roux;Max;04/05/2019;Roux;Eva;mère;maybe;;;;;;;;"]
    result = roster_import(csv_text(rows=rows))
    assert not result.ok and result.summary is None
    assert [(e.line, e.code) for e in result.errors] == [(6, "yes_no")]
    assert snapshot() == before
    assert count(City) == 0


def test_the_current_school_year_starts_in_september():
    assert current_school_year(NOW) == "2026-2027"
    assert current_school_year(NOW.replace(month=8, day=31)) == "2025-2026"
    assert current_school_year(NOW.replace(month=9, day=1)) == "2026-2027"


def test_re_import_runs_a_constant_number_of_queries(roster_import):
    """Existing rows are loaded once: no query per row."""
    def rows(school, n):
        return [f"{school};CP A;CP;Nom{i};Prénom{i};04/05/2019;Nom{i};Parent{i};mère;oui;"
                f"{school[0]}{i}@example.org;;;;;;;" for i in range(n)]

    def queries(text):
        with recorded_statements() as statements:
            assert roster_import(text).summary.children_unchanged > 0
        return len(statements)

    small, large = csv_text(rows=rows("Alpha", 3)), csv_text(rows=rows("Beta", 60))
    roster_import(small)
    roster_import(large)
    assert queries(small) == queries(large)


def test_a_factory_world_is_compatible_with_the_school_year_used_here():
    assert factories.SCHOOL_YEAR == YEAR


def test_names_taken_by_other_kinds_of_establishments_or_groups_are_reported(world, roster_import):
    site = Establishment(city=world.city, kind=EstablishmentKind.PERISCOLAIRE, name="Centre de loisirs")
    team = factories.make_class(world.school, "Équipe")
    team.kind = "team"
    db.session.add(site)
    db.session.commit()
    before = snapshot()
    rows = [ROWS[2].replace("École Jules Ferry", "Centre de loisirs"), ROWS[2].replace("CP A;CP", "equipe;CP")]
    result = roster_import(csv_text(rows=rows))
    assert [(e.line, e.column, e.code) for e in result.errors] == [(2, "ecole", "not_a_school"),
                                                                    (3, "classe", "not_a_class")]
    assert snapshot() == before
