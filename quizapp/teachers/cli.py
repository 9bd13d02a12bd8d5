"""`flask teachers create|invite|reset-password`."""

import secrets

import click
from flask.cli import AppGroup

from ..extensions import db
from .forms import MIN_PASSWORD
from .models import Invite, Teacher, normalise_email

teachers_cli = AppGroup("teachers", help="Manage teacher accounts.")


@teachers_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="The teacher's name (shown only to them).")
@click.password_option(help="The password (asked for if not given).")
def create(email, name, password):
    """Create a teacher account."""
    if Teacher.by_email(email):
        raise click.ClickException(f"an account for {normalise_email(email)} already exists")
    _check_password(password)
    teacher = Teacher(email=normalise_email(email), name=name or normalise_email(email).split("@")[0])
    teacher.set_password(password)
    db.session.add(teacher)
    db.session.commit()
    click.echo(f"Created teacher account {teacher.email}.")


@teachers_cli.command("invite")
@click.option("--days", default=14, show_default=True, help="Days before the invitation expires.")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True, help="Where the app is served.")
def invite(days, base_url):
    """Make a one-time sign-up link (for invite-only sign-up)."""
    code = Invite.create(days)
    click.echo(f"{base_url.rstrip('/')}/en/teach/signup?invite={code}")
    click.echo(f"Valid for {days} days, for one account.")


@teachers_cli.command("reset-password")
@click.argument("email")
@click.option("--password", default=None, help="The new password; a random one is generated and shown if omitted.")
def reset_password(email, password):
    """Set a new password for a teacher who forgot theirs."""
    teacher = Teacher.by_email(email)
    if teacher is None:
        raise click.ClickException(f"no account for {normalise_email(email)}")
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    _check_password(password)
    teacher.set_password(password)
    db.session.commit()
    if generated:
        click.echo(f"New password for {teacher.email}: {password}")
    else:
        click.echo(f"Password changed for {teacher.email}.")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password needs at least {MIN_PASSWORD} characters")
