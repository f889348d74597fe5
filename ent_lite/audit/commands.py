"""CLI commands of the audit log."""
from __future__ import annotations

import sys

import click

from ent_lite.audit.anchors import anchor_path, verify_with_anchors, write_anchor
from ent_lite.cli import ent_lite_cli
from ent_lite.extensions import db


@ent_lite_cli.command("audit-verify")
@click.option("--anchors", "extra", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Also check the anchors of this file (a copy kept elsewhere, or application "
                   "log lines containing 'audit anchor'). Repeatable.")
def audit_verify_command(extra: tuple[str, ...]):
    """Check that no audit entry was altered or removed, the anchored ones included; exits with 1 if one was."""
    result = verify_with_anchors(extra)
    if not result.chain.ok:
        click.echo(f"Audit chain broken: {result.chain.problem}; the entries before it are intact.", err=True)
        sys.exit(1)
    if result.problem:
        click.echo(f"Audit log cut: {result.problem}.", err=True)
        sys.exit(1)
    click.echo(f"{result.chain.count} entries, chain intact")
    click.echo(f"{result.anchors} anchors match")
    if result.no_anchor_file:
        click.echo(f"No anchor file yet at {anchor_path()}: run `ent-lite audit-anchor` from cron "
                   "so that cutting the newest entries is found.", err=True)


@ent_lite_cli.command("audit-anchor")
def audit_anchor_command():
    """Write the audit chain's head (id, hash, time) to the anchor file and the application log."""
    anchor = write_anchor()
    db.session.rollback()  # read only: end the transaction the head was read in
    if anchor is None:
        click.echo("The audit log is empty: nothing to anchor.")
        return
    click.echo(f"Anchored entry {anchor.id} in {anchor_path()}")
