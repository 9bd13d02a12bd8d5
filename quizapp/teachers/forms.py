"""Teacher forms. Labels and messages are lazy so they follow the request's language."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length
from zxcvbn import zxcvbn

from ..forms import TextForm

MIN_PASSWORD = 10
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash scenario".
MIN_STRENGTH = 3


def password_problem(password: str, *personal: str) -> str | None:
    """Why ``password`` is not good enough (a message for the user), or None.

    zxcvbn knows common passwords, names, dictionary words, dates, keyboard patterns and l33t; the
    teacher's own e-mail and name count as guessable too.
    """
    if len(password) < MIN_PASSWORD:
        return _l("Use at least %(min)d characters.", min=MIN_PASSWORD)
    # zxcvbn's time grows with length; a long password is strong enough without scoring all of it.
    if zxcvbn(password[:64], user_inputs=[value for value in personal if value] + ["kizuna"])["score"] < MIN_STRENGTH:
        return _l("This password is too easy to guess. Try a few unrelated words, or a longer phrase.")
    return None


def email_problem(address: str) -> str | None:
    """None if ``address`` is a valid e-mail address (syntax only: nothing is sent or looked up)."""
    try:
        validate_email(address or "", check_deliverability=False)
    except EmailNotValidError:
        return _l("Enter a valid e-mail address, such as name@school.example.")
    return None


def valid_email(form, field):
    """WTForms validator around ``email_problem``."""
    problem = email_problem(field.data)
    if problem:
        raise ValidationError(problem)


def strong_password(form, field):
    """WTForms validator around ``password_problem``."""
    personal = [getattr(form, name).data for name in ("email", "name") if hasattr(form, name)]
    if getattr(form, "teacher", None) is not None:
        personal += [form.teacher.email, form.teacher.name]
    problem = password_problem(field.data or "", *[value for value in personal if isinstance(value, str)])
    if problem:
        raise ValidationError(problem)


class LoginForm(TextForm):
    """Log in with e-mail and password."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])


class SignupForm(TextForm):
    """Create a teacher account."""

    invite = HiddenField()
    name = StringField(_l("Your name (shown only to you)"), validators=[DataRequired(_l("Enter your name.")), Length(max=100)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254), valid_email])
    password = PasswordField(
        _l("Password (at least %(min)d characters)", min=MIN_PASSWORD),
        validators=[DataRequired(_l("Choose a password.")), Length(max=200), strong_password],
    )
    confirm = PasswordField(_l("Password again"), validators=[EqualTo("password", _l("The two passwords are not the same."))])


class ChangePasswordForm(TextForm):
    """Change one's password: every other login ends."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password.")), Length(max=200)])
    password = PasswordField(
        _l("New password (at least %(min)d characters)", min=MIN_PASSWORD),
        validators=[DataRequired(_l("Choose a password.")), Length(max=200), strong_password],
    )
    confirm = PasswordField(_l("New password again"), validators=[EqualTo("password", _l("The two passwords are not the same."))])

    def __init__(self, teacher, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.teacher = teacher
