"""``flask ent-lite draw SLUG``: draw a lottery campaign from the command line (or cron).
``flask ent-lite draw-verify FILE.json``: re-run a published draw from its JSON download.

The same draw as the managers' button (``lottery.draw``): only after closing, only once. It
prints the counts and the seed; a refusal prints why and exits non-zero, so a cron job that
runs it twice fails loudly the second time instead of drawing again. The draw always runs at
the real time with a fresh random seed: no option chooses the seed or the moment, so nobody
running it can pick a seed that favours a ticket, nor draw before the requests close.
``draw-verify`` reads nothing but the file and writes nothing: anyone can run it.
"""
from __future__ import annotations

import json

import click
from flask_babel import force_locale

from ent_lite.activities import campaigns, lottery
from ent_lite.cli import ent_lite_cli
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.services import get_city


@ent_lite_cli.command("draw")
@click.argument("slug")
def draw_command(slug: str):
    """Draw the places of the lottery campaign SLUG and publish the result with its seed."""
    city = get_city()
    campaign = campaigns.find(city.id if city else None, slug)
    if campaign is None:
        raise click.ClickException(f"no campaign named {slug!r}")
    try:
        result = lottery.draw(campaign, utcnow())
    except lottery.DrawRefused as refused:
        db.session.rollback()
        with force_locale("en"):
            raise click.ClickException(str(refused.message)) from None
    db.session.commit()
    click.echo(f"{campaign.slug}: {result.children} children drawn, {result.placed} placed, "
               f"{result.waiting} on waiting lists")
    click.echo(f"seed: {result.seed}")


@ent_lite_cli.command("draw-verify")
@click.argument("path", type=click.File("r", encoding="utf-8"))
def draw_verify_command(path):
    """Re-run the draw published in PATH (the JSON download) and print its order and outcome."""
    try:
        published = json.load(path)
        order = lottery.rerun(published)
        placed = lottery.rerun_placements(published)
        recorded = {entry["ticket"]: (entry["position"], entry["placed"]) for entry in published["entries"]}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise click.ClickException(f"not a published draw result: {error}") from None
    differ = 0
    for position, ticket in enumerate(order, start=1):
        same = recorded.get(ticket) == (position, placed[ticket])
        differ += not same
        click.echo(f"{position}. {ticket}: {placed[ticket] or 'waiting list'}{'' if same else '  <- differs'}")
    if differ:
        raise click.ClickException(f"{differ} tickets differ from the published result")
    click.echo("the published order and outcome are those of the algorithm")
