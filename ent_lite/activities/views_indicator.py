"""The city indicator page and its CSV: city agents and the admin of the city, others 404.

Aggregates only (``activities.indicator``), suppression applied to the page and the file
alike; the page offers to write to the families of the children not reached yet (the
audience key "no_activity" of the school year in progress).
"""
from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ent_lite import rules
from ent_lite.activities import indicator
from ent_lite.activities.blueprint import bp
from ent_lite.activities.permissions import may_see_indicator
from ent_lite.audience import keys as audience_keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.forms.csv_export import spreadsheet_csv
from ent_lite.posts import stats
from ent_lite.school.models import Establishment, Group
from ent_lite.school.services import current_school_year


def _school_years(city_id: int, current: str) -> list[str]:
    """The school years with classes in the city, newest first (the current one always)."""
    found = set(db.session.scalars(
        select(Group.school_year).join(Establishment, Establishment.id == Group.establishment_id)
        .where(Establishment.city_id == city_id).distinct()))
    return sorted(found | {current}, reverse=True)


def _chosen_year(city_id: int, now) -> tuple[str, list[str], bool]:
    """(year shown, years offered, whether the asked year was unknown and replaced)."""
    current = current_school_year(now)
    years = _school_years(city_id, current)
    asked = request.args.get("year")
    if asked and asked not in years:
        return current, years, True
    return asked or current, years, False


def _load():
    if not may_see_indicator(current_user) or current_user.city_id is None:
        abort(404)
    now = utcnow()
    year, years, unknown = _chosen_year(current_user.city_id, now)
    return indicator.compute(current_user.city_id, year, now), years, unknown, now


def cell_text(cell: indicator.Cell) -> str:
    """What a line says: "412 children of 530 — 78 %", or why it is hidden."""
    if cell.status == indicator.SMALL:
        return _("fewer than %(count)s children", count=indicator.MIN_CELL)
    if cell.status == indicator.COMPLEMENT:
        return _("hidden so that a smaller group cannot be deduced")
    if not cell.children:
        return _("no child")
    return ngettext("%(num)s of %(total)s children — %(percent)s %%",
                    "%(num)s of %(total)s children — %(percent)s %%",
                    cell.reached, total=cell.children, percent=cell.percent)


@bp.get("/activites/indicateur", endpoint="indicator")
def indicator_page():
    result, years, unknown, now = _load()
    key = audience_keys.no_activity_key(result.school_year)
    write_token = None
    families = None
    if result.school_year == current_school_year(now) and rules.can_post_to(current_user, key):
        write_token = f"{key[0]}:{key[1]}"
        families = stats.count_households([key], current_user.city_id)
    return render_template("activities/indicator_page.html", result=result, years=years, unknown=unknown,
                           cell_text=cell_text, write_token=write_token, families=families,
                           min_cell=indicator.MIN_CELL)


def indicator_rows(result: indicator.Indicator) -> list[list[str]]:
    """Header then one line per cell, as on the page; hidden figures are empty with the reason."""
    table = [[_("Breakdown"), _("Name"), _("Children"), _("With an activity attended"), _("Share in percent"),
              _("Note")]]
    groups = [(_("City"), [result.city]), (_("School"), result.schools), (_("Level"), result.levels),
              (_("District"), result.districts)]
    for breakdown, cells in groups:
        for cell in cells:
            shown = cell.shown
            table.append([breakdown, cell.label or _("Whole city"),
                          str(cell.children) if shown else "", str(cell.reached) if shown else "",
                          str(cell.percent) if shown and cell.percent is not None else "",
                          "" if shown else cell_text(cell)])
    return table


@bp.get("/activites/indicateur.csv")
def indicator_csv():
    result, _years, _unknown, _now = _load()
    return Response(spreadsheet_csv(indicator_rows(result)).encode("utf-8"), headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="indicateur-{result.school_year}.csv"'})
