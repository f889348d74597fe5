"""``flask --app ent_lite ent-lite purge``: delete what is past its retention."""
from __future__ import annotations

from datetime import datetime, timezone

import click

from ent_lite.cli import ent_lite_cli
from ent_lite.core.db_types import utcnow
from ent_lite.privacy.purge import run_purge


@ent_lite_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Print what would be deleted; change nothing.")
@click.option("--now", "now_text", metavar="YYYY-MM-DD", help="Purge as if today were this date (UTC).")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True)
def purge_command(dry_run: bool, now_text: str | None, batch_size: int):
    """Delete rows and files past their retention, category by category."""
    if now_text:
        try:
            now = datetime.strptime(now_text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            raise click.BadParameter("expected YYYY-MM-DD", param_hint="--now") from None
    else:
        now = utcnow()
    results = run_purge(now, dry_run=dry_run, batch_size=batch_size)
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"Purge {'dry run ' if dry_run else ''}at {now:%Y-%m-%d %H:%M} UTC")
    for result in results:
        click.echo(f"{result.category}: {verb} {result.rows} rows, {result.files} files")
        for table, count in sorted(result.by_table.items()):
            click.echo(f"    {table}: {count}")
