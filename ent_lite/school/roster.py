"""Roster files: decode, find the columns, validate every row.

Plain functions, no database and no request: the CLI, the admin page and the
tests call them alike. Every problem is reported with the file line number
(header = line 1) so that the person who exported the file can fix it; the
caller writes nothing unless the list of errors is empty.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from ent_lite.core.text import fold_joined
from ent_lite.school.roster_model import (  # noqa: F401  (re-exported for callers)
    ALL_COLUMNS, REQUIRED_COLUMNS, GuardianEntry, PupilEntry, RosterError,
)
from ent_lite.school.roster_rows import RowChecker

SEPARATORS = (";", ",", "\t")


@dataclass
class Roster:
    entries: list[PupilEntry] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# "Resp1 Nom", "RESP1-NOM" and "resp1_nom" name the same column.
_COLUMN_BY_KEY = {fold_joined(name): name for name in ALL_COLUMNS}


def file_error(code: str, message) -> Roster:
    return Roster(errors=[RosterError(None, None, code, message)])


def decode(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; None for binary data."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                return None
    # Spreadsheets never write NUL; many other control characters mean binary data.
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return None if "\x00" in text or controls > len(text) // 100 else text


def detect_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_roster(data: bytes, today: date) -> Roster:
    """Read and check a whole roster file; the result lists every problem found."""
    if not data.strip():
        return file_error("empty", _l("The file is empty."))
    text = decode(data)
    if text is None:
        return file_error("not_text", _l("This is not a text (CSV) file. Save the spreadsheet as CSV and try again."))
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return file_error("empty", _l("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_separator(lines[first]))
    try:
        return _read_rows(reader, today)
    except csv.Error:
        return file_error("not_csv", _l("The file could not be read as CSV near line %(line)s.",
                                        line=reader.line_num))


def _read_rows(reader, today: date) -> Roster:
    header = None
    while header is None:
        row = next(reader, None)
        if row is None:
            return file_error("empty", _l("The file is empty."))
        if any(cell.strip() for cell in row):
            header = row
    header_line = reader.line_num
    positions, errors = _map_header(header, header_line)
    if errors:
        return Roster(errors=errors)
    roster = Roster()
    checker = RowChecker(today)
    while True:
        line = reader.line_num + 1
        row = next(reader, None)
        if row is None:
            break
        if not any(cell.strip() for cell in row):
            continue  # blank lines and rows of bare separators
        values = {name: (row[i].strip() if i < len(row) else "") for name, i in positions.items()}
        entry, row_errors = checker.check(line, values)
        roster.errors.extend(row_errors)
        if entry is not None:
            roster.entries.append(entry)
    if not roster.entries and not roster.errors:
        return file_error("no_rows", _l("The file has a header line but no pupil."))
    return roster


def _map_header(header: list[str], line: int) -> tuple[dict[str, int], list[RosterError]]:
    positions: dict[str, int] = {}
    errors = []
    for index, label in enumerate(header):
        name = _COLUMN_BY_KEY.get(fold_joined(label))
        if name is None:
            continue  # extra columns of the export are ignored
        if name in positions:
            errors.append(RosterError(line, name, "duplicate_column",
                                      _l("The column %(column)s appears more than once.", column=name)))
        positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        errors.append(RosterError(line, None, "missing_columns",
                                  _l("Missing columns: %(columns)s. The first line must name the columns.",
                                     columns=", ".join(missing))))
    return positions, errors
