"""``flask --app ent_lite ent-lite create-admin EMAIL``: the first administrator of a new city."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask_babel import force_locale, gettext as _

from ent_lite.admin.setup import SetupError, create_admin
from ent_lite.cli import ent_lite_cli
from ent_lite.core.db_types import utcnow
from ent_lite.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from ent_lite.extensions import db


@ent_lite_cli.command("create-admin")
@click.argument("email")
@click.option("--first-name", required=True, help="The administrator's first name.")
@click.option("--last-name", required=True, help="The administrator's last name.")
@click.option("--city", "city_name",
              help="The city's name, when the database holds no city yet (default: ENT_LITE_CITY_NAME).")
@click.option("--lang", type=click.Choice(sorted(LANGUAGES)), default=DEFAULT_LANGUAGE, show_default=True,
              help="Language of the messages.")
def create_admin_command(email: str, first_name: str, last_name: str, city_name: str | None, lang: str):
    """Create an administrator and send them a single-use link to choose a password.

    Run again for an administrator who has not used their link yet: a new link replaces it.
    """
    with force_locale(lang):
        try:
            result = create_admin(email, first_name, last_name, city_name, utcnow())
        except SetupError as error:
            db.session.rollback()
            click.echo(str(error), err=True)
            sys.exit(1)
        db.session.commit()
        if result.city_created:
            click.echo(_("City created: %(name)s", name=result.city_name))
        if result.email_sent:
            click.echo(_("An invitation was sent to %(email)s.", email=result.user.email))
        else:
            click.echo(_("The invitation email could not be sent: give the link below to the person."), err=True)
        click.echo(_("Invitation link (it works once, within %(days)s days; keep it secret):",
                     days=current_app.config["INVITE_TOKEN_DAYS"]))
        click.echo(result.link)

