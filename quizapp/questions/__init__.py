"""The registry of question types: one small class each, behind the interface in ``base``."""

from .base import QuestionType
from .choice import MultipleSelect, SingleChoice
from .myth_fact import MythOrFact
from .opinion import Likert, Reflection
from .ordering import Ordering

QUESTION_TYPES: dict[str, QuestionType] = {
    question_type.name: question_type
    for question_type in (SingleChoice(), MultipleSelect(), MythOrFact(), Ordering(), Likert(), Reflection())
}


def question_type(name: str) -> QuestionType:
    """The type registered under ``name``."""
    return QUESTION_TYPES[name]


__all__ = ["QUESTION_TYPES", "QuestionType", "question_type"]
