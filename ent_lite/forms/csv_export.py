"""The results as a CSV file that spreadsheets open as they are, in the reader's language.

UTF-8 with a byte order mark (so Excel reads the accents), ";" between fields (the list
separator of French spreadsheets), CRLF line endings, dates and numbers written the local way,
and no cell that a spreadsheet would run as a formula.
"""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _

from ent_lite.forms import answering
from ent_lite.forms.models import Question, QuestionKind
from ent_lite.forms.results import ResultRow, Results

BOM = "\ufeff"
# A cell starting with one of these is a formula to Excel or LibreOffice (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-3", "-2,5", "-0.75") stays a number: nothing else than a minus sign, digits
# and one decimal separator can be in it, so no formula can hide there ("-1+cmd|..." has more).
PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(question: Question, value: str | None) -> str:
    """An answer as a cell: numbers without thousands separators, which spreadsheets read as text."""
    if question.kind == QuestionKind.NUMBER and value is not None:
        return format_decimal(Decimal(value), format="0.##########")
    return answering.display_value(question, value)


def _answers(results: Results, row: ResultRow | None) -> list[str]:
    values = row.values if row else {}
    return [_cell(q, values.get(q.id)) for q in results.form.questions]


def _when(row: ResultRow | None) -> str:
    return format_datetime(row.updated_dt, "short") if row else ""


def results_rows(results: Results) -> list[list[str]]:
    """Header then one row per child (with those not answered yet) or per answering parent."""
    labels = [answering.question_label(q) for q in results.form.questions]
    if not results.form.per_child:
        table = [[_("Parent"), _("Children")] + labels + [_("Answered on")]]
        for row in results.rows:
            children = ", ".join(child.name for child in row.children)
            table.append([row.respondent_name or _("Former account"), children] + _answers(results, row) + [_when(row)])
        return table
    table = [[_("Child"), _("Class")] + labels + [_("Answered by"), _("Answered on")]]
    lines = [(row.child, row) for row in results.rows if row.child]
    lines += [(child, None) for child in results.without_answer]
    lines.sort(key=lambda line: (line[0].class_name or "", line[0].last_name, line[0].first_name))
    for child, row in lines:
        by = (row.respondent_name or _("Former account")) if row else ""
        table.append([child.name, child.class_name or ""] + _answers(results, row) + [by, _when(row)])
    return table


def spreadsheet_csv(rows) -> str:
    """Rows of cells as the file described above (a form's results, an activity's roster, the
    city indicator): BOM, ";", CRLF, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for line in rows:
        writer.writerow([neutralise(cell) for cell in line])
    return BOM + buffer.getvalue()


def results_csv(results: Results) -> str:
    return spreadsheet_csv(results_rows(results))
