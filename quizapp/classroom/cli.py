"""`flask sessions purge`: delete sessions past their retention period (cron, and `make run` at start)."""

import click
from flask import current_app
from flask.cli import AppGroup

from .service import purge_expired

sessions_cli = AppGroup("sessions", help="Manage classroom sessions.")


@sessions_cli.command("purge")
@click.option("--days", type=int, default=None, help="Retention in days (default: SESSION_RETENTION_DAYS, 30).")
def purge(days):
    """Delete every session (and all its answers) that ended more than DAYS days ago."""
    days = current_app.config["SESSION_RETENTION_DAYS"] if days is None else days
    deleted = purge_expired(days)
    click.echo(f"Deleted {deleted} session(s) that ended more than {days} day(s) ago.")
