"""`flask teachers create|invite|reset-password|delete`."""

import secrets

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from .forms import email_problem, password_problem
from .models import Invite, Teacher, end_logins, normalise_email

teachers_cli = AppGroup("teachers", help="Manage teacher accounts.")


@teachers_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="The teacher's name (shown only to them).")
@click.password_option(help="The password (asked for if not given).")
def create(email, name, password):
    """Create a teacher account."""
    if email_problem(email) is not None:
        raise click.ClickException(f"{email!r} is not a valid e-mail address")
    if Teacher.by_email(email):
        raise click.ClickException(f"an account for {normalise_email(email)} already exists")
    _check_password(password, email, name)
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
    teacher = _teacher(email)
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    _check_password(password, teacher.email, teacher.name)
    teacher.set_password(password)
    db.session.commit()
    end_logins(teacher)  # a stolen session cookie dies with the old password
    if generated:
        click.echo(f"New password for {teacher.email}: {password}")
    else:
        click.echo(f"Password changed for {teacher.email}.")


@teachers_cli.command("delete")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(email, yes):
    """Delete a teacher account and everything it owns: its sessions, their learners and answers, its logins."""
    teacher = _teacher(email)
    if not yes:
        click.confirm(f"Delete {teacher.email} and all of its sessions and answers?", abort=True)
    db.session.delete(teacher)  # the database cascades to sessions, participants, answers, surveys, logins
    db.session.commit()
    click.echo(f"Deleted {teacher.email} and everything it owned.")


def _teacher(email: str) -> Teacher:
    teacher = Teacher.by_email(email)
    if teacher is None:
        raise click.ClickException(f"no account for {normalise_email(email)}")
    return teacher


def _check_password(password: str, *personal: str) -> None:
    with current_app.test_request_context("/en/"):  # the message is a lazy, translatable string
        problem = password_problem(password, *personal)
        if problem is not None:
            raise click.ClickException(str(problem))
