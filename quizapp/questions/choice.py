"""Single choice and multiple select."""

from ..content.schema import Field
from .base import EXPLAINED_FIELDS, QuestionType, option_records

OPTION_EXTRA = [Field("correct", "bool", required=False), Field("pinned", "bool", required=False)]


class SingleChoice(QuestionType):
    """One right answer among several options."""

    name = "single"
    shuffled = True
    counts_choices = True
    fields = [Field("prompt", "text"), Field("options", "records")] + EXPLAINED_FIELDS

    def parse_options(self, raw, values, text, errors):
        return option_records(raw, "options", values, text, errors, OPTION_EXTRA, "option")

    def check(self, question, raw, errors):
        correct = sum(option.correct for option in question.options)
        if len(question.options) < 2:
            errors.add(raw.line_of("options"), f"question '{question.id}' needs at least 2 options")
        if correct != 1:
            errors.add(raw.line_of("options"), f"single-choice question '{question.id}' must have exactly one option with 'correct: true', found {correct}")

    def score(self, question, answer):
        option = question.option(answer) if isinstance(answer, str) else None
        return 1.0 if option is not None and option.correct else 0.0


class MultipleSelect(QuestionType):
    """Several right answers; partial credit.

    Score = (right options chosen − wrong options chosen) ÷ right options, never below 0. Choosing every
    option therefore scores 0 unless every option is right, and choosing nothing scores 0.
    """

    name = "multiple"
    shuffled = True
    counts_choices = True
    fields = SingleChoice.fields

    def parse_options(self, raw, values, text, errors):
        return option_records(raw, "options", values, text, errors, OPTION_EXTRA, "option")

    def check(self, question, raw, errors):
        if len(question.options) < 2:
            errors.add(raw.line_of("options"), f"question '{question.id}' needs at least 2 options")
        if not any(option.correct for option in question.options):
            errors.add(raw.line_of("options"), f"multiple-select question '{question.id}' needs at least one option with 'correct: true'")

    def tampered(self, question, values):
        ids = {option.id for option in question.options}
        return len(values) != len(set(values)) or any(value not in ids for value in values)

    def answer(self, data):
        return list(data or [])

    def score(self, question, answer):
        chosen = set(answer or [])
        right = {option.id for option in question.options if option.correct}
        wrong_chosen = len(chosen - right)
        right_chosen = len(chosen & right)
        return max(0.0, (right_chosen - wrong_chosen) / len(right))
