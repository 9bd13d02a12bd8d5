"""Teacher accounts.

/<lang>/teach/login      log in
/<lang>/teach/logout     log out (POST)
/<lang>/teach/signup     create an account (open, or with an invitation code)
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..web import localized_blueprint
from .forms import LoginForm, SignupForm
from .models import Invite, Teacher, normalise_email

bp = localized_blueprint("teachers", __name__)


@bp.route("/teach/login", methods=["GET", "POST"])
def login():
    """Log in; a wrong e-mail or password gets one message that does not say which was wrong."""
    if current_user.is_authenticated:
        return redirect(url_for("classroom.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        teacher = Teacher.by_email(form.email.data)
        if teacher is not None and teacher.check_password(form.password.data):
            login_user(teacher)
            return redirect(safe_next() or url_for("classroom.dashboard"))
        form.password.errors.append(_("That e-mail address and password do not match an account."))
    return render_template("teachers/login.html", form=form, signup_open=signup_mode() == "open"), 422 if form.errors else 200


@bp.route("/teach/logout", methods=["POST"])
def logout():
    """Log out (a POST with the CSRF token, so a link elsewhere cannot log a teacher out)."""
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("teachers.login"))


@bp.route("/teach/signup", methods=["GET", "POST"])
def signup():
    """Create an account: open to all, or only with a valid invitation, as configured."""
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
            if invite is not None:
                invite.used_by = teacher.id
            db.session.commit()
            login_user(teacher)
            return redirect(url_for("classroom.dashboard"))
    return render_template("teachers/signup.html", form=form), 422 if form.errors else 200


def signup_mode() -> str:
    """``open`` or ``invite`` (the default: a school's deployment should not be open to anyone)."""
    mode = current_app.config.get("TEACHER_SIGNUP", "invite")
    if mode not in ("open", "invite"):
        abort(500)
    return mode


def safe_next() -> str | None:
    """The page a teacher was sent to log in from, only if it is on this site."""
    target = request.args.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
