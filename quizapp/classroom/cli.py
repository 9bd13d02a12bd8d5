"""`flask sessions purge`: delete sessions past their retention period (cron, and `make run` at start)."""

import click
from flask import current_app
from flask.cli import AppGroup

from .address import is_loopback_host, lan_address
from .service import purge_expired

sessions_cli = AppGroup("sessions", help="Manage classroom sessions.")


@sessions_cli.command("purge")
@click.option("--days", type=int, default=None, help="Retention in days (default: SESSION_RETENTION_DAYS, 30).")
def purge(days):
    """Delete every session (and all its answers) that ended more than DAYS days ago."""
    days = current_app.config["SESSION_RETENTION_DAYS"] if days is None else days
    deleted = purge_expired(days)
    click.echo(f"Deleted {deleted} session(s) that ended more than {days} day(s) ago.")


@sessions_cli.command("address")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address the server is about to listen on.")
@click.option("--port", type=int, default=5000, show_default=True, help="Its port.")
def address(host, port):
    """Say where learners' phones can join, before `make run` starts the server."""
    public = current_app.config["PUBLIC_URL"]
    click.echo(f"Kizuna on this computer: http://127.0.0.1:{port}/  (teachers: /en/teach/)")
    if public:
        click.echo(f"Learners join at {public.rstrip('/')}/j  (PUBLIC_URL)")
        return
    if is_loopback_host(host):
        click.echo("Only this computer can open it. To let phones in the room join, run: HOST=0.0.0.0 make run")
        return
    lan = (current_app.config["LAN_ADDRESS"] or lan_address()) if host in ("0.0.0.0", "::") else host
    if lan is None:
        click.echo("This computer has no network address other devices could use: connect it to the room's network.")
    else:
        click.echo(f"Learners join at http://{lan}:{port}/j  (the live screen shows it, with a QR code)")
