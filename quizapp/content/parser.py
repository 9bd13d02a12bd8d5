"""The one parser of ``courses/``.

``load_library(root)`` reads every course folder and ``help.yml`` and returns a :class:`Library` of what
parsed, with a list of :class:`ContentError` for what did not. A course with any error is left out as a
whole (the rest of the library still loads), so a broken file never half-shows a lesson.
"""

import os
import re
from pathlib import Path

from markdown_it import MarkdownIt

from .bibliography import BIBLIOGRAPHY_FILE, bibliography_beside, lesson_sources, parse_bibliography
from .directives import directive_errors
from .errors import ContentError, ErrorList
from .files import exists, read_source
from .glossary import Glossary, parse_glossary
from .help import HELP_FILE, parse_help
from .icons import COURSE_ICONS
from .models import CLASS_MINUTES, SURVEY_SCORES, Block, Course, Lesson, Library, Survey, SurveyStatement, Text
from .quiz import QUIZ_SUFFIX, parse_quiz
from .schema import ANY_SOURCE, Field, check_record, check_value
from .yamlfile import LineList, load_yaml

COURSE_FILE = "course.yml"
SURVEY_FILE = "survey.yml"  # where a course kept its survey before surveys were versioned: now an error
SURVEYS_FOLDER = "surveys"  # courses/surveys/<survey id>.yml, shared by courses, one file per version
GLOSSARY_FILE = "glossary.yml"
MIN_SCALE, MAX_SCALE = 3, 7
NOTES_SUFFIX = ".notes.md"
CITATION = re.compile(r"\[@([^\]\s]*)\]")

COURSE_FIELDS = [
    Field("id", "id"),
    Field("title", "text"),
    Field("summary", "text"),
    Field("audience", "text"),
    Field("minutes", "int"),
    Field("source_language", "text"),
    Field("lessons", "records"),
    Field("order", "int", required=False),  # the library lists courses by it; the first is where to start
    Field("icon", "id", required=False),  # one of COURSE_ICONS: the picture on the course's card
    Field("survey", "id", required=False),  # the id of a current survey in courses/surveys/: what new sessions ask
    Field("class_minutes", "int", required=False),  # one lesson taught in class (default 45)
]
LESSON_FIELDS = [
    Field("title", "text"),
    Field("minutes", "int"),
    Field("objectives", "texts"),
    Field("content_warning", "text", required=False),
    Field("sources", "records"),  # ids of courses/sources.yml (bibliography.lesson_sources checks them)
    Field("allow_terms", "texts", required=False),
]
SURVEY_FIELDS = [
    Field("title", "text"),
    Field("adapted_from", "text", required=False),  # the instruments it adapts, "…, not a validated instrument"
    Field("sources", "records", required=False),  # ids of courses/sources.yml: the instruments' papers
    Field("retired", "bool", required=False),  # kept for the sessions that asked it; no course may name it
    Field("labels", "texts"),
    Field("statements", "records"),
]
STATEMENT_FIELDS = [Field("id", "id"), Field("text", "text"), Field("score", "id", required=False), Field("reverse", "bool", required=False)]

# Commonmark without raw HTML: an author's (or translator's) <script> stays text. Output is sanitized too.
_markdown = MarkdownIt("commonmark", {"html": False})


def load_library(root: Path) -> Library:
    """Parse the whole ``courses/`` folder at ``root``; every problem is an error in the result, never an exception."""
    root = Path(root)
    courses, errors = {}, []
    folders, folder_errors = course_folders(root)
    if folder_errors:  # not a folder, or not one we may read: nothing in it to look for
        return Library(errors=tuple(folder_errors), glossary=Glossary({}))
    bibliography, bibliography_errors = parse_bibliography(root / BIBLIOGRAPHY_FILE)
    errors.extend(bibliography_errors)
    surveys, survey_errors = parse_surveys(root / SURVEYS_FOLDER, bibliography)
    errors.extend(survey_errors)
    for folder in folders:
        course, course_errors = parse_course(folder, bibliography, surveys)
        errors.extend(course_errors)
        if course is not None and not course_errors:
            courses[course.id] = course
    directory, help_lines, help_errors = parse_help(root / HELP_FILE)
    errors.extend(help_errors)
    if not help_errors:
        for course_id in list(courses):
            course_errors = directive_errors(courses[course_id], directory, help_lines)
            if course_errors:  # a lesson pointing at no help entry would show nothing where a number belongs
                errors.extend(course_errors)
                del courses[course_id]
    glossary, glossary_errors = parse_glossary(root / GLOSSARY_FILE)
    errors.extend(glossary_errors)
    courses = {course.id: course for course in sorted(courses.values(), key=library_order)}
    return Library(courses=courses, help_directory=directory, help_lines=help_lines, errors=tuple(errors), glossary=glossary, surveys=surveys)


def library_order(course: Course) -> tuple:
    """Courses with an ``order`` first, by it; then the others by id."""
    return (course.order is None, course.order or 0, course.id)


def course_folders(root: Path) -> tuple[list[Path], list[ContentError]]:
    """The course folders in ``root`` (not hidden, not ``_drafts``), or an error when ``root`` cannot be listed."""
    errors = ErrorList(root)
    try:
        names = sorted(os.listdir(root))
    except OSError as exc:
        errors.add(1, f"the courses folder cannot be read: {exc.strerror or exc}")
        return [], list(errors)
    # os.path.isdir, unlike Path.is_dir, never raises (a folder nobody may enter is then reported by its course.yml).
    return [root / name for name in names if not name.startswith((".", "_")) and name != SURVEYS_FOLDER and os.path.isdir(root / name)], []


def parse_course(folder: Path, bibliography: dict | None = None, surveys: dict | None = None) -> tuple[Course | None, list]:
    """Parse one course folder; return the course (None if unusable) and its errors.

    ``bibliography``: the sources by id (by default those of the ``sources.yml`` beside the folder);
    ``surveys``: the surveys by id (by default those of the ``surveys/`` folder beside it)."""
    if bibliography is None:
        bibliography = bibliography_beside(folder)
    if surveys is None:
        surveys = surveys_beside(folder, bibliography)
    path = folder / COURSE_FILE
    errors = ErrorList(path)
    if not exists(path):
        errors.add(1, f"course folder '{folder.name}' has no {COURSE_FILE}")
        return None, errors
    data = load_yaml(read_source(path, errors), errors)
    if not errors and data is None:
        errors.add(1, "the course file is empty; expected the keys id, title, summary, audience, minutes, source_language, lessons")
    values = check_record(data, COURSE_FIELDS, "the course file", errors, 1) if data is not None else None
    if not values:
        return None, errors
    course_id = values.get("id", folder.name)
    if "id" in values and values["id"] != folder.name:
        errors.add(data.line_of("id"), f"course id '{values['id']}' must match its folder name '{folder.name}'")
    if values.get("icon", COURSE_ICONS[0]) not in COURSE_ICONS:
        errors.add(data.line_of("icon"), f"unknown icon '{values['icon']}'; expected one of: {', '.join(COURSE_ICONS)}")
    lesson_ids = _lesson_ids(values.get("lessons", LineList()), errors)
    lessons, lesson_errors = [], []
    for lesson_id in lesson_ids:
        lesson, errors_in_lesson = parse_lesson(folder / f"{lesson_id}.md", course_id, errors, data["lessons"], lesson_ids, bibliography)
        lesson_errors.extend(errors_in_lesson)
        if lesson:
            lessons.append(lesson)
    survey = course_survey(values, data, surveys, errors)
    survey_errors = _old_survey_file(folder)
    all_errors = list(errors) + lesson_errors + survey_errors + _unlisted_lesson_files(folder, lesson_ids)
    if all_errors or any(field.required and field.name not in values for field in COURSE_FIELDS):
        return None, all_errors
    ctx = course_id

    def text(key: str) -> Text:
        return Text(values[key], ctx, f"course {course_id}: {key}", path, data.line_of(key))

    course = Course(
        id=course_id,
        title=text("title"),
        summary=text("summary"),
        audience=text("audience"),
        minutes=values["minutes"],
        source_language=values["source_language"],
        lessons=tuple(lessons),
        path=folder,
        survey=survey,
        order=values.get("order"),
        icon=values.get("icon", COURSE_ICONS[0]),
        class_minutes=values.get("class_minutes", CLASS_MINUTES),
    )
    return course, []


def course_survey(values: dict, data, surveys: dict, errors) -> Survey | None:
    """The survey a course names (``survey: <id>``): a current one of ``courses/surveys/``, else an error."""
    survey_id = values.get("survey")
    if survey_id is None:
        return None
    survey = surveys.get(survey_id)
    if survey is None:
        known = ", ".join(sorted(key for key, found in surveys.items() if not found.retired)) or "none"
        errors.add(data.line_of("survey"), f"survey '{survey_id}' is not in courses/{SURVEYS_FOLDER}/ (or has errors); current surveys: {known}")
    elif survey.retired:
        errors.add(data.line_of("survey"), f"survey '{survey_id}' is retired (kept for the sessions that asked it): name a current survey, or add a new version as a new file")
        return None
    return survey


def _old_survey_file(folder: Path) -> list:
    """A course's own ``survey.yml`` is no longer read: say where it belongs instead of ignoring it."""
    path = folder / SURVEY_FILE
    if not exists(path):
        return []
    errors = ErrorList(path)
    errors.add(1, f"a course's {SURVEY_FILE} is no longer read: move it to courses/{SURVEYS_FOLDER}/<survey id>.yml and name it in {COURSE_FILE} with 'survey: <survey id>'")
    return list(errors)


# surveys folder -> ((its files' names, sizes and times; the bibliography's identity), parse_surveys' result)
_SURVEYS_CACHE: dict[Path, tuple[tuple, tuple]] = {}


def surveys_beside(folder: Path, bibliography: dict) -> dict[str, Survey]:
    """The surveys of the ``surveys/`` folder beside a course folder (their errors are the library's to
    report), read again only when a file there changed."""
    root = Path(folder).parent / SURVEYS_FOLDER
    try:
        with os.scandir(root) as entries:
            state = tuple(sorted((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns) for entry in entries if entry.is_file()))
    except OSError:
        state = None
    key = (state, id(bibliography))
    cached = _SURVEYS_CACHE.get(root)
    if cached is not None and cached[0] == key:
        return cached[1][0]
    result = parse_surveys(root, bibliography)
    _SURVEYS_CACHE[root] = (key, result)
    return result[0]


def parse_surveys(folder: Path, bibliography: dict) -> tuple[dict[str, Survey], list]:
    """Every ``<id>.yml`` of ``courses/surveys/``, by id (the file's name); none when the folder is absent."""
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        errors = ErrorList(folder)
        errors.add(1, f"the surveys folder cannot be read: {exc.strerror or exc}")
        return {}, list(errors)
    surveys, errors = {}, []
    for name in names:
        if name.startswith((".", "_")) or not name.endswith(".yml"):
            continue
        survey, survey_errors = parse_survey(folder / name, bibliography)
        errors.extend(survey_errors)
        if survey is not None:
            surveys[survey.id] = survey
    return surveys, errors


def parse_survey(path: Path, bibliography: dict):
    """Parse one survey version, ``courses/surveys/<id>.yml``: title, what it is adapted from, its sources,
    a labelled scale and statements, each counting towards a score (knowledge, attitude, behaviour)."""
    errors = ErrorList(path)
    survey_id = path.name.removesuffix(".yml")
    context = f"{SURVEYS_FOLDER}/{survey_id}"
    data = load_yaml(read_source(path, errors), errors)
    values = check_record(data, SURVEY_FIELDS, "the survey file", errors, 1) if data is not None else None
    if not values or any(field.required and field.name not in values for field in SURVEY_FIELDS):
        return None, list(errors) or [ContentError(path, 1, "the survey file is empty; expected the keys title, labels and statements")]
    if check_value(survey_id, "id", 1, f"the survey's file name '{path.name}'", errors) is None:
        return None, list(errors)
    sources = lesson_sources(values["sources"], bibliography, errors, data.line_of("sources")) if "sources" in values else []
    labels = values["labels"]
    if not MIN_SCALE <= len(labels) <= MAX_SCALE:
        errors.add(data.line_of("labels"), f"the survey scale needs {MIN_SCALE} to {MAX_SCALE} labels, found {len(labels)}")
    statements = _survey_statements(values["statements"], context, survey_id, path, errors)
    if errors:
        return None, list(errors)

    def text(key: str, label: str) -> Text | None:
        return Text(values[key], context, f"survey {survey_id}: {label}", path, data.line_of(key)) if key in values else None

    survey = Survey(
        labels=tuple(
            Text(label.strip(), "scale", f"survey {survey_id}: scale label {n} of {len(labels)}", path, labels.line_of(n - 1))
            for n, label in enumerate(labels, 1)
        ),
        statements=tuple(statements),
        path=path,
        id=survey_id,
        title=text("title", "title"),
        adapted_from=text("adapted_from", "what its statements are adapted from (shown with the scores)"),
        sources=tuple(sources),
        retired=values.get("retired", False),
    )
    return survey, []


def _survey_statements(items: LineList, context: str, survey_id: str, path: Path, errors) -> list[SurveyStatement]:
    """The statements of a survey: unique ids, a known score, ``reverse`` only with a score."""
    statements, seen = [], set()
    for index, item in enumerate(items):
        record = check_record(item, STATEMENT_FIELDS, "a survey statement", errors, items.line_of(index))
        if not record or "id" not in record or "text" not in record:
            continue
        if record["id"] in seen:
            errors.add(item.line_of("id"), f"duplicate statement id '{record['id']}': each statement needs its own id")
            continue
        seen.add(record["id"])
        score = record.get("score")
        if score is not None and score not in SURVEY_SCORES:
            errors.add(item.line_of("score"), f"unknown score '{score}'; expected one of: {', '.join(SURVEY_SCORES)}")
        if record.get("reverse") and score is None:
            errors.add(item.line_of("reverse"), "'reverse' turns a statement round within its score: give it a 'score' too")
        text = Text(record["text"], context, f"survey {survey_id}: statement {record['id']}", path, item.line_of("text"))
        statements.append(SurveyStatement(record["id"], text, score, record.get("reverse", False)))
    return statements


def _lesson_ids(items: LineList, errors) -> list[str]:
    """Validate the ``lessons`` list: ids, no duplicates."""
    seen, ids = set(), []
    for index, item in enumerate(items):
        line = items.line_of(index)
        lesson_id = check_value(item, "id", line, "each item of 'lessons'", errors)
        if lesson_id is None:
            continue
        if lesson_id in seen:
            errors.add(line, f"duplicate lesson id '{lesson_id}' in 'lessons': each lesson may be listed once")
            continue
        seen.add(lesson_id)
        ids.append(lesson_id)
    return ids


def lesson_id_of(path: Path) -> str:
    """The lesson a lesson, notes or quiz file belongs to."""
    return path.name.removesuffix(NOTES_SUFFIX).removesuffix(QUIZ_SUFFIX).removesuffix(".md")


def _unlisted_lesson_files(folder: Path, lesson_ids: list[str]) -> list:
    """Lesson files nobody listed: almost always a typo in ``lessons``."""
    errors = []
    for path in sorted([*folder.glob("*.md"), *folder.glob("*" + QUIZ_SUFFIX)]):
        lesson_id = lesson_id_of(path)
        if lesson_id not in lesson_ids:
            file_errors = ErrorList(path)
            file_errors.add(1, f"'{path.name}' is not listed under 'lessons' in {COURSE_FILE}; add '{lesson_id}' there or remove the file")
            errors.extend(file_errors)
    return errors


def parse_lesson(path: Path, course_id: str, course_errors, lessons_list: LineList, lesson_ids: list[str], bibliography: dict):
    """Parse ``<lesson>.md`` and its facilitator notes; return the lesson (or None) and errors."""
    lesson_id = path.stem
    errors = ErrorList(path)
    if not exists(path):
        index = lesson_ids.index(lesson_id)
        course_errors.add(_item_line(lessons_list, lesson_id, index), f"lesson '{lesson_id}' is listed but {path.name} does not exist")
        return None, []
    text = read_source(path, errors)
    # An unreadable lesson is reported once; its quiz and notes are still checked below.
    header, body, body_line = split_header(text, errors) if text is not None else (None, "", 1)
    values = None
    data = None
    if header is not None:
        data = load_yaml(header, errors, first_line=2)
        if data is None and not errors:
            errors.add(2, "the metadata header is empty; expected the keys title, minutes, objectives, sources")
        elif data is not None:
            values = check_record(data, LESSON_FIELDS, "the lesson header", errors, 2)
    ctx = f"{course_id}/{lesson_id}"
    sources = lesson_sources(values["sources"], bibliography, errors, data.line_of("sources")) if values and "sources" in values else []
    # With a broken header the sources are unknown: don't report every citation as broken too.
    known = {source.id for source in sources} if values and "sources" in values else ANY_SOURCE
    blocks = parse_markdown(body, body_line, ctx, path, errors, known_sources=known)
    quiz_path = path.with_name(lesson_id + QUIZ_SUFFIX)
    quiz_errors = ErrorList(quiz_path)
    quiz = None
    if exists(quiz_path):
        quiz = parse_quiz(quiz_path, ctx, known, quiz_errors)
    notes_path = path.with_name(lesson_id + NOTES_SUFFIX)
    notes_errors = ErrorList(notes_path)
    notes = ()
    if exists(notes_path):
        notes_text = read_source(notes_path, notes_errors)
        if notes_text is not None:
            notes = parse_markdown(notes_text, 1, ctx + "/notes", notes_path, notes_errors, known_sources=None)
    else:
        errors.add(1, f"facilitator notes are missing: expected a file {notes_path.name} beside the lesson")
    all_errors = list(errors) + list(notes_errors) + list(quiz_errors)
    if all_errors or not values or len(values) < sum(f.required for f in LESSON_FIELDS):
        return None, all_errors

    def unit(key: str, value: str, label: str) -> Text:
        return Text(value, ctx, f"course {course_id}, lesson {lesson_id}: {label}", path, data.line_of(key))

    objectives = values["objectives"]
    lesson = Lesson(
        id=lesson_id,
        course_id=course_id,
        title=unit("title", values["title"], "title"),
        minutes=values["minutes"],
        objectives=tuple(
            Text(item.strip(), ctx, f"course {course_id}, lesson {lesson_id}: learning objective {n}", path, objectives.line_of(n - 1))
            for n, item in enumerate(objectives, 1)
        ),
        content_warning=unit("content_warning", values["content_warning"], "content warning") if "content_warning" in values else None,
        sources=tuple(sources),
        blocks=blocks,
        notes=notes,
        path=path,
        quiz=quiz,
        allow_terms=tuple(values.get("allow_terms", ())),
    )
    return lesson, []


def _item_line(items: LineList, value, index: int) -> int:
    return items.line_of(index) if index < len(items) else items.line


def split_header(text: str, errors) -> tuple[str | None, str, int]:
    """Split a lesson into its YAML header and Markdown body; return (header, body, body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        errors.add(1, "a lesson must start with a metadata header: a line '---', YAML keys, then another '---'")
        return None, text, 1
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    errors.add(1, "the metadata header is not closed: expected a line '---' after the YAML keys")
    return None, "", len(lines)


def parse_markdown(body: str, first_line: int, ctx: str, path: Path, errors, known_sources: set | None) -> tuple[Block, ...]:
    """Split Markdown into translatable blocks: headings, paragraphs, and list items.

    Only what translates cleanly unit by unit is allowed; anything else is reported with its line.
    ``known_sources`` (None to skip the check) are the ids ``[@id]`` markers may cite.
    """
    tokens = _markdown.parse(body)
    blocks: list[Block] = []
    index = 0
    counters = {"heading": 0, "paragraph": 0, "list item": 0}

    def unit(inline, label: str) -> Text:
        counters[label] += 1
        line = first_line + (inline.map[0] if inline.map else 0)
        _check_citations(inline.content, line, errors, known_sources)
        comment = f"{ctx.replace('/', ', ', 1) if '/' in ctx else ctx}: {label} {counters[label]}"
        return Text(inline.content.strip(), ctx, comment, path, line)

    while index < len(tokens):
        token = tokens[index]
        line = first_line + (token.map[0] if token.map else 0)
        if token.type == "heading_open":
            level = int(token.tag[1])
            if level not in (2, 3):
                errors.add(line, f"heading level {level} is not allowed: use '##' or '###' (the lesson title is the page's main heading)")
            blocks.append(Block("heading", (unit(tokens[index + 1], "heading"),), level=level))
            index += 3
        elif token.type == "paragraph_open":
            blocks.append(Block("paragraph", (unit(tokens[index + 1], "paragraph"),)))
            index += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            items, index = _list_items(tokens, index, first_line, errors, unit)
            blocks.append(Block(token.type.removesuffix("_open"), tuple(items)))
        else:
            errors.add(line, f"unsupported Markdown ({_describe_token(token)}): use headings, paragraphs and simple lists")
            index = _skip_block(tokens, index)
    return tuple(blocks)


def _list_items(tokens, index: int, first_line: int, errors, unit):
    """Read one flat list starting at ``tokens[index]``; return its item texts and the next index."""
    close = tokens[index].type.replace("_open", "_close")
    depth, items = 0, []
    index += 1
    while index < len(tokens):
        token = tokens[index]
        if token.type == close and depth == 0:
            return items, index + 1
        if token.type == "list_item_open":
            paragraphs = []
            index += 1
            while tokens[index].type != "list_item_close":
                inner = tokens[index]
                if inner.type == "paragraph_open":
                    paragraphs.append(tokens[index + 1])
                    index += 3
                else:
                    line = first_line + (inner.map[0] if inner.map else 0)
                    errors.add(line, f"unsupported Markdown inside a list item ({_describe_token(inner)}): a list item must be one line of text")
                    index = _skip_block(tokens, index)
            if len(paragraphs) > 1:
                line = first_line + (paragraphs[1].map[0] if paragraphs[1].map else 0)
                errors.add(line, "a list item must be a single paragraph; remove the blank line inside it")
            if paragraphs:
                items.append(unit(paragraphs[0], "list item"))
            index += 1
            continue
        index += 1
    return items, index


def _skip_block(tokens, index: int) -> int:
    """Index after the block that starts at ``tokens[index]`` (matching nesting)."""
    token = tokens[index]
    if token.nesting != 1:
        return index + 1
    depth = 0
    while index < len(tokens):
        depth += tokens[index].nesting
        index += 1
        if depth == 0:
            return index
    return index


def _describe_token(token) -> str:
    names = {
        "blockquote_open": "a block quote",
        "code_block": "an indented code block",
        "fence": "a fenced code block",
        "hr": "a horizontal rule",
        "html_block": "raw HTML",
        "bullet_list_open": "a nested list",
        "ordered_list_open": "a nested list",
    }
    return names.get(token.type, token.type.removesuffix("_open").replace("_", " "))


def _check_citations(content: str, line: int, errors, known_sources: set | None) -> None:
    if known_sources is ANY_SOURCE:
        return
    for match in CITATION.finditer(content):
        source_id = match.group(1)
        if known_sources is None:
            errors.add(line, f"citation '[@{source_id}]' is only allowed in a lesson's text, where its sources are listed")
        elif source_id not in known_sources:
            expected = ", ".join(sorted(known_sources)) or "none declared"
            errors.add(line, f"citation '[@{source_id}]' names no source of this lesson; declared sources: {expected}")

