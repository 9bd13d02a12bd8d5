"""The registry of widgets: the web side of every question type in ``quizapp.questions``.

Adding a question type: its definition in ``quizapp/questions/`` (registered there), its widget here, the
partials it names under ``quizapp/quizzes/templates/questions/<type>/`` (or the shared list of choices),
and a test. tests/test_question_types.py checks that every definition has a widget and its partials exist.
"""

from ...content.models import Question
from .base import Widget, field_name
from .choice import MultipleSelectWidget, MythOrFactWidget, SingleChoiceWidget
from .opinion import LikertWidget, ReflectionWidget, save_field_name
from .ordering import OrderingWidget

WIDGETS: dict[str, Widget] = {
    widget.name: widget
    for widget in (SingleChoiceWidget(), MultipleSelectWidget(), MythOrFactWidget(), OrderingWidget(), LikertWidget(), ReflectionWidget())
}


def widget_for(question: Question) -> Widget:
    """The widget that shows ``question``."""
    return WIDGETS[question.type]


__all__ = ["WIDGETS", "Widget", "field_name", "save_field_name", "widget_for"]
