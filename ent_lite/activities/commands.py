"""``flask ent-lite draw SLUG``: draw a lottery campaign from the command line (or cron).

The same draw as the managers' button (``lottery.draw``): only after closing, only once. It
prints the counts and the seed; a refusal prints why and exits non-zero, so a cron job that
runs it twice fails loudly the second time instead of drawing again.
"""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask_babel import force_locale

from ent_lite.activities import campaigns, lottery
from ent_lite.cli import ent_lite_cli
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.services import get_city


def _parse_now(value: str | None) -> datetime:
    if value is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter("give a date and time such as 2027-06-01T18:00:00+00:00") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@ent_lite_cli.command("draw")
@click.argument("slug")
@click.option("--seed", default=None, help="Use this seed instead of a random one (to replay a draw elsewhere).")
@click.option("--now", "now_text", default=None, help="Pretend it is this time, ISO 8601, UTC unless given.")
def draw_command(slug: str, seed: str | None, now_text: str | None):
    """Draw the places of the lottery campaign SLUG and publish the result with its seed."""
    now = _parse_now(now_text)
    city = get_city()
    campaign = campaigns.find(city.id if city else None, slug)
    if campaign is None:
        raise click.ClickException(f"no campaign named {slug!r}")
    try:
        result = lottery.draw(campaign, now, seed=seed)
    except lottery.DrawRefused as refused:
        db.session.rollback()
        with force_locale("en"):
            raise click.ClickException(str(refused.message)) from None
    db.session.commit()
    click.echo(f"{campaign.slug}: {result.children} children drawn, {result.placed} placed, "
               f"{result.waiting} on waiting lists")
    click.echo(f"seed: {result.seed}")
