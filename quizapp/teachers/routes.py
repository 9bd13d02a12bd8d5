"""Teacher accounts.

/<lang>/teach/login                 log in (a growing wait after repeated failures, never a lockout)
/<lang>/teach/logout                log out: this login ends on the server too (POST)
/<lang>/teach/logout-everywhere     end every login of this account, on every device (POST)
/<lang>/teach/account               change the password: every other login ends
/<lang>/teach/signup                create an account (open, or with an invitation code used once)
"""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..web import localized_blueprint
from .forms import ChangePasswordForm, LoginForm, SignupForm
from .models import Invite, Teacher, clear_login_failures, count_login_failure, end_login, end_logins, login_wait, normalise_email, start_login, verify_login

bp = localized_blueprint("teachers", __name__)


@bp.route("/teach/login", methods=["GET", "POST"])
def login():
    """Log in; a wrong e-mail or password gets one message, in the same time, that does not say which."""
    if current_user.is_authenticated:
        return redirect(url_for("classroom.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or ""
        wait = login_wait(form.email.data, address)
        if wait:
            # No password is checked while waiting: guessing costs the server nothing.
            form.password.errors.append(ngettext("Too many tries. Wait %(num)s second, then try again.", "Too many tries. Wait %(num)s seconds, then try again.", wait))
            status = 429
        else:
            teacher = verify_login(form.email.data, form.password.data)
            if teacher is not None:
                clear_login_failures(form.email.data, address)
                start_login(teacher)
                login_user(teacher)
                return redirect(safe_next() or url_for("classroom.dashboard"))
            count_login_failure(form.email.data, address)
            form.password.errors.append(_("That e-mail address and password do not match an account."))
    if form.errors and status == 200:
        status = 422
    return render_template("teachers/login.html", form=form, signup_open=signup_mode() == "open"), status


@bp.route("/teach/logout", methods=["POST"])
def logout():
    """Log out (a POST with the CSRF token, so a link elsewhere cannot log a teacher out)."""
    if current_user.is_authenticated:
        end_login(current_user.login_token)
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("teachers.login"))


@bp.route("/teach/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every login of this account, this one included (a lost phone, a shared computer)."""
    end_logins(current_user)
    logout_user()
    flash(_("You are logged out on every device."))
    return redirect(url_for("teachers.login"))


@bp.route("/teach/account", methods=["GET", "POST"])
@login_required
def account():
    """Change the password; every other login of the account ends, this one carries on."""
    form = ChangePasswordForm(current_user)
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("That is not your current password."))
        else:
            current_user.set_password(form.password.data)
            db.session.commit()
            end_logins(current_user, keep=current_user.login_token)
            flash(_("Your password has been changed. Every other device is now logged out."))
            return redirect(url_for("classroom.dashboard"))
    return render_template("teachers/account.html", form=form, idle=current_app.config["TEACHER_IDLE_MINUTES"]), 422 if form.errors else 200


@bp.route("/teach/signup", methods=["GET", "POST"])
def signup():
    """Create an account: open to all, or only with a valid invitation (used once), as configured."""
    code = request.values.get("invite", "")
    invite = Invite.usable(code) if code else None
    if signup_mode() != "open" and invite is None:
        return render_template("teachers/invite_only.html", had_code=bool(code)), 403
    form = SignupForm(invite=code)
    if form.validate_on_submit():
        teacher = Teacher(email=normalise_email(form.email.data), name=form.name.data.strip())
        teacher.set_password(form.password.data)
        db.session.add(teacher)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            form.email.errors.append(_("An account with this e-mail address already exists. Log in instead."))
        else:
            if invite is not None and not invite.use(teacher):  # another tab or person used it a moment ago
                db.session.rollback()
                return render_template("teachers/invite_only.html", had_code=True), 403
            db.session.commit()
            start_login(teacher)
            login_user(teacher)
            return redirect(url_for("classroom.dashboard"))
    return render_template("teachers/signup.html", form=form), 422 if form.errors else 200


def signup_mode() -> str:
    """``open`` or ``invite`` (checked at start-up; the default is invite: a school's deployment should
    not be open to anyone)."""
    return current_app.config["TEACHER_SIGNUP"]


def safe_next() -> str | None:
    """The page a teacher was sent to log in from, only if it is a path on this site.

    Parsed, not pattern-matched: browsers drop tabs and newlines inside URLs and read a backslash as a
    slash, so "/\\t/evil.example" or "/\\\\evil.example" would leave the site; anything with a control
    character, a backslash, a scheme or a host, or not starting with one "/", is refused.
    """
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
