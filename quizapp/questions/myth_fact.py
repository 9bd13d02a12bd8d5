"""True/false, presented as "myth or fact"."""

from ..content.models import Option
from ..content.schema import Field, check_record
from .base import EXPLAINED_FIELDS, N_, QuestionType

CHOICES = ("myth", "fact")
# The two choices have no text in the quiz file: every myth/fact question shares these two UI strings.
LABELS = {"myth": N_("Myth"), "fact": N_("Fact")}


class MythOrFact(QuestionType):
    """A statement the learner marks as a myth or a fact; feedback for each choice."""

    name = "myth_fact"
    counts_choices = True
    prompt_key = "statement"
    fields = [Field("statement", "text"), Field("answer", "text"), Field("feedback", "mapping")] + EXPLAINED_FIELDS

    def parse_options(self, raw, values, text, errors):
        if values["answer"] not in CHOICES:
            errors.add(raw.line_of("answer"), f"'answer' of question '{values['id']}' must be myth or fact, found '{values['answer']}'")
            return None
        feedback = values["feedback"]
        record = check_record(feedback, [Field("myth", "text"), Field("fact", "text")], f"'feedback' of question '{values['id']}'", errors, raw.line_of("feedback"))
        if not record or len(record) < 2:
            return None
        return [
            Option(
                id=choice,
                text=None,
                feedback=text("feedback", f"feedback when the learner says {choice}", record[choice], feedback.line_of(choice)),
                correct=values["answer"] == choice,
            )
            for choice in CHOICES
        ]

    def score(self, question, answer):
        option = question.option(answer) if isinstance(answer, str) else None
        return 1.0 if option is not None and option.correct else 0.0

    def describe(self, question):
        return f"myth or fact, answer: {self.right_answer(question)[0].id}"
