"""Single choice, multiple select and myth or fact: lists of choices."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from ...questions.myth_fact import CHOICES, LABELS
from .base import AtLeastOne, ChoiceWidget, Widget, required


class SingleChoiceWidget(ChoiceWidget):
    name = "single"


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple select (WTForms' documented recipe)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MultipleSelectWidget(Widget):
    name = "multiple"
    input_type = "checkbox"
    hint = _l("Choose all that apply.")

    def field(self, question, prompt, choices):
        return MultiCheckboxField(prompt, choices=[SelectChoice(value, label) for value, label in choices], validators=[AtLeastOne(_l("Choose at least one answer."))])

    def answer_from_values(self, question, values):
        # Untampered, the values are distinct option ids, in the order sent (as the field's data keeps them).
        return (self.definition.answer(values),) if values else None


class MythOrFactWidget(ChoiceWidget):
    name = "myth_fact"
    kind_label = _l("Myth or fact?")

    def field(self, question, prompt, choices):
        return RadioField(prompt, choices=[SelectChoice(choice, self.fixed_label(choice)) for choice in CHOICES], validators=[required()])

    def fixed_label(self, option_id):
        return _l(LABELS[option_id]) if option_id in LABELS else None
