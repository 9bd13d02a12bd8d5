"""What every form shares: it reads text from an HTML form, and numbers only when they are plain digits."""

from flask import request
from flask_wtf import FlaskForm

# The largest integer SQLite (and PostgreSQL's bigint) can compare with; beyond it SQLite raises OverflowError.
MAX_SQL_INTEGER = 2**63 - 1


class TextForm(FlaskForm):
    """A form that reads only the text fields of the submitted body.

    Flask-WTF also hands the fields uploaded files and a JSON body, so a file part or a JSON value where a
    field expects text reached validators and views as a FileStorage, a list or a dict (a 500). No form here
    takes files or JSON: such a body counts as an empty form.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if hasattr(formdata, "getlist"):  # form data given explicitly
                return formdata
            return (request.form or None) if form.is_submitted() else None


def form_integer(value) -> int | None:
    """``value`` as a non-negative integer if it is ASCII digits a database can compare with, else None.

    ``str.isdigit()`` alone is not enough: it accepts "²" (which ``int()`` refuses) and "٣" (which ``int()``
    reads as 3), and a number of 20 digits overflows SQLite.
    """
    if isinstance(value, str) and 0 < len(value) <= 19 and value.isascii() and value.isdigit() and int(value) <= MAX_SQL_INTEGER:
        return int(value)
    return None
