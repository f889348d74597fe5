"""``flask --app ent_lite ent-lite erase-guardian EMAIL``: the DPO's erasure from the command line."""
from __future__ import annotations

import click
from sqlalchemy import func, select

from ent_lite.accounts.models import Role, User
from ent_lite.cli import ent_lite_cli
from ent_lite.core.db_types import utcnow
from ent_lite.erasure.services import erase_guardian
from ent_lite.extensions import db


@ent_lite_cli.command("erase-guardian")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_guardian_command(email: str, yes: bool):
    """Erase a guardian's account and data (documented legal holds aside); prints the counts."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or user.role != Role.GUARDIAN:
        raise click.ClickException("no guardian account has this email address")
    if not yes:
        click.confirm(f"Erase the guardian account {user.email} and all its data? This cannot be undone",
                      abort=True)
    report = erase_guardian(user, now=utcnow(), actor=None)
    db.session.commit()
    click.echo("Erased" + (" (the account is kept as a tombstone for held consent records)"
                           if report.tombstone else ""))
    for table, rows in sorted(report.rows.items()):
        click.echo(f"    {table}: {rows}")
    click.echo(f"    files: {report.files}")
