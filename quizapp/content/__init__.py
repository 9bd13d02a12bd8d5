"""The course library: the one parser of ``courses/`` and everything built on it.

The app, the Babel extractor and ``flask courses check`` all go through :func:`load_library`, so what
the check accepts is exactly what the app serves and what translators see.
"""

from .errors import ContentError
from .models import Course, HelpLine, Lesson, Library, Source
from .parser import load_library

__all__ = [
    "ContentError",
    "Course",
    "HelpLine",
    "Lesson",
    "Library",
    "Source",
    "load_library",
]
