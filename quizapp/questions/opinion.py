"""Questions with no right answer: a Likert opinion scale and a free-text reflection."""

from ..content.models import Option
from ..content.schema import Field
from .base import OPTIONAL_EXPLANATION, QuestionType

MIN_LABELS, MAX_LABELS = 3, 7
REFLECTION_MAX = 2000
SCALE_CONTEXT = "scale"


class Likert(QuestionType):
    """An attitude statement on a labelled scale (stored as 1..n); never scored."""

    name = "likert"
    scored = False
    counts_choices = True
    prompt_key = "statement"
    fields = [Field("statement", "text"), Field("labels", "texts")] + OPTIONAL_EXPLANATION

    def parse_options(self, raw, values, text, errors):
        labels = values["labels"]
        if not MIN_LABELS <= len(labels) <= MAX_LABELS:
            errors.add(raw.line_of("labels"), f"Likert question '{values['id']}' needs {MIN_LABELS} to {MAX_LABELS} labels, found {len(labels)}")
            return None
        return [
            # One shared context: "Agree" is translated once for every scale, not once per lesson.
            Option(id=str(n), text=text("labels", f"scale label {n} of {len(labels)}", label, labels.line_of(n - 1), context=SCALE_CONTEXT))
            for n, label in enumerate(labels, 1)
        ]

    def answer(self, data):
        return int(data)

    def score(self, question, answer):
        return None

    def chosen(self, question, answer):
        return super().chosen(question, None if answer is None else str(answer))

    def average(self, values):
        positions = [value for value in values if isinstance(value, int)]
        return sum(positions) / len(positions) if positions else None

    def describe(self, question):
        return f"opinion, {len(question.options)}-point scale"


class Reflection(QuestionType):
    """A short free-text reflection: not scored, never shown to anyone else, stored only with consent."""

    name = "reflection"
    scored = False
    # The learner's own words, kept apart from the answer and only with their consent (see the widget).
    keeps_text = True
    fields = [Field("prompt", "text")] + OPTIONAL_EXPLANATION

    def tampered(self, question, values):
        return len(values) > 1

    def answer(self, data):
        return None  # the text itself is stored apart, and only with consent

    def score(self, question, answer):
        return None

    def describe(self, question):
        return "reflection, free text"
