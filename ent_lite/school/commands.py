"""CLI commands of the school package (roster import)."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask_babel import force_locale, gettext as _, ngettext

from ent_lite.accounts.emails import external_url
from ent_lite.audit.services import record
from ent_lite.cli import ent_lite_cli
from ent_lite.core.db_types import utcnow
from ent_lite.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from ent_lite.extensions import db
from ent_lite.school.roster_apply import SUMMARY_LABELS, import_roster
from ent_lite.school.services import current_school_year, is_school_year


def format_error(error) -> str:
    where = []
    if error.line is not None:
        where.append(_("line %(line)s", line=error.line))
    if error.column:
        where.append(error.column)
    if not where:
        return str(error.message)
    return _("%(where)s: %(reason)s", where=", ".join(where), reason=error.message)


@ent_lite_cli.command("import-roster")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--school-year", help="School year of the classes, e.g. 2026-2027 (default: the current one).")
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change, without saving.")
@click.option("--lang", type=click.Choice(sorted(LANGUAGES)), default=DEFAULT_LANGUAGE, show_default=True,
              help="Language of the report.")
def import_roster_command(path: str, school_year: str | None, dry_run: bool, lang: str):
    """Import a roster CSV file: one row per pupil with up to two guardians."""
    now = utcnow()
    school_year = school_year or current_school_year(now)
    with force_locale(lang):
        if not is_school_year(school_year):
            raise click.BadParameter(_("Write the school year as 2026-2027."), param_hint="--school-year")
        with open(path, "rb") as handle:
            data = handle.read()
        result = import_roster(data, school_year=school_year, now=now,
                               city_name=current_app.config["CITY_NAME"],
                               valid_days=current_app.config["ACTIVATION_CODE_DAYS"])
        if not result.ok:
            db.session.rollback()
            click.echo(ngettext("The file was not imported: %(num)d problem found. Nothing was saved.",
                                "The file was not imported: %(num)d problems found. Nothing was saved.",
                                len(result.errors)), err=True)
            for error in result.errors:
                click.echo(format_error(error), err=True)
            sys.exit(1)
        if dry_run:
            db.session.rollback()
        else:
            record("admin.roster_import", now=now,
                   details={"source": "cli", "school_year": school_year, **result.summary.as_dict()})
            db.session.commit()
        click.echo(_("School year %(year)s", year=school_year))
        for name, count in result.summary.as_dict().items():
            click.echo(_("%(where)s: %(reason)s", where=SUMMARY_LABELS[name], reason=count))
        if result.summary.guardians_held:
            click.echo(ngettext(
                "%(num)d guardian without an email address may be a namesake of another family: everything else "
                "was imported. An administrator decides on the page “Guardians to tell apart”: %(url)s",
                "%(num)d guardians without an email address may be namesakes of other families: everything else "
                "was imported. An administrator decides on the page “Guardians to tell apart”: %(url)s",
                result.summary.guardians_held, url=external_url("admin.roster_review")))
        if dry_run:
            click.echo(_("Dry run: nothing was saved."))
