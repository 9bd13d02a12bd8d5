"""Put items in order: one drop-down per position, which works without JavaScript."""

from flask_babel import lazy_gettext as _l
from wtforms import Field as FormField
from wtforms.validators import ValidationError

from .base import Widget


class OrderingField(FormField):
    """One ``<select>`` per position, all with the same name: the submitted list is the order.

    Works without JavaScript; a position chosen twice is a mistake to correct, not tampering.
    """

    def __init__(self, label=None, items=(), **kwargs):
        super().__init__(label, **kwargs)
        self.items = list(items)  # (id, label) in the initial (shuffled) order

    def process_formdata(self, valuelist):
        self.data = list(valuelist)

    def process_data(self, value):
        self.data = list(value) if value else [item_id for item_id, _label in self.items]

    def pre_validate(self, form):
        if sorted(self.data) != sorted(item_id for item_id, _label in self.items):
            raise ValidationError(_l("Use each step once: every position needs a different step."))


class OrderingWidget(Widget):
    name = "ordering"
    hint = _l("Choose which step comes at each position.")
    field_template = "questions/ordering/field.html"
    result_template = "questions/ordering/result.html"
    live_template = "questions/ordering/live.html"

    def field(self, question, prompt, choices):
        return OrderingField(prompt, items=choices)

    def answer_from_values(self, question, values):
        # Untampered, the values are item ids, one per position: the field's data when each item has one.
        return (self.definition.answer(values),) if sorted(values) == sorted(option.id for option in question.options) else None

    def apply_order(self, field, order):
        """The items in this attempt's order, and the selects preset to it unless the learner sent theirs."""
        position = {item_id: index for index, item_id in enumerate(order)}
        field.items = sorted(field.items, key=lambda item: position.get(item[0], len(position)))
        if not field.raw_data:
            field.data = [item_id for item_id, _label in field.items]
