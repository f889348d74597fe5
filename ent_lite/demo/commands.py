"""``flask --app ent_lite ent-lite seed-demo``: seed the demo city (once) and print its logins."""
from __future__ import annotations

import os
import time
from datetime import datetime

import click
from flask import current_app
from sqlalchemy import func, select

from ent_lite.accounts.activation import IssuedCode, format_code, issue_activation_code
from ent_lite.accounts.models import Membership, Role, User
from ent_lite.cli import ent_lite_cli
from ent_lite.core.db_types import utcnow
from ent_lite.demo import data
from ent_lite.demo.seed import AlreadySeeded, seed_demo
from ent_lite.extensions import db
from ent_lite.school.models import (
    Child,
    City,
    Enrolment,
    Establishment,
    EstablishmentKind,
    Group,
    GroupKind,
    GuardianLink,
)

ROLE_ORDER = (Role.ADMIN, Role.DPO, Role.DIRECTOR, Role.TEACHER, Role.ANIMATOR, Role.CITY_AGENT)


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


def demo_logins(city: City) -> list[tuple[str, str, str]]:
    """(role, email, who) for an activated account of every role, and the periscolaire site lead.

    The guardian has several children; the teacher and director shown are those of the
    guardian's first child, so that their posts can be seen from both sides.
    """
    activated = select(User).where(User.city_id == city.id, User.password_hash.is_not(None)).order_by(User.id)
    parent = db.session.scalar(
        activated.join(GuardianLink, GuardianLink.user_id == User.id).where(User.role == Role.GUARDIAN)
        .group_by(User.id).having(func.count(GuardianLink.id) >= 2).limit(1)
    )
    classes = _classes_of(parent) if parent else []
    staff = {}
    if classes:
        staff[Role.TEACHER] = activated.join(Membership).where(Membership.group_id == classes[0][1].id)
        staff[Role.DIRECTOR] = activated.join(Membership).where(
            Membership.establishment_id == classes[0][1].establishment_id, Membership.group_id.is_(None))
    rows = []
    for role in ROLE_ORDER:
        user = db.session.scalar(staff.get(role, activated).where(User.role == role).limit(1))
        if user is not None:
            rows.append((role, user.email, f"{user.display_name}{_place(user)}"))
        if role == Role.ANIMATOR:
            rows += _site_lead(activated)
    if parent is not None:
        children = ", ".join(f"{first_name} ({group.name}, {group.establishment.name})"
                             for first_name, group in classes)
        rows.append((Role.GUARDIAN, parent.email, f"{parent.display_name}, parent of {children}"))
    return rows


def _site_lead(activated) -> list[tuple[str, str, str]]:
    """The animator who leads a periscolaire site (a membership with no group): every group of it."""
    row = db.session.execute(
        activated.add_columns(Establishment.name).join(Membership, Membership.user_id == User.id)
        .join(Establishment, Establishment.id == Membership.establishment_id)
        .where(User.role == Role.ANIMATOR, Membership.group_id.is_(None),
               Establishment.kind == EstablishmentKind.PERISCOLAIRE).limit(1)).first()
    if row is None:
        return []
    lead, site = row
    return [(Role.ANIMATOR, lead.email, f"{lead.display_name}, site lead of {site} (all its groups)")]


def _classes_of(parent: User) -> list[tuple[str, Group]]:
    return db.session.execute(
        select(Child.first_name, Group)
        .join(GuardianLink, GuardianLink.child_id == Child.id)
        .join(Enrolment, Enrolment.child_id == Child.id)
        .join(Group, Group.id == Enrolment.group_id)
        .where(GuardianLink.user_id == parent.id, Group.kind == GroupKind.CLASS)
        .order_by(Child.id)
    ).all()


def _place(user: User) -> str:
    places = [f"{m.group.name} ({m.establishment.name})" if m.group else m.establishment.name
              for m in user.memberships]
    return f", {', '.join(places)}" if places else ""


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
    rows = demo_logins(city)
    width = max(len(email) for _, email, _ in rows)
    lines = ["", f"Demo logins (every account's password: {data.DEMO_PASSWORD})", ""]
    lines.append(f"{'role':<11} {'email':<{width}}  who")
    lines += [f"{role:<11} {email:<{width}}  {who}" for role, email, who in rows]
    code = fresh_activation_code(city, now)
    if code is not None:
        lines += ["", "Activate a family account (as a parent would, from the letter):",
                  f"  activation code {format_code(code.code)}, family name {code.row.user.last_name}"]
    lines += ["", f"Sign in at {current_app.config['BASE_URL']}/login", ""]
    return "\n".join(lines)
