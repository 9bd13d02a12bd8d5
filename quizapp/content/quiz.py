"""Parsing ``<lesson>.quiz.yml``: the quiz's own keys here, each question by its registered type."""

from pathlib import Path

from ..questions import QUESTION_TYPES
from .files import read_source
from .models import Quiz
from .schema import Field, check_record, describe, is_mapping
from .yamlfile import load_yaml

QUIZ_SUFFIX = ".quiz.yml"
QUIZ_FIELDS = [Field("feedback", "text"), Field("questions", "records")]
FEEDBACK_MODES = ("end", "immediate")


def parse_quiz(path: Path, ctx: str, sources: set, errors) -> Quiz | None:
    """Parse one quiz file; report every problem to ``errors`` (an ErrorList for ``path``)."""
    data = load_yaml(read_source(path, errors), errors)
    if data is None:
        if not errors:
            errors.add(1, "the quiz file is empty; expected the keys feedback and questions")
        return None
    values = check_record(data, QUIZ_FIELDS, "the quiz file", errors, 1)
    if not values:
        return None
    if "feedback" in values and values["feedback"] not in FEEDBACK_MODES:
        errors.add(data.line_of("feedback"), f"'feedback' must be one of: {', '.join(FEEDBACK_MODES)}; found '{values['feedback']}'")
    questions, seen = [], set()
    items = values.get("questions", [])
    for index, raw in enumerate(items):
        line = items.line_of(index)
        if not is_mapping(raw, ["id", "type"], f"question {index + 1}", errors, line):
            continue
        kind = raw.get("type")
        if not isinstance(kind, str) or kind not in QUESTION_TYPES:
            known = ", ".join(QUESTION_TYPES)
            found = f"'{kind}'" if isinstance(kind, str) else describe(kind) if "type" in raw else "no type"
            errors.add(raw.line_of("type"), f"question {index + 1} has {found}; expected 'type' to be one of: {known}")
            continue
        question = QUESTION_TYPES[kind].parse(raw, ctx + "/quiz", path, errors, sources)
        if question is None:
            continue
        if question.id in seen:
            errors.add(raw.line_of("id"), f"duplicate question id '{question.id}': each question of a quiz needs its own id")
            continue
        seen.add(question.id)
        questions.append(question)
    if errors or len(values) < len(QUIZ_FIELDS):
        return None
    return Quiz(feedback=values["feedback"], questions=tuple(questions), path=path)
