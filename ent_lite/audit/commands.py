"""CLI commands of the audit log."""
from __future__ import annotations

import sys

import click

from ent_lite.audit.services import verify_chain
from ent_lite.cli import ent_lite_cli


@ent_lite_cli.command("audit-verify")
def audit_verify_command():
    """Check that no audit entry was altered or removed; exits with 1 if one was."""
    result = verify_chain()
    if result.ok:
        click.echo(f"{result.count} entries, chain intact")
        return
    click.echo(f"Audit chain broken: {result.problem}; the entries before it are intact.", err=True)
    sys.exit(1)
