"""Forms of classroom sessions."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import TextForm


class NewSessionForm(TextForm):
    """Create a session from any lesson."""

    lesson = SelectField(_l("Lesson"), validators=[DataRequired(_l("Choose a lesson."))])
    mode = RadioField(
        # i18n: how a session moves through its questions: the teacher moves the class, or each learner alone.
        _l("Pace"),
        choices=[SelectChoice("live", _l("Live: I move the class through the questions")), SelectChoice("self", _l("Self-paced: learners work on their own until a date"))],
        default="live",
    )
    open_until = DateField(_l("Open until (self-paced only)"), validators=[Optional()])
    # i18n: the country whose emergency numbers and help lines learners see during the session.
    country = SelectField(_l("Country for help lines"), validators=[Optional()], description=_l("Learners' pages show this country's emergency numbers and help lines. We remember it for your next session."))
    with_survey = BooleanField(_l("Ask the attitude survey before and after"), default=True)
    names = RadioField(
        # i18n: whether learners stay anonymous or pick a made-up name the teacher sees.
        _l("Names"),
        choices=[SelectChoice("anonymous", _l("Anonymous: no names at all")), SelectChoice("pseudonyms", _l("Pseudonyms: learners pick a made-up name that I can see"))],
        default="anonymous",
    )

    def validate(self, extra_validators=None):
        """A self-paced session needs a closing date, today or later, within a year.

        Checked here rather than in ``validate_open_until``: the ``Optional`` validator (right for live
        sessions) stops a field's own validators when the date is empty.
        """
        valid = super().validate(extra_validators)
        if self.mode.data == "self" and not self.open_until.errors:
            if self.open_until.data is None:
                self.open_until.errors.append(_l("Choose the last day learners can work on it."))
                return False
            if not date.today() <= self.open_until.data <= date.today() + timedelta(days=365):
                self.open_until.errors.append(_l("Choose a date between today and one year from now."))
                return False
        return valid


class JoinCodeForm(TextForm):
    """A learner types the code on the board."""

    code = StringField(_l("Session code"), validators=[DataRequired(_l("Type the code your teacher shows.")), Length(max=20)])


class JoinForm(TextForm):
    """A learner chooses their language (and a pseudonym if the session shows them)."""

    language = SelectField(_l("Your language"))
    pseudonym = StringField(_l("The name your teacher will see (not your real name)"), validators=[Length(max=60)])


class ControlForm(TextForm):
    """A teacher's pacing button; ``version`` is what their screen showed."""

    action = HiddenField()
    version = HiddenField()


class ActionForm(TextForm):
    """A button that changes something (delete, lock, remove, a new link): only its CSRF token."""
