"""``flask --app ent_lite ent-lite generate-city --children N --seed S``: a city for load tests."""
from __future__ import annotations

import time

import click
from flask import current_app

from ent_lite.cli import ent_lite_cli
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.generator.bulk import analyze
from ent_lite.generator.city import PASSWORD, CannotGenerate, email_domain, generate_city


@ent_lite_cli.command("generate-city")
@click.option("--children", type=click.IntRange(1, 1_000_000), default=7000, show_default=True,
              help="How many children the city's schools hold.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed: the same seed gives the same city.")
def generate_city_command(children: int, seed: int) -> None:
    """Generate a realistic city (schools, families, staff, a school year of news, messages,
    forms and reads) for load tests; does nothing if the seed's city is already there."""
    if current_app.config["ENT_LITE_ENV"] == "production":
        # Every generated account shares a printed password: never in a real city's database.
        raise click.ClickException("generate-city refuses to run with ENT_LITE_ENV=production.")
    started = time.monotonic()
    try:
        generated = generate_city(children, seed, utcnow())
    except CannotGenerate as refusal:
        raise click.ClickException(f"Nothing was generated: {refusal}") from refusal
    if not generated.created:
        click.echo(f"The city “{generated.city.name}” (seed {seed}) is already there: nothing was added.")
        return
    db.session.commit()
    analyze()
    click.echo(f"Generated “{generated.city.name}” in {time.monotonic() - started:.1f} s "
               f"({db.engine.dialect.name}).")
    width = max(len(name) for name in generated.counts)
    for name, count in generated.counts.items():
        click.echo(f"  {name:<{width}} {count:>10,}".replace(",", " "))
    click.echo(f"Every account's password: {PASSWORD} (addresses end in @{email_domain(seed)})")
