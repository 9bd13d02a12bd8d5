"""A Likert scale and a free-text reflection: no right answer, so the teacher shows results, not answers."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length, Optional

from ...questions.opinion import REFLECTION_MAX
from .base import ChoiceWidget, Widget, field_name

SHOW_RESULTS = _l("Show everyone the results")


class LikertWidget(ChoiceWidget):
    name = "likert"
    reveal_label = SHOW_RESULTS
    choices_class = "choices scale"
    live_template = "questions/likert/live.html"


def save_field_name(question) -> str:
    """The consent checkbox of a reflection question."""
    return field_name(question) + "__save"


class ReflectionWidget(Widget):
    """A text box and a consent box: the text is kept only when the learner ticks it."""

    name = "reflection"
    reveal_label = SHOW_RESULTS
    field_template = "questions/reflection/field.html"
    result_template = "questions/reflection/result.html"
    live_template = "questions/reflection/live.html"

    def fields(self, question, prompt, choices):
        return {
            field_name(question): TextAreaField(prompt, validators=[Optional(), Length(max=REFLECTION_MAX, message=_l("Please keep your reflection under %(max)d characters."))]),
            save_field_name(question): BooleanField(_l("Save my reflection with my answers. It stays anonymous and only I can see it.")),
        }

    def field_names(self, question):
        return {field_name(question), save_field_name(question)}

    def tampered(self, question, formdata):
        return super().tampered(question, formdata) or formdata.getlist(save_field_name(question)) not in ([], ["y"])

    def given(self, form, question):
        return self.definition.answer(form[field_name(question)].data), kept_text(form[field_name(question)].data, form[save_field_name(question)].data)

    def given_from_values(self, question, formdata):
        # The text area's data is its first value (None when not sent); the consent box's is whether it was
        # sent ("y", the only value an untampered form has). Over the length, the form says why.
        values = formdata.getlist(field_name(question))
        data = values[0] if values else None
        if data and data.strip() and len(data) > REFLECTION_MAX:
            return None
        return self.definition.answer(data), kept_text(data, bool(formdata.getlist(save_field_name(question))))


def kept_text(data: str | None, keep: bool) -> str | None:
    """The learner's reflection as kept: only with their consent, and only if it says something."""
    return data.strip() if keep and data and data.strip() else None
