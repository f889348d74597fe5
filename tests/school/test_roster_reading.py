"""Reading roster files as spreadsheets really save them (no database, no request)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ent_lite.core.text import fold
from ent_lite.school.roster import read_roster

from tests.school.conftest import HEADER, ROWS, csv_text

TODAY = date(2026, 11, 23)


def read(text: str, encoding: str = "utf-8"):
    return read_roster(text.encode(encoding), TODAY)


def problems(roster) -> list[tuple]:
    return [(e.line, e.column, e.code) for e in roster.errors]


def test_a_clean_file_gives_one_entry_per_pupil_with_guardians():
    roster = read(csv_text())
    assert roster.ok, problems(roster)
    awa = roster.entries[0]
    assert (awa.line, awa.school, awa.class_name, awa.level) == (2, "École Jules Ferry", "CP A", "CP")
    assert (awa.last_name, awa.first_name, awa.birth_date) == ("Diallo", "Awa", date(2019, 5, 4))
    mother, father = awa.guardians
    assert (mother.rank, mother.email, mother.phone, mother.relation, mother.legal_authority) == (
        1, "fatou@example.org", "0612345678", "mère", True)
    assert (father.rank, father.email, father.first_name) == (2, None, "Moussa")
    # The second guardian is optional.
    assert len(roster.entries[2].guardians) == 1


@pytest.mark.parametrize("header", [
    HEADER.upper(),
    HEADER.replace("eleve", "élève").replace("ecole", "École"),
    HEADER.replace("_", " ").replace("nom eleve", "Nom  Élève"),
    HEADER.replace("date_naissance", "Date-Naissance").replace("resp1_autorite_parentale", "Resp1 Autorité parentale"),
    " " + HEADER.replace(";", " ; "),
])
def test_headers_match_whatever_their_case_accents_and_spacing(header):
    roster = read(csv_text(header=header))
    assert roster.ok, problems(roster)
    assert len(roster.entries) == 4


@pytest.mark.parametrize("sep", [";", ","])
def test_semicolon_and_comma_separators_are_detected(sep):
    roster = read(csv_text(sep=sep))
    assert roster.ok, problems(roster)
    assert [e.first_name for e in roster.entries] == ["Awa", "Issa", "Léo", "Inès"]


def test_utf8_with_bom(tmp_text_file):
    path = tmp_text_file(csv_text(), encoding="utf-8-sig")
    assert Path(path).read_bytes().startswith(b"\xef\xbb\xbf")
    roster = read_roster(Path(path).read_bytes(), TODAY)
    assert roster.ok and roster.entries[0].school == "École Jules Ferry"


def test_windows_1252_keeps_accented_letters(tmp_text_file):
    path = tmp_text_file(csv_text(), encoding="cp1252")
    data = Path(path).read_bytes()
    assert "é".encode("cp1252") in data and "é".encode() not in data
    roster = read_roster(data, TODAY)
    assert roster.ok, problems(roster)
    assert roster.entries[2].last_name == "Lefèvre" and roster.entries[3].first_name == "Inès"
    assert roster.entries[0].guardians[0].relation == "mère"


def test_quoted_fields_may_hold_separators_newlines_and_quotes():
    rows = ['"École ""Les Tilleuls""; site 2";"CP A";CP;"Martin";"Jean;Paul";04/05/2019;'
            '"Martin";"Anne\nMarie";mère;oui;;;;;;;;']
    roster = read(csv_text(rows=rows, newline="\n"))
    assert roster.ok, problems(roster)
    entry = roster.entries[0]
    assert entry.school == 'École "Les Tilleuls"; site 2'
    assert entry.first_name == "Jean;Paul"
    assert entry.guardians[0].first_name == "Anne Marie"  # inner whitespace collapsed


def test_line_numbers_count_file_lines_after_a_quoted_newline():
    rows = ['A;"CP\nA";CP;Martin;Jean;04/05/2019;Martin;Anne;;oui;;;;;;;;',
            "A;CP A;ZZ;Martin;Lou;04/05/2019;Martin;Anne;;oui;;;;;;;;"]
    roster = read(csv_text(rows=rows, newline="\n"))
    assert problems(roster) == [(4, "niveau", "level")]


def test_blank_trailing_lines_rows_of_separators_and_surrounding_spaces_are_ignored():
    rows = ["  École Jules Ferry ; CP A ; cp ; Diallo ; Awa ; 04/05/2019 ; Diallo ; Fatou ; mère ; OUI ; "
            " fatou@example.org ; ; ; ; ; ; ; ", ";;;;;;;;;;;;;;;;;", "", "   "]
    roster = read(csv_text(rows=rows) + "\r\n\r\n")
    assert roster.ok, problems(roster)
    assert len(roster.entries) == 1
    entry = roster.entries[0]
    assert (entry.school, entry.level, entry.guardians[0].email) == ("École Jules Ferry", "CP", "fatou@example.org")


def test_optional_columns_may_be_absent():
    header = "ecole,classe,niveau,nom_eleve,prenom_eleve,date_naissance,resp1_nom,resp1_prenom,resp1_autorite_parentale"
    roster = read(f"{header}\nA,CP,CP,Martin,Jean,04/05/2019,Martin,Anne,non\n")
    assert roster.ok, problems(roster)
    guardian = roster.entries[0].guardians[0]
    assert (guardian.email, guardian.phone, guardian.relation, guardian.legal_authority) == (None, None, "", False)


def test_missing_required_columns_give_one_clear_error():
    header = HEADER.replace("date_naissance;", "").replace("resp1_prenom;", "")
    roster = read(csv_text(header=header, rows=[]))
    assert problems(roster) == [(1, None, "missing_columns")]
    message = str(roster.errors[0].message)
    assert "date_naissance" in message and "resp1_prenom" in message


def test_every_bad_row_is_reported_with_its_line_and_column():
    rows = [
        ROWS[0],
        "École Jules Ferry;CP A;CP3;Martin;;31/02/2019;Martin;Anne;;peut-être;anne@;06 AB;;;;;;",
        ROWS[1],
        ";CP A;CP;Petit;Lou;2019-13-01;Petit;Marc;père;oui;;;Petit;;;oui;;",
        "École Jules Ferry;CP A;CP;Petit;Zoé;04/05/2050;Petit;Marc;père;oui;;;Petit;Marc;père;oui;;",
        ROWS[0],
        "École Jules Ferry;CP A;CP;Roux;Max;04/05/2019;Roux;Eva;mère;oui;fatou@example.org;;;;;;;",
    ]
    roster = read(csv_text(rows=rows))
    assert not roster.ok
    assert problems(roster) == [
        (3, "prenom_eleve", "required"), (3, "niveau", "level"), (3, "date_naissance", "date"),
        (3, "resp1_autorite_parentale", "yes_no"), (3, "resp1_email", "email"), (3, "resp1_telephone", "phone"),
        (5, "ecole", "required"), (5, "date_naissance", "date"), (5, "resp2_prenom", "required"),
        (6, "date_naissance", "date"), (6, "resp2_nom", "same_guardian"),
        (7, None, "duplicate_child"),
        (8, "resp1_email", "email_conflict"),
    ]
    assert "line 2" in str(roster.errors[-2].message)
    assert "line 2" in str(roster.errors[-1].message) and "Fatou Diallo" in str(roster.errors[-1].message)


def test_the_same_child_is_recognised_despite_accents_and_case():
    rows = [ROWS[2], ROWS[2].replace("Lefèvre;Léo", "LEFEVRE;leo")]
    assert problems(read(csv_text(rows=rows))) == [(3, None, "duplicate_child")]


@pytest.mark.parametrize("data, code", [
    (b"", "empty"),
    (b"\r\n\r\n  \r\n", "empty"),
    (bytes(range(256)) * 4, "not_text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not_text"),
    (HEADER.encode() + b"\r\n\r\n", "no_rows"),
    (b"nom;prenom\nMartin;Jean\n", "missing_columns"),
])
def test_malformed_files_get_a_report_not_a_crash(data, code):
    roster = read_roster(data, TODAY)
    assert not roster.ok and not roster.entries
    assert [e.code for e in roster.errors] == [code]


def test_fold_ignores_accents_case_and_punctuation():
    assert fold("  Jean-Éric  D'ARTAGNAN ") == fold("jean eric d artagnan") == "jean eric d artagnan"


def test_fold_keeps_names_of_every_script_apart():
    """Two guardians named in Cyrillic or Arabic must not fold to the same (empty) name."""
    assert fold("Иванов") != fold("Петров") and fold("Иванов") == fold("ИВАНОВ")
    assert fold("كريم") != fold("سارة")


def test_column_names_are_recognised_with_any_case_spaces_or_dashes():
    header = HEADER.replace("resp1_nom", "Resp1 Nom").replace("nom_eleve", "NOM-ELEVE")
    assert read(csv_text(header=header)).ok


def test_excel_unicode_text_utf16_with_tabs_is_read():
    roster = read_roster(csv_text(sep="\t").encode("utf-16"), TODAY)
    assert roster.ok, problems(roster)
    assert roster.entries[3].first_name == "Inès"


def test_yes_and_no_are_understood_in_usual_spellings():
    rows = [ROWS[2].replace("mère;oui", f"mère;{answer}") for answer in ("OUI", "Non")]
    rows[1] = rows[1].replace("Léo", "Lou")
    assert [e.guardians[0].legal_authority for e in read(csv_text(rows=rows)).entries] == [True, False]
