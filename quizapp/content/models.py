"""Immutable course content, as parsed from ``courses/``.

Every translatable piece of text is a :class:`Text`: the source string plus the gettext context and the
translator comment it is extracted with, so extraction and runtime look-up cannot drift apart.
"""

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Text:
    """A translation unit: source text, its gettext context, where it comes from."""

    source: str
    context: str
    comment: str
    path: Path
    line: int


@dataclass(frozen=True)
class Block:
    """A block of lesson Markdown: a heading, a paragraph or a list of items.

    ``texts`` holds one unit for a heading or paragraph and one per item for a list.
    """

    kind: str  # "heading", "paragraph", "bullet_list", "ordered_list"
    texts: tuple[Text, ...]
    level: int = 0  # heading level


@dataclass(frozen=True)
class Source:
    """A reference a lesson cites with ``[@id]``."""

    id: str
    citation: str
    url: str | None = None


@dataclass(frozen=True)
class Option:
    """A choice of a question: an option, a myth/fact choice, an item to order or a Likert label."""

    id: str
    text: Text | None
    feedback: Text | None = None
    correct: bool = False
    pinned: bool = False


@dataclass(frozen=True)
class Question:
    """One quiz question; ``type`` names its class in the question-type registry."""

    id: str
    type: str
    prompt: Text
    options: tuple[Option, ...] = ()
    explanation: Text | None = None
    source: str | None = None
    line: int = 1

    def option(self, option_id: str) -> Option | None:
        """The option with this id, or None."""
        return next((option for option in self.options if option.id == option_id), None)

    def texts(self):
        """Every translation unit of the question."""
        yield self.prompt
        for option in self.options:
            yield from (text for text in (option.text, option.feedback) if text is not None)
        if self.explanation:
            yield self.explanation


@dataclass(frozen=True)
class Quiz:
    """The quiz after a lesson."""

    feedback: str  # "end" or "immediate"
    questions: tuple[Question, ...]
    path: Path

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return next((question for question in self.questions if question.id == question_id), None)

    def texts(self):
        """Every translation unit of the quiz."""
        for question in self.questions:
            yield from question.texts()


@dataclass(frozen=True)
class Lesson:
    """One lesson: metadata, body blocks, sources and facilitator notes."""

    id: str
    course_id: str
    title: Text
    minutes: int
    objectives: tuple[Text, ...]
    content_warning: Text | None
    sources: tuple[Source, ...]
    blocks: tuple[Block, ...]
    notes: tuple[Block, ...]
    path: Path
    quiz: Quiz | None = None
    allow_terms: tuple[str, ...] = ()

    def texts(self):
        """Every translation unit of the lesson, in file order."""
        yield self.title
        yield from self.objectives
        if self.content_warning:
            yield self.content_warning
        for block in self.blocks + self.notes:
            yield from block.texts
        if self.quiz:
            yield from self.quiz.texts()


@dataclass(frozen=True)
class SurveyStatement:
    """An attitude statement asked before and after a classroom session."""

    id: str
    text: Text


@dataclass(frozen=True)
class Survey:
    """A course's pre/post attitude survey: statements on one labelled scale."""

    labels: tuple[Text, ...]
    statements: tuple[SurveyStatement, ...]
    path: Path

    def texts(self):
        """Every translation unit of the survey."""
        yield from self.labels
        for statement in self.statements:
            yield statement.text


@dataclass(frozen=True)
class Course:
    """A course: its metadata and lessons in teaching order."""

    id: str
    title: Text
    summary: Text
    audience: Text
    minutes: int
    source_language: str
    lessons: tuple[Lesson, ...]
    path: Path
    survey: Survey | None = None

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, or None."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def texts(self):
        """Every translation unit of the course and its lessons."""
        yield self.title
        yield self.summary
        yield self.audience
        for lesson in self.lessons:
            yield from lesson.texts()
        if self.survey:
            yield from self.survey.texts()


@dataclass(frozen=True)
class Contact:
    """One way to reach a help service."""

    kind: str  # phone, sms, chat, web
    value: str


@dataclass(frozen=True)
class HelpResource:
    """A help line or service in one country."""

    id: str
    country: str
    name: Text
    description: Text
    hours: Text
    contacts: tuple[Contact, ...]
    verified_on: str
    source: str


@dataclass(frozen=True)
class HelpDirectory:
    """The worldwide directory shown everywhere, and alone where a country has no entry."""

    name: Text
    description: Text
    url: str
    verified_on: str
    source: str


@dataclass(frozen=True)
class Library:
    """Everything under ``courses/`` that parsed, plus the errors of what did not."""

    courses: dict[str, Course] = field(default_factory=dict)
    help_directory: HelpDirectory | None = None
    help_resources: dict[str, tuple[HelpResource, ...]] = field(default_factory=dict)
    errors: tuple = ()
    glossary: object = None

    def texts(self):
        """Every translation unit in the library."""
        for course in self.courses.values():
            yield from course.texts()
        yield from self.help_texts()

    def help_texts(self):
        """The translation units of the help data."""
        if self.help_directory:
            yield self.help_directory.name
            yield self.help_directory.description
        for resources in self.help_resources.values():
            for resource in resources:
                yield resource.name
                yield resource.description
                yield resource.hours
