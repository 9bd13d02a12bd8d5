"""Babel extractor for course files (``[courses: courses/**.yml]`` in ``babel.cfg``).

It runs the same parser as the app and yields the translation units whose text lives in the file Babel
hands over, each with its ``msgctxt`` (course, lesson) and a translator comment naming the item.

Babel calls the extractor once per file, and every file of a course needs the whole course parsed (a
lesson's context and line numbers come from the course). So a course is parsed once per extraction run:
the parse is kept for as long as no file in its folder changes.
"""

import os
from pathlib import Path

from .bibliography import BIBLIOGRAPHY_FILE, bibliography_beside
from .help import HELP_FILE, parse_help
from .parser import COURSE_FILE, GLOSSARY_FILE, SURVEYS_FOLDER, lesson_id_of, parse_course, parse_survey


class CourseFileError(ValueError):
    """A course file did not parse: extraction must not silently drop its strings."""


def extract_courses(fileobj, keywords, comment_tags, options):
    """Yield ``(lineno, "pgettext", (context, message), [comment])`` for one course file."""
    path = Path(fileobj.name).resolve()
    for text in texts_in_file(path):
        yield text.line, "pgettext", (text.context, text.source), [f"i18n: {text.comment}"]


def texts_in_file(path: Path):
    """The translation units defined in ``path`` (a course, lesson, notes, survey or help file)."""
    if path.name == HELP_FILE and not (path.parent / COURSE_FILE).exists():
        directory, lines, errors = parse_help(path)
        _raise_on(errors)
        for entry in ([directory] if directory else []) + [entry for entries in lines.values() for entry in entries]:
            yield from entry.texts()
        return
    if path.name == GLOSSARY_FILE and not (path.parent / COURSE_FILE).exists():
        return  # terms to avoid, per language: checked, never translated
    if path.name == BIBLIOGRAPHY_FILE and not (path.parent / COURSE_FILE).exists():
        return  # citations are shown as written, in the work's own language
    if path.parent.name == SURVEYS_FOLDER and not (path.parent / COURSE_FILE).exists():
        # A survey version, under its own msgctxt "surveys/<id>": every version keeps its translations.
        survey, errors = parse_survey(path, bibliography_beside(path.parent))
        _raise_on(errors)
        yield from survey.texts()
        return
    folder = path.parent
    course, errors = parsed_course(folder)
    _raise_on(errors)
    if path.name == COURSE_FILE:
        yield from (course.title, course.summary, course.audience)
        return
    lesson = course.lesson(lesson_id_of(path))
    if lesson is None:
        raise CourseFileError(f"{path}: not part of a lesson listed in {folder / COURSE_FILE}")
    for text in lesson.texts():
        if text.path.resolve() == path:
            yield text


# folder -> (its files' names, sizes and modification times; parse_course's result). A handful of entries:
# one per course folder extracted by this process.
_PARSED: dict[Path, tuple[tuple, tuple]] = {}
_PARSED_MAX = 32


def parsed_course(folder: Path) -> tuple:
    """``parse_course(folder)``, parsed again only when a file in ``folder`` changed since the last call."""
    state = folder_state(folder)
    cached = _PARSED.get(folder)
    if cached is not None and cached[0] == state:
        return cached[1]
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.clear()
    result = parse_course(folder)
    _PARSED[folder] = (state, result)
    return result


def folder_state(folder: Path) -> tuple:
    """Every file in ``folder`` by name, size and modification time: what a course's parse depends on."""
    try:
        with os.scandir(folder) as entries:
            return tuple(sorted((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns) for entry in entries if entry.is_file()))
    except OSError:
        return ()


def _raise_on(errors) -> None:
    if errors:
        raise CourseFileError("course files have errors; run `flask --app quizapp courses check`:\n" + "\n".join(map(str, errors)))
