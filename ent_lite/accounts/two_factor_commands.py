"""``flask --app ent_lite ent-lite reset-second-factor EMAIL``: the way back for a locked-out admin.

An administrator or DPO who lost both their phone and their recovery codes cannot pass the
second factor, and no page can help them without weakening it for everyone. Whoever runs
the server resets it from the command line (audited); the person sets it up again at their
next login.
"""
from __future__ import annotations

import click

from ent_lite.accounts import services, two_factor
from ent_lite.cli import ent_lite_cli
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db


@ent_lite_cli.command("reset-second-factor")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset_second_factor_command(email: str, yes: bool):
    """Turn off an account's second factor and recovery codes; it is set up again at next login."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException("no account has this email address")
    if not two_factor.is_enrolled(user):
        raise click.ClickException("this account has no second factor to reset")
    if not yes:
        click.confirm(f"Reset the second factor of {user.email}? Their recovery codes stop working "
                      "and all their sessions end", abort=True)
    two_factor.reset(user, utcnow())
    db.session.commit()
    click.echo("Second factor reset: it will be set up again at the next login.")
