"""The web side of a question type: its form fields and the template partials that show it.

A widget pairs with the definition of the same name in ``quizapp.questions`` (which parses, checks and
scores, with no web code). The widget decides how the question is asked (WTForms fields), which submitted
names and values a form of ours can produce, and which partials show it: ``field_template`` inside the
question's fieldset, ``result_template`` for the learner's result and feedback, ``live_template`` for the
class's answers on the teacher's console and the projector.
"""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired, StopValidation

from ...content.models import Question
from ...questions import QUESTION_TYPES
from ...questions.base import QuestionType

CHOICES_PARTIALS = "questions/choices/"


def field_name(question: Question) -> str:
    """The form field (and HTML name) of a question: ids use hyphens, Python names cannot."""
    return "q_" + question.id.replace("-", "_")


class Widget:
    """Base class: subclasses set ``name`` and override the field; the partials default to a list of choices."""

    name = ""
    kind_label = None  # shown before the prompt, e.g. "Myth or fact?"
    hint = None  # shown under the prompt, e.g. "Choose all that apply."
    reveal_label = _l("Reveal the answer")  # the teacher's button that shows the class the answer
    field_template = CHOICES_PARTIALS + "field.html"
    result_template = CHOICES_PARTIALS + "result.html"
    live_template = CHOICES_PARTIALS + "live.html"
    choices_class = "choices"  # the CSS class of the list of choices (scales lay out in a row)
    input_type = "radio"  # how the shared list of choices asks: one ("radio") or several ("checkbox")

    @property
    def definition(self) -> QuestionType:
        """The question type this widget shows."""
        return QUESTION_TYPES[self.name]

    def fields(self, question: Question, prompt, choices) -> dict:
        """The unbound WTForms fields that ask ``question``, by form name; choices are in display order."""
        return {field_name(question): self.field(question, prompt, choices)}

    def field_names(self, question: Question) -> set[str]:
        """The names a form of ours submits for ``question`` (any other name is tampering)."""
        return {field_name(question)}

    def field(self, question: Question, prompt, choices):
        """The question's main field."""
        raise NotImplementedError

    def apply_order(self, field, order: tuple[str, ...]) -> None:
        """Show the bound ``field``'s choices in this attempt's ``order`` (option ids); the form class is
        shared by every attempt (quizzes/service.py), the order is not."""
        if getattr(field, "choices", None):
            position = {option_id: index for index, option_id in enumerate(order)}
            field.choices = sorted(field.choices, key=lambda choice: position.get(choice_value(choice), len(position)))

    def tampered(self, question: Question, formdata) -> bool:
        """True when the submitted values cannot come from our form (the definition knows which are possible)."""
        values = formdata.getlist(field_name(question))
        return bool(values) and self.definition.tampered(question, values)

    def given(self, form, question: Question) -> tuple:
        """(the answer to store, the learner's own text to keep or None) from a validated form."""
        return self.definition.answer(form[field_name(question)].data), None

    def answer_from_values(self, question: Question, values: list[str]):
        """The answer to store from the submitted values of an untampered form, when they need no form to
        judge them (classroom/lanes.py), as a one-item tuple; None when only the form can say (an
        empty answer and its error message, a learner's own text): the request then goes through Flask."""
        return None

    def given_from_values(self, question: Question, formdata) -> tuple | None:
        """What ``given`` makes of a validated form, (the answer, the text to keep or None), made from an
        untampered form's fields without the form (quizzes/lane.py); None when only the form can judge them
        (the request then goes through Flask, which shows the error)."""
        answer = self.answer_from_values(question, formdata.getlist(field_name(question)))
        return None if answer is None else (answer[0], None)

    def fixed_label(self, option_id: str):
        """The label of an option that has no text in the quiz file (myth or fact); None for the others."""
        return None


class ChoiceWidget(Widget):
    """One of several choices, as radio buttons."""

    def field(self, question, prompt, choices):
        return RadioField(prompt, choices=[SelectChoice(value, label) for value, label in choices], validators=[required()])

    def answer_from_values(self, question, values):
        # Untampered, the values are at most one option id; the radio field's data is that id.
        return (self.definition.answer(values[0]),) if len(values) == 1 else None


def choice_value(choice) -> str:
    """The submitted value of a WTForms choice, given as a (value, label) pair or a SelectChoice."""
    return choice[0] if isinstance(choice, tuple) else choice.value


def required(message=None):
    """A required-answer validator with our own translated message."""
    return InputRequired(message=message or _l("Please answer this question."))


class AtLeastOne:
    """At least one box ticked. Unlike InputRequired it sets no ``required`` attribute, which on a
    checkbox would tell browsers that every box must be ticked."""

    field_flags: dict = {}

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise StopValidation(self.message)
