"""`flask sessions purge`: delete sessions past their retention period (cron, and `make run` at start)."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..quizzes.retention import purge_attempts
from ..teachers.models import Teacher, purge_account_leftovers
from .address import is_loopback_host, lan_address
from .service import purge_expired

sessions_cli = AppGroup("sessions", help="Manage classroom sessions.")


@sessions_cli.command("purge")
@click.option("--days", type=int, default=None, help="Retention of sessions in days (default: SESSION_RETENTION_DAYS, 30).")
def purge(days):
    """Delete what is past its retention period (run daily from cron or the systemd timer).

    Sessions (and all their answers) DAYS days after they ended or were last used; self-study quiz
    attempts and their saved reflections after QUIZ_ATTEMPT_RETENTION_DAYS (their answers stay only as
    counts for `flask courses stats`); used or expired invitations; idle logins; old login-failure counts.
    """
    config = current_app.config
    days = config["SESSION_RETENTION_DAYS"] if days is None else days
    deleted = purge_expired(days)
    click.echo(f"Deleted {deleted} session(s) that ended, or were last used, more than {days} day(s) ago.")
    attempts_days = config["QUIZ_ATTEMPT_RETENTION_DAYS"]
    attempts = purge_attempts(attempts_days)
    click.echo(f"Deleted {attempts} self-study quiz attempt(s) older than {attempts_days} day(s) (their answers are kept as counts).")
    leftovers = purge_account_leftovers()
    click.echo(f"Deleted {leftovers['invitations']} used or expired invitation(s), {leftovers['logins']} idle login(s), {leftovers['throttles']} old login-failure count(s).")


@sessions_cli.command("address")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address the server is about to listen on.")
@click.option("--port", type=int, default=5000, show_default=True, help="Its port.")
def address(host, port):
    """Say where learners' phones can join, before `make run` starts the server."""
    public = current_app.config["PUBLIC_URL"]
    click.echo(f"Kizuna on this computer: http://127.0.0.1:{port}/  (teachers: /en/teach/)")
    if db.session.scalar(select(Teacher.id).limit(1)) is None:
        click.echo("No teacher account yet. Create the first one with: .venv/bin/flask --app quizapp teachers create you@school.example")
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
