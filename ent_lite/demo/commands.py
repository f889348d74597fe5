"""``flask --app ent_lite ent-lite seed-demo``: seed the demo city (once) and print its logins."""
from __future__ import annotations

import os
import time
from datetime import datetime

import click
from flask import current_app
from sqlalchemy import select

from ent_lite.accounts.activation import IssuedCode, format_code, issue_activation_code
from ent_lite.accounts.models import Role, User
from ent_lite.cli import ent_lite_cli
from ent_lite.core.db_types import utcnow
from ent_lite.demo import data
from ent_lite.demo.accounts import printed_accounts
from ent_lite.demo.seed import AlreadySeeded, seed_demo
from ent_lite.extensions import db
from ent_lite.school.models import City


@ent_lite_cli.command("seed-demo")
@click.option("--city", "city_name", default=lambda: os.environ.get("ENT_LITE_CITY_NAME", data.DEMO_CITY_NAME),
              show_default=f"ENT_LITE_CITY_NAME or “{data.DEMO_CITY_NAME}”", help="Name of the demo city.")
@click.option("--seed", default=data.DEMO_SEED, show_default=True, help="Random seed of the names.")
def seed_demo_command(city_name: str, seed: int) -> None:
    """Seed the demo city if it is not there yet, then print a login for each role."""
    if current_app.config["ENT_LITE_ENV"] == "production":
        # The demo accounts share a published password: never in a real city's database.
        raise click.ClickException("seed-demo refuses to run with ENT_LITE_ENV=production.")
    started = time.monotonic()
    try:
        city = seed_demo(utcnow(), city_name, seed, code_days=current_app.config["ACTIVATION_CODE_DAYS"])
    except AlreadySeeded as error:
        raise click.ClickException(f"{error}: the demo is seeded only into an empty database.") from None
    if city is None:
        city = db.session.scalar(select(City).where(City.name == city_name))
        click.echo(f"The demo city “{city.name}” is already there: nothing was added.")
    else:
        db.session.commit()
        click.echo(f"Seeded the demo city “{city.name}” in {time.monotonic() - started:.1f} s.")
    logins = format_logins(city, utcnow())
    db.session.commit()  # the activation code just issued for the output
    click.echo(logins)


def fresh_activation_code(city: City, now: datetime) -> IssuedCode | None:
    """A new code for the first family not yet activated, as a printed letter would give it:
    the database keeps only a hash of codes, so the one shown is issued now (the caller commits)."""
    guardian = db.session.scalar(
        select(User).where(User.city_id == city.id, User.role == Role.GUARDIAN, User.password_hash.is_(None),
                           User.is_enabled.is_(True))
        .order_by(User.id).limit(1)
    )
    if guardian is None:
        return None
    return issue_activation_code(guardian, now, current_app.config["ACTIVATION_CODE_DAYS"])


def format_logins(city: City, now: datetime) -> str:
    """The printed accounts (``demo.accounts``) as a table, and a family's activation code."""
    accounts = printed_accounts(city)
    width = max(len(account.email) for account in accounts)
    lines = ["", f"Demo logins (every account's password: {data.DEMO_PASSWORD})", ""]
    lines.append(f"{'role':<11} {'email':<{width}}  who")
    lines += [f"{a.role:<11} {a.email:<{width}}  {a.who}" for a in accounts]
    code = fresh_activation_code(city, now)
    if code is not None:
        lines += ["", "Activate a family account (as a parent would, from the letter):",
                  f"  activation code {format_code(code.code)}, family name {code.row.user.last_name}"]
    lines += ["", f"Sign in at {current_app.config['BASE_URL']}/login", ""]
    return "\n".join(lines)
