"""``flask ent-lite worker``: sends the notifications, long-running or once (cron, tests)."""
from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timezone

import click

from ent_lite.cli import ent_lite_cli
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications import worker

log = logging.getLogger(__name__)


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _summary(figures: worker.Figures) -> str:
    return (f"notified {figures.notified}, claimed {figures.claimed}, sent {figures.sent}, "
            f"retried {figures.retried}, failed {figures.failed}, skipped {figures.skipped}")


@ent_lite_cli.command("worker")
@click.option("--once", is_flag=True, help="Send what is due, then exit (for cron).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between two polls.")
@click.option("--batch-size", default=worker.BATCH_SIZE, show_default=True, help="Rows claimed at a time.")
@click.option("--name", "worker_name", default="worker", help="Name shown in the log.")
@click.option("--now", "now_text", default=None, hidden=True, help="Pretend it is this UTC time (tests).")
def worker_command(once: bool, interval: float, batch_size: int, worker_name: str, now_text: str | None):
    """Fan out the notification events and send the mails and pushes that are due.

    Stops cleanly on SIGTERM or Ctrl+C, after the send in flight.
    """
    fixed_now = _parse_now(now_text)
    if once:
        click.echo(_summary(worker.run_once(fixed_now or utcnow(), batch_size=batch_size, worker_name=worker_name)))
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"{worker_name}: sending notifications every {interval:g} s (Ctrl+C to stop)")
    while not stop.is_set():
        try:
            figures = worker.run_once(fixed_now or utcnow(), batch_size=batch_size, worker_name=worker_name,
                                      should_stop=stop.is_set)
            if figures.claimed or figures.notified:
                click.echo(f"{worker_name}: {_summary(figures)}")
        except Exception:  # noqa: BLE001 - a database hiccup must not end the worker
            db.session.rollback()
            log.exception("%s: round failed", worker_name)
        db.session.remove()
        stop.wait(interval)
    click.echo(f"{worker_name}: stopped")
