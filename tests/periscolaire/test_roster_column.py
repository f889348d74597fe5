"""The roster's optional ``groupes_periscolaires`` column enrols children in periscolaire groups,
keeps them in sync on re-import, and is left alone when absent."""
from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from ent_lite.extensions import db
from ent_lite.school.models import Child, City, Establishment, EstablishmentKind, Group, GroupKind
from ent_lite.school.roster_apply import import_roster

from tests.school.conftest import HEADER, NOW, ROWS, YEAR, csv_text, run_import, snapshot

COLUMN_HEADER = HEADER + ";groupes_periscolaires"


def site(city: City, name: str, groups: dict[str, str], year: str = YEAR) -> Establishment:
    place = Establishment(city=city, kind=EstablishmentKind.PERISCOLAIRE, name=name)
    db.session.add(place)
    for group_name, kind in groups.items():
        db.session.add(Group(establishment=place, kind=GroupKind.PERISCOLAIRE, name=group_name, school_year=year,
                             levels="", periscolaire_kind=kind))
    db.session.flush()
    return place


def city_with_sites() -> City:
    """The roster's city, with two sites that both have a "Soir" group."""
    assert run_import(csv_text()).ok
    city = db.session.scalar(select(City))
    site(city, "Accueil Jules Ferry", {"Soir": "evening", "Mercredi": "wednesday"})
    site(city, "Accueil Louise Michel", {"Soir": "evening", "Matin": "morning"})
    site(city, "Accueil Ancien", {"Piscine": "wednesday"}, year="2025-2026")
    db.session.commit()
    return city


def with_groups(*cells: str) -> str:
    return csv_text(rows=[f"{row};\"{cell}\"" for row, cell in zip(ROWS, cells)], header=COLUMN_HEADER)


def groups_of(first_name: str) -> set[str]:
    child = db.session.scalar(select(Child).where(Child.first_name == first_name))
    db.session.refresh(child)
    return {f"{e.group.establishment.name} / {e.group.name}" for e in child.enrolments
            if e.group.kind == GroupKind.PERISCOLAIRE}


def test_the_column_enrols_then_keeps_in_sync(db):
    city_with_sites()
    result = run_import(with_groups("Accueil Jules Ferry / Soir ; matin", "", "MERCREDI", "accueil louise michel/soir"))
    assert result.ok, result.errors
    assert (result.summary.periscolaire_added, result.summary.periscolaire_removed) == (4, 0)
    assert groups_of("Awa") == {"Accueil Jules Ferry / Soir", "Accueil Louise Michel / Matin"}
    assert groups_of("Issa") == set() and groups_of("Léo") == {"Accueil Jules Ferry / Mercredi"}
    assert groups_of("Inès") == {"Accueil Louise Michel / Soir"}

    before = snapshot()
    again = run_import(with_groups("Accueil Jules Ferry / Soir ; matin", "", "MERCREDI", "accueil louise michel/soir"))
    assert again.summary.changes == 0 and snapshot() == before

    moved = run_import(with_groups("Matin", "Accueil Jules Ferry / Soir", "", "accueil louise michel/soir"))
    assert (moved.summary.periscolaire_added, moved.summary.periscolaire_removed) == (1, 2)
    assert groups_of("Awa") == {"Accueil Louise Michel / Matin"} and groups_of("Léo") == set()
    assert groups_of("Issa") == {"Accueil Jules Ferry / Soir"}


def test_without_the_column_enrolments_are_left_alone(db):
    city_with_sites()
    assert run_import(with_groups("Matin", "", "Mercredi", "")).ok
    result = run_import(csv_text())
    assert result.ok and result.summary.periscolaire_removed == 0
    assert groups_of("Awa") == {"Accueil Louise Michel / Matin"} and groups_of("Léo") == {"Accueil Jules Ferry / Mercredi"}


def test_unknown_and_ambiguous_names_are_row_errors_and_nothing_is_written(db):
    city_with_sites()
    before = snapshot()
    result = run_import(with_groups("Soir", "Piscine", "Mercredi; Cantine", ""))
    assert not result.ok and snapshot() == before
    found = [(e.line, e.column, e.code) for e in result.errors]
    assert found == [(2, "groupes_periscolaires", "ambiguous_periscolaire_group"),
                     (3, "groupes_periscolaires", "unknown_periscolaire_group"),
                     (4, "groupes_periscolaires", "unknown_periscolaire_group")]
    with force_locale("en"):
        assert "Several sites have a periscolaire group “Soir”: write “Site / Group”." == str(result.errors[0].message)
        assert "“Piscine”" in str(result.errors[1].message)  # last year's group does not count
    with force_locale("fr"):
        assert "Plusieurs sites" in str(result.errors[0].message)


def test_another_citys_groups_are_never_matched(db, world):
    far_site = site(world.far.city, "Accueil Hugo", {"Piscine": "wednesday"})
    db.session.commit()
    rows = [f"{ROWS[0]};Piscine"]
    result = import_roster(csv_text(rows=rows, header=COLUMN_HEADER).encode(), school_year=YEAR, now=NOW,
                           city_name="Testville", valid_days=60, city=world.city)
    assert [e.code for e in result.errors] == ["unknown_periscolaire_group"]
    db.session.rollback()
    assert far_site.groups[0].enrolments == []


def test_the_admin_page_documents_the_column(world, login_as):
    html = login_as(world.admin).get("/admin/roster", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "groupes_periscolaires" in html and "separated by “;”" in html
