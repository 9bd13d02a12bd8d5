"""Help directives: lesson, quiz and notes text points at ``help.yml`` instead of copying a number.

``{{help:jp-yorisoi}}`` stands for one entry, shown from ``help.yml`` in the learner's language;
``{{help:emergency}}``, ``{{help:national}}``, ``{{help:youth}}`` and ``{{help:text}}`` stand for those entries
of the learner's country. A changed number in ``help.yml`` therefore changes every page in every language.
"""

import re

from .errors import ContentError

DIRECTIVE = re.compile(r"\{\{\s*help:([a-z0-9]+(?:-[a-z0-9]+)*)\s*\}\}")
ANY_BRACES = re.compile(r"\{\{(.*?)\}\}")
ROLE_DIRECTIVES = ("emergency", "national", "youth", "text")


def directives_in(text: str) -> list[str]:
    """The directive targets in ``text``, in order (``["emergency", "jp-yorisoi"]``)."""
    return DIRECTIVE.findall(text)


def uses_roles(texts) -> bool:
    """True when any of ``texts`` refers to a help entry by role, so rendering depends on the country."""
    return any(target in ROLE_DIRECTIVES for text in texts for target in directives_in(text.source))


def markdown_texts(lesson):
    """The units of a lesson that are rendered as Markdown: body, notes and quiz (where directives work)."""
    for block in lesson.blocks + lesson.notes:
        yield from block.texts
    if lesson.quiz:
        yield from lesson.quiz.texts()


def directive_errors(course, directory, help_lines) -> list[ContentError]:
    """Directives that point at nothing, are malformed, or sit where they cannot be rendered."""
    ids = {entry.id for lines in help_lines.values() for entry in lines}
    if directory:
        ids.add(directory.id)
    errors = []
    for lesson in course.lessons:
        markdown = {id(text) for text in markdown_texts(lesson)}
        for text in lesson.texts():
            for inner in ANY_BRACES.findall(text.source):
                match = DIRECTIVE.fullmatch("{{" + inner + "}}")
                if match is None:
                    errors.append(ContentError(text.path, text.line, f"'{{{{{inner}}}}}' is not a help directive: write {{{{help:<entry id>}}}} or {{{{help:emergency}}}}, {{{{help:national}}}}, {{{{help:youth}}}}, {{{{help:text}}}}"))
                    continue
                target = match.group(1)
                if id(text) not in markdown:
                    errors.append(ContentError(text.path, text.line, f"'{{{{help:{target}}}}}' can only be used in lesson text, notes and quizzes, not in a title, objective or warning"))
                elif target not in ROLE_DIRECTIVES and target not in ids:
                    errors.append(ContentError(text.path, text.line, f"'{{{{help:{target}}}}}' names no entry of help.yml; use an entry id or one of: {', '.join(ROLE_DIRECTIVES)}"))
    return errors
