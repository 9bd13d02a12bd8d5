"""Teacher forms. Labels and messages are lazy so they follow the request's language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

MIN_PASSWORD = 10


class LoginForm(FlaskForm):
    """Log in with e-mail and password."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class SignupForm(FlaskForm):
    """Create a teacher account."""

    invite = HiddenField()
    name = StringField(_l("Your name (shown only to you)"), validators=[DataRequired(_l("Enter your name.")), Length(max=100)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address.")), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter a valid e-mail address.")), Length(max=254)])
    password = PasswordField(
        _l("Password (at least %(min)d characters)", min=MIN_PASSWORD),
        validators=[DataRequired(_l("Choose a password.")), Length(min=MIN_PASSWORD, max=200, message=_l("Use at least %(min)d characters.", min=MIN_PASSWORD))],
    )
    confirm = PasswordField(_l("Password again"), validators=[EqualTo("password", _l("The two passwords are not the same."))])
