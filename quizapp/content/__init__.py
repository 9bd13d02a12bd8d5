"""The course library: the one parser of ``courses/`` and everything built on it.

The app, the Babel extractor and ``flask courses check`` all go through :func:`load_library`, so what
the check accepts is exactly what the app serves and what translators see.

Import direction: ``content.models`` and ``content.schema`` are leaves; the question-type definitions
(``quizapp.questions``) build on them; the parser builds on both. So this package imports the parser only
when ``load_library`` is first asked for: importing ``quizapp.questions`` (which imports
``content.models``, and so runs this file) must not import the parser that imports the questions.
"""

from .errors import ContentError
from .models import Course, HelpLine, Lesson, Library, Source

__all__ = [
    "ContentError",
    "Course",
    "HelpLine",
    "Lesson",
    "Library",
    "Source",
    "load_library",
]


def __getattr__(name: str):
    """``from quizapp.content import load_library`` (PEP 562), without importing the parser up front."""
    if name == "load_library":
        from .parser import load_library

        return load_library
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
