"""``flask ent-lite import-roster FILE``: same service as the admin page, report and exit code."""
from __future__ import annotations

from sqlalchemy import func, select

from ent_lite.extensions import db
from ent_lite.school.models import Child, Group
from ent_lite.school.services import current_school_year
from ent_lite.core.db_types import utcnow

from tests.school.conftest import ROWS, csv_text, snapshot


def children() -> int:
    return db.session.scalar(select(func.count(Child.id)))


def test_import_prints_the_summary_and_saves(runner, tmp_text_file):
    path = tmp_text_file(csv_text(), encoding="cp1252")
    result = runner.invoke(args=["ent-lite", "import-roster", "--lang", "en", path, "--school-year", "2027-2028"])
    assert result.exit_code == 0, result.output
    assert "Pupils added: 4" in result.output and "Classes created: 3" in result.output
    assert children() == 4
    assert set(db.session.scalars(select(Group.school_year))) == {"2027-2028"}
    assert db.session.scalar(select(Child.last_name).where(Child.first_name == "Léo")) == "Lefèvre"

    again = runner.invoke(args=["ent-lite", "import-roster", "--lang", "en", path, "--school-year", "2027-2028"])
    assert again.exit_code == 0 and "Pupils unchanged: 4" in again.output and "Pupils added: 0" in again.output


def test_the_school_year_defaults_to_the_current_one(runner, tmp_text_file):
    result = runner.invoke(args=["ent-lite", "import-roster", "--lang", "en", tmp_text_file(csv_text())])
    assert result.exit_code == 0, result.output
    assert set(db.session.scalars(select(Group.school_year))) == {current_school_year(utcnow())}


def test_dry_run_reports_but_saves_nothing(runner, tmp_text_file):
    before = snapshot()
    result = runner.invoke(args=["ent-lite", "import-roster", "--lang", "en", tmp_text_file(csv_text()), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Pupils added: 4" in result.output and "nothing was saved" in result.output
    assert snapshot() == before


def test_a_bad_file_exits_non_zero_with_the_line_numbered_report(runner, tmp_text_file):
    rows = [ROWS[0], ROWS[1].replace("01/02/2018", "1er février"), ROWS[2].replace("CP A;CP", "CP A;CP9")]
    result = runner.invoke(args=["ent-lite", "import-roster", "--lang", "en", tmp_text_file(csv_text(rows=rows))])
    assert result.exit_code == 1
    assert "2 problems" in result.output
    assert "line 3, date_naissance: Write the date as DD/MM/YYYY" in result.output
    assert "line 4, niveau: Unknown level “CP9”" in result.output
    assert children() == 0


def test_a_binary_file_is_refused_cleanly(runner, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = runner.invoke(args=["ent-lite", "import-roster", "--lang", "en", str(path)])
    assert result.exit_code == 1 and "not a text (CSV) file" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_malformed_school_year_is_refused(runner, tmp_text_file):
    result = runner.invoke(args=["ent-lite", "import-roster", "--lang", "en", tmp_text_file(csv_text()), "--school-year", "2026"])
    assert result.exit_code == 2 and "2026-2027" in result.output
    assert children() == 0
