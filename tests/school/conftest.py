"""Roster fixtures: small CSV files written inline, and a snapshot of every table."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from ent_lite.extensions import db as _db
from ent_lite.school.roster_apply import import_roster

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
YEAR = "2026-2027"
HEADER = ("ecole;classe;niveau;nom_eleve;prenom_eleve;date_naissance;"
          "resp1_nom;resp1_prenom;resp1_lien;resp1_autorite_parentale;resp1_email;resp1_telephone;"
          "resp2_nom;resp2_prenom;resp2_lien;resp2_autorite_parentale;resp2_email;resp2_telephone")

# Two schools; the Diallo siblings share their mother by email and their father by names.
ROWS = [
    "École Jules Ferry;CP A;CP;Diallo;Awa;04/05/2019;Diallo;Fatou;mère;oui;fatou@example.org;0612345678;"
    "Diallo;Moussa;père;oui;;",
    "École Jules Ferry;CE1 B;CE1;Diallo;Issa;01/02/2018;Diallo;Fatou;mère;oui;Fatou@Example.org;;"
    "Diallo;Moussa;père;oui;;",
    "École Jules Ferry;CP A;CP;Lefèvre;Léo;12/12/2019;Lefèvre;Julie;mère;oui;julie@example.org;;;;;;;",
    "École Louise Michel;CM2;CM2;Benali;Inès;30/06/2015;Benali;Karim;père;oui;karim@example.org;;;;;;;",
]


def csv_text(rows=ROWS, header=HEADER, sep=";", newline="\r\n") -> str:
    lines = [header, *rows]
    if sep != ";":
        lines = [line.replace(";", sep) for line in lines]
    return newline.join(lines) + newline


def run_import(text: str, encoding: str = "utf-8", now: datetime = NOW, school_year: str = YEAR,
               commit: bool = True):
    result = import_roster(text.encode(encoding), school_year=school_year, now=now, city_name="Testville",
                           valid_days=60)
    if result.ok and commit:
        _db.session.commit()
    else:
        _db.session.rollback()
    return result


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to prove that an import changed nothing."""
    _db.session.expire_all()
    return {table.name: sorted(map(tuple, _db.session.execute(select(table)).all()), key=repr)
            for table in _db.metadata.sorted_tables}


@pytest.fixture
def roster_import(db):
    return run_import
