"""Immutable course content, as parsed from ``courses/``.

Every translatable piece of text is a :class:`Text`: the source string plus the gettext context and the
translator comment it is extracted with, so extraction and runtime look-up cannot drift apart.
"""

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Text:
    """A translation unit: source text, its gettext context, where it comes from."""

    source: str
    context: str
    comment: str
    path: Path
    line: int


@dataclass(frozen=True, slots=True)
class Block:
    """A block of lesson Markdown: a heading, a paragraph or a list of items.

    ``texts`` holds one unit for a heading or paragraph and one per item for a list.
    """

    kind: str  # "heading", "paragraph", "bullet_list", "ordered_list"
    texts: tuple[Text, ...]
    level: int = 0  # heading level


@dataclass(frozen=True, slots=True)
class Source:
    """A reference a lesson cites with ``[@id]``."""

    id: str
    citation: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Option:
    """A choice of a question: an option, a myth/fact choice, an item to order or a Likert label."""

    id: str
    text: Text | None
    feedback: Text | None = None
    correct: bool = False
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    """One quiz question; ``type`` names its class in the question-type registry."""

    id: str
    type: str
    prompt: Text
    options: tuple[Option, ...] = ()
    explanation: Text | None = None
    source: str | None = None
    line: int = 1
    kind: str | None = None  # scored questions: scenario, reasoning or recall (questions.base.KINDS)

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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


# What a survey statement adds up to on the report: knowledge, attitudes, intended behaviour.
SURVEY_SCORES = ("knowledge", "attitude", "behaviour")


@dataclass(frozen=True, slots=True)
class SurveyStatement:
    """A statement asked before and after a classroom session. ``score`` is the score it counts towards
    (None in retired surveys, which had none); ``reverse`` when agreeing is the less informed or more
    stigmatizing answer, so the score counts it the other way round."""

    id: str
    text: Text
    score: str | None = None
    reverse: bool = False


@dataclass(frozen=True, slots=True)
class Survey:
    """A versioned pre/post survey, ``courses/surveys/<id>.yml``: statements on one labelled scale. A file a
    session has used is never edited (sessions find their survey by id); a retired one no course may name."""

    labels: tuple[Text, ...]
    statements: tuple[SurveyStatement, ...]
    path: Path
    id: str = ""
    title: Text | None = None
    adapted_from: Text | None = None  # "adapted from …, not a validated instrument", shown with the scores
    sources: tuple[Source, ...] = ()
    retired: bool = False

    def texts(self):
        """Every translation unit of the survey."""
        yield from (text for text in (self.title, self.adapted_from) if text is not None)
        yield from self.labels
        for statement in self.statements:
            yield statement.text

    def scores(self) -> tuple[str, ...]:
        """The scores its statements count towards, in SURVEY_SCORES order (none for a retired survey)."""
        return tuple(score for score in SURVEY_SCORES if any(statement.score == score for statement in self.statements))


# A class period, unless course.yml says otherwise (``class_minutes``).
CLASS_MINUTES = 45


@dataclass(frozen=True, slots=True)
class Course:
    """A course: its metadata and lessons in teaching order."""

    id: str
    title: Text
    summary: Text
    audience: Text
    minutes: int  # self-study: reading every lesson and taking its quiz
    source_language: str
    lessons: tuple[Lesson, ...]
    path: Path
    survey: Survey | None = None  # the survey new sessions ask (``survey:`` in course.yml); sessions keep theirs
    order: int | None = None  # the library's order; the first course is where a newcomer starts
    icon: str = "book"  # the picture on the course's card: a symbol of static/img/icons.svg
    class_minutes: int = CLASS_MINUTES  # one lesson taught in class: the length its facilitator notes plan for

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


@dataclass(frozen=True, slots=True)
class Contact:
    """One way to reach a help service: what is shown, and the link that dials, texts or opens it."""

    kind: str  # phone, sms, whatsapp, chat, web
    value: str  # as shown ("0120-279-338", "https://…")
    href: str  # tel:, sms: or https: only
    keyword: str | None = None  # for sms: the word to send ("HOME")
    cost: str | None = None  # "free" or "charged"; None when no source says
    services: tuple[str, ...] = ()  # emergency numbers: police, ambulance, fire
    note: Text | None = None  # "then press 5"


@dataclass(frozen=True, slots=True)
class Period:
    """Opening hours on some days of the week: ``days`` are 0 (Monday) to 6, times ``HH:MM`` local."""

    days: tuple[int, ...]
    start: str
    end: str


@dataclass(frozen=True, slots=True)
class Hours:
    """When a service answers: always, or periods in a time zone, with an optional note."""

    always: bool
    periods: tuple[Period, ...] = ()
    time_zone: str | None = None
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a service is for: everyone, or an age range, and whether adults worried about a young person may call."""

    everyone: bool = False
    min_age: int | None = None
    max_age: int | None = None
    carers: bool = False


@dataclass(frozen=True, slots=True)
class HelpLine:
    """One entry of ``help.yml``: a country's emergency numbers, a help line, a text or chat service, or the
    worldwide directory. Hours, cost, languages and audience are data (None: no source says), so the page
    never claims more than the source showed."""

    id: str
    country: str | None  # None for the worldwide directory
    role: str  # emergency, national, youth, text, directory
    name: Text | None
    description: Text | None
    contacts: tuple[Contact, ...]
    source: str
    source_date: str  # YYYY, YYYY-MM, YYYY-MM-DD or "undated"
    hours: Hours | None = None
    languages: tuple[str, ...] = ()
    audience: Audience | None = None
    region: Text | None = None
    checked_on: str | None = None  # only when a person checked the service live
    path: Path | None = None
    line: int = 1

    def texts(self):
        """The translation units of the entry."""
        yield from (text for text in (self.name, self.description, self.region) if text is not None)
        if self.hours and self.hours.note:
            yield self.hours.note
        yield from (contact.note for contact in self.contacts if contact.note is not None)

    @property
    def newest_date(self) -> str | None:
        """The newest date the entry rests on (None when its source is undated and nobody checked it)."""
        dates = [date for date in (self.source_date, self.checked_on) if date and date != "undated"]
        return max(dates) if dates else None


@dataclass(frozen=True, slots=True)
class Library:
    """Everything under ``courses/`` that parsed, plus the errors of what did not."""

    courses: dict[str, Course] = field(default_factory=dict)
    help_directory: HelpLine | None = None
    help_lines: dict[str, tuple[HelpLine, ...]] = field(default_factory=dict)
    errors: tuple = ()
    glossary: object = None
    surveys: dict[str, Survey] = field(default_factory=dict)  # every version, retired ones too, by id

    def texts(self):
        """Every translation unit in the library."""
        for course in self.courses.values():
            yield from course.texts()
        yield from self.help_texts()

    def help_texts(self):
        """The translation units of the help data."""
        for entry in self.help_entries():
            yield from entry.texts()

    def help_entries(self):
        """Every entry of the help data: the directory, then each country's in file order."""
        if self.help_directory:
            yield self.help_directory
        for lines in self.help_lines.values():
            yield from lines

    def help_entry(self, entry_id: str) -> HelpLine | None:
        """The help entry with this id, or None."""
        return next((entry for entry in self.help_entries() if entry.id == entry_id), None)
