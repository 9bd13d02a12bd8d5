"""The course library as the app sees it: parsed once, reloaded on change in debug, errors logged.

Rendered lessons are cached per language: they are pure functions of files that only change on deploy,
so every worker on every server computes the same thing and nothing here is session state. Both caches are
bounded: a lesson's page is kept as bytes by the page cache, so its view is only needed again when that page
is rendered anew, and a worker that has shown every lesson in ten languages need not keep 200 lesson views
(7 MB) for it. A quiz's view is needed to grade and to show results; the form classes and field fragments
made from it (quizzes/) are keyed by its stamp (what it was rendered from), not by the view object, so they
hold no view and a view made again after it was dropped finds them.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from ..caches import LRU
from ..i18n import Language, make_languages
from .directives import markdown_texts, uses_roles
from .models import Course, Lesson, Library
from .parser import load_library
from .render import Localized, Localizer, RenderedBlock

log = logging.getLogger(__name__)

# Views a worker keeps: lessons (35 to 60 KB each) and quizzes (15 to 30 KB; Japanese or Arabic text takes
# twice the bytes of Spanish) for what a few classes use at once. A view is only needed to render a page
# anew: the page cache keeps lesson pages as bytes and the quiz page is built from kept fields and
# skeletons (quizzes/), which are keyed by what a view was made of, so remaking a dropped view (2 ms for a
# quiz) finds them again.
MAX_LESSON_VIEWS = 16
MAX_QUIZ_VIEWS = 32
# The live screens show a lesson by its title alone: a few hundred bytes each, kept for many more lessons and
# languages than whole views, so a worker serving many classes at once does not render whole lessons for them.
MAX_LESSON_TITLES = 512


@dataclass(frozen=True, slots=True)
class LessonView:
    """Everything a lesson page shows, in one language."""

    title: Localized
    objectives: tuple[Localized, ...]
    content_warning: Localized | None
    blocks: tuple[RenderedBlock, ...]
    notes: tuple[RenderedBlock, ...]


@dataclass(frozen=True, slots=True)
class OptionView:
    """An option with its label and feedback in one language."""

    option: object
    text: Localized | None
    feedback: Localized | None


@dataclass(frozen=True, slots=True)
class QuestionView:
    """A quiz question in one language. ``stamp`` says what it was rendered from (course, lesson, language,
    help country and the catalog's id), so a view rendered again from the same files is known as the same
    one: the field fragments and form classes made from it are keyed by the stamp, not by the view object,
    and do not keep views alive. ``catalog`` is that catalog, kept so that its id cannot be reused."""

    question: object
    prompt: Localized
    options: dict
    explanation: Localized | None
    source: object | None
    source_number: int | None
    stamp: tuple
    catalog: object


class QuizView(dict):
    """A quiz's question views by question id, with the ``stamp`` and ``catalog`` they share."""

    __slots__ = ("stamp", "catalog")


_PARSED: dict = {}


def _parsed(root: Path, stamp) -> Library:
    """Parse once per process for the same files: apps built in one process (tests, CLI) share it.

    The library is immutable, so sharing is safe; a changed file changes the stamp.
    """
    key = (str(root), stamp)
    if key not in _PARSED:
        if len(_PARSED) >= 4:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = load_library(root)
    return _PARSED[key]


def _mtime(path: Path) -> float | None:
    """The modification time, or None for what cannot be looked at (a file removed while an editor saves)."""
    try:
        return path.stat().st_mtime
    except OSError:
        return None


class ContentRepository:
    """Access to the parsed library and its localized rendering."""

    def __init__(self, root: Path, catalogs, watch: bool = False):
        self.root = Path(root)
        self.catalogs = catalogs
        self.watch = watch
        self._stamp = None
        self._library = None
        self._lesson_views = LRU(MAX_LESSON_VIEWS)
        self._quiz_views = LRU(MAX_QUIZ_VIEWS)
        self._lesson_titles = LRU(MAX_LESSON_TITLES)
        self._uses_roles: dict = {}  # per lesson: whether it names help entries by role (so by country)
        self._complete: dict = {}  # per course, language and catalog: whether every unit is translated
        # Renders {{help:…}} directives and tells the request's country; set by the help blueprint.
        self.directives = None

    @property
    def library(self) -> Library:
        """The parsed library (parsed again when a file changed and ``watch`` is on)."""
        stamp = self._files_stamp() if self.watch or self._library is None else self._stamp
        if self._library is None or stamp != self._stamp:
            self._library = _parsed(self.root, stamp)
            self._stamp = stamp
            self._lesson_views.clear()
            self._quiz_views.clear()
            self._lesson_titles.clear()
            self._uses_roles.clear()
            self._complete.clear()
            for error in self._library.errors:
                log.error("course file skipped: %s", error)
        return self._library

    def _files_stamp(self):
        """Every file's name and modification time: a change to any of them means parsing again."""
        return tuple(sorted((str(path), _mtime(path)) for path in self.root.rglob("*") if path.is_file()))

    def courses(self) -> list[Course]:
        """Courses in library order."""
        return list(self.library.courses.values())

    def course(self, course_id: str) -> Course | None:
        """One course by id."""
        return self.library.courses.get(course_id)

    def localizer(self, language: Language, source_tag: str = "en", country: str | None = None) -> Localizer:
        """A localizer from ``source_tag`` into ``language``; help directives are shown for ``country``."""
        source = language if language.tag == source_tag else make_languages([source_tag])[source_tag]
        localizer = Localizer(language, self.catalogs, source)
        if self.directives is not None:
            localizer.directives = self.directives.renderer(self.library, localizer, country)
        return localizer

    def country_for(self, lesson: Lesson) -> str | None:
        """The request's country when the lesson names help entries by role ({{help:emergency}}), else None,
        so lessons without such directives stay cached once per language."""
        if self.directives is None:
            return None
        key = (lesson.course_id, lesson.id)
        if key not in self._uses_roles:
            self._uses_roles[key] = uses_roles(markdown_texts(lesson))
        return self.directives.country() if self._uses_roles[key] else None

    def lesson_view(self, course: Course, lesson: Lesson, language: Language) -> LessonView:
        """The lesson rendered in ``language`` (cached; per country too when it names help entries by role)."""
        key = self._lesson_key(course, lesson, language)
        view = self._lesson_views.get(key)
        if view is None:
            localize = self.localizer(language, course.source_language, country=key[3])
            view = LessonView(
                title=localize.text(lesson.title),
                objectives=tuple(localize.text(item) for item in lesson.objectives),
                content_warning=localize.text(lesson.content_warning),
                blocks=localize.blocks(lesson.blocks, lesson.sources),
                notes=localize.blocks(lesson.notes),
            )
            self._lesson_views.put(key, view)
        return view

    def lesson_title(self, course: Course, lesson: Lesson, language: Language):
        """The lesson's title rendered in ``language``, as its view has it (``lesson_view(…).title``), without
        rendering the rest of the lesson: what a learner's page and the projector show of it."""
        key = self._lesson_key(course, lesson, language)
        view = self._lesson_views.get(key)
        if view is not None:
            return view.title
        title = self._lesson_titles.get(key)
        if title is None:
            title = self.localizer(language, course.source_language, country=key[3]).text(lesson.title)
            self._lesson_titles.put(key, title)
        return title

    def _lesson_key(self, course: Course, lesson: Lesson, language: Language) -> tuple:
        """What a lesson rendered in ``language`` depends on, once the library is fresh."""
        self.library  # noqa: B018 - refresh first, so a reload clears stale views
        return (course.id, lesson.id, language.tag, self.country_for(lesson), id(self.catalogs.get(language.babel_id)))

    def quiz_view(self, course: Course, lesson: Lesson, language: Language) -> dict[str, QuestionView]:
        """The lesson's quiz questions rendered in ``language``, by question id (cached)."""
        self.library  # noqa: B018 - refresh first, so a reload clears stale views
        country = self.country_for(lesson)
        catalog = self.catalogs.get(language.babel_id)
        key = (course.id, lesson.id, "quiz", language.tag, country, id(catalog))
        views = self._quiz_views.get(key)
        if views is None:
            localize = self.localizer(language, course.source_language, country)
            numbers = {source.id: number for number, source in enumerate(lesson.sources, 1)}
            sources = {source.id: source for source in lesson.sources}
            views = QuizView(
                (question.id, QuestionView(
                    question=question,
                    prompt=localize.markdown(question.prompt),
                    options={
                        option.id: OptionView(option, option.text and localize.markdown(option.text), option.feedback and localize.markdown(option.feedback))
                        for option in question.options
                    },
                    explanation=question.explanation and localize.markdown(question.explanation),
                    source=sources.get(question.source),
                    source_number=numbers.get(question.source),
                    stamp=key,
                    catalog=catalog,
                ))
                for question in (lesson.quiz.questions if lesson.quiz else ())
            )
            views.stamp, views.catalog = key, catalog
            self._quiz_views.put(key, views)
        return views

    def complete_languages(self, course: Course, languages) -> list[Language]:
        """The shipped languages in which every unit of ``course`` has a current translation."""
        result = []
        for language in languages:
            key = (course.id, "complete", language.tag, id(self.catalogs.get(language.babel_id)))
            if key not in self._complete:
                self._complete[key] = self.localizer(language, course.source_language).is_complete(course.texts())
            if self._complete[key]:
                result.append(language)
        return result
