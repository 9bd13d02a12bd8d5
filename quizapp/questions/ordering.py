"""Put items in order."""

from itertools import combinations

from ..content.schema import Field
from .base import EXPLAINED_FIELDS, QuestionType, option_records

MIN_ITEMS = 3


class Ordering(QuestionType):
    """Items listed in the right order in the file, shown shuffled.

    Score = share of pairs of items in the right relative order (Kendall's tau rescaled to 0-1): the right
    order scores 1, the reverse 0, one swap of neighbours loses one pair.
    """

    name = "ordering"
    shuffled = True
    fields = [Field("prompt", "text"), Field("items", "records")] + EXPLAINED_FIELDS

    def parse_options(self, raw, values, text, errors):
        items = option_records(raw, "items", values, text, errors, [], "item")
        if items is not None and len(items) < MIN_ITEMS and len(values["items"]) < MIN_ITEMS:
            errors.add(raw.line_of("items"), f"ordering question '{values['id']}' needs at least {MIN_ITEMS} items, found {len(values['items'])}")
        return items

    def display_order(self, question, rng):
        """Shuffled, but never already in the right order: that would give the answer away."""
        order = super().display_order(question, rng)
        return order[1:] + order[:1] if order == list(question.options) else order

    def tampered(self, question, values):
        ids = {option.id for option in question.options}
        return len(values) != len(ids) or any(value not in ids for value in values)

    def answer(self, data):
        return list(data)

    def score(self, question, answer):
        position = {item_id: index for index, item_id in enumerate(answer or [])}
        right = [option.id for option in question.options]
        if sorted(position) != sorted(right):
            return 0.0
        pairs = list(combinations(right, 2))
        in_order = sum(position[first] < position[second] for first, second in pairs)
        return in_order / len(pairs)

    def right_answer(self, question):
        return list(question.options)

    def describe(self, question):
        return f"ordering, {len(question.options)} items"
