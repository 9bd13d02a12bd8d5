"""Gettext catalogs for translators: extract, update, compile, check, status.

Two domains: ``messages`` (the UI: Python and templates) and ``courses`` (course content). The templates
(``.pot``) and ``.po`` files are committed; ``.mo`` files are built.

Extraction, checks and compilation use Babel's Python API. Merging a template into a language's catalog
uses GNU ``msgmerge --previous`` (Debian's ``gettext``): Babel's writer wraps the ``#| msgid`` text of a
fuzzy entry inside its quotes and its reader does not parse ``#|`` (python-babel#206), which left catalogs
that msgfmt, polib and translate-toolkit refuse, exactly when a translator must open them.
"""

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, TranslationError
from babel.messages.checkers import python_format
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from .catalog_checks import (
    directive_differences,
    markdown_issues,
    number_issues,
    placeholder_issues,
    previous_id,
    single_number_forms,
)
from .config import PACKAGE_DIR, checkout_root
from .content.glossary import allowances
from .content.glossary import describe as describe_term
from .i18n import ui_translation_problem

DOMAINS = ("messages", "courses")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
    # Marked without translating, where there is no request (question-type definitions); translated on use.
    "N_": None,
}
COMMENT_TAGS = ("i18n:",)
PROJECT = "Kizuna"
# Course contexts are "<course>/<lesson>", "<course>/<lesson>/notes", "<course>/<lesson>/quiz", "<course>",
# "<course>/survey" and the shared "scale" and "help": a lesson's unit folds in its notes and quiz.
LESSON_PARTS = ("notes", "quiz")
SHARED_UNITS = ("scale", "help")
GETTEXT_HINT = "GNU gettext's {tool} is needed: `apt-get install gettext` (`make translations-update` installs it)"
MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*|\[@[^\]]*\]|\]\(")


class GettextMissing(RuntimeError):
    """A GNU gettext tool the command needs is not installed."""


@dataclass(frozen=True)
class Problem:
    """One problem in a catalog: ``file:line: message``.

    A *gap* (a missing, empty or fuzzy entry) only means the language is not finished; anything else is a
    defect a visitor would see.
    """

    path: Path
    line: int
    message: str
    language: str | None = None
    gap: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Tally:
    """Entries of a template and what one language has of them; ``translated + fuzzy + untranslated ==
    total`` (a fuzzy entry is counted once, as fuzzy: gettext does not show it)."""

    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0

    @property
    def percent(self) -> float:
        """Share of entries translated, 0-100."""
        return 100.0 * self.translated / self.total if self.total else 100.0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.total + other.total, self.translated + other.translated, self.fuzzy + other.fuzzy, self.untranslated + other.untranslated)

    def as_dict(self) -> dict:
        """The counts and the percentage (one decimal), for JSON."""
        return {"total": self.total, "translated": self.translated, "fuzzy": self.fuzzy, "untranslated": self.untranslated, "percent": round(self.percent, 1)}


@dataclass(frozen=True)
class LanguageStatus:
    """How far one language is: per domain, per course unit (lesson, course, survey, scale, help), and the
    problems ``translate check`` reports for it."""

    language: str
    domains: dict[str, Tally]
    units: dict[str, Tally]  # "<course>", "<course>/<lesson>", "<course>/survey" by name; "scale", "help" last
    problems: tuple[Problem, ...] = ()
    state: str | None = None

    @property
    def overall(self) -> Tally:
        """Both domains together."""
        return sum(self.domains.values(), Tally())

    def as_dict(self) -> dict:
        """Plain data for JSON."""
        return {
            "language": self.language,
            "state": self.state,
            "overall": self.overall.as_dict(),
            "domains": {domain: tally.as_dict() for domain, tally in self.domains.items()},
            "units": {unit: tally.as_dict() for unit, tally in self.units.items()},
            "problems": [str(problem) for problem in self.problems],
        }


@dataclass
class _Counter:
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0

    def count(self, message) -> None:
        self.total += 1
        if message is None or not _is_complete(message):
            self.untranslated += 1
        elif message.fuzzy:
            self.fuzzy += 1
        else:
            self.translated += 1

    def tally(self) -> Tally:
        return Tally(self.total, self.translated, self.fuzzy, self.untranslated)


class Catalogs:
    """The project's catalogs: where they live and what languages they are for."""

    def __init__(self, project_root: Path, translations_dir: Path, languages, source_language: str, glossary=None, allowed=None):
        self.root = Path(project_root)
        self.directory = Path(translations_dir)
        self.languages = [tag for tag in languages if tag != source_language]
        self.source_language = source_language
        self.glossary = glossary  # terms to avoid, checked in every translation
        self.allowed = allowed or {}  # gettext context -> term ids a lesson quotes on purpose

    def template_path(self, domain: str) -> Path:
        """``translations/<domain>.pot``."""
        return self.directory / f"{domain}.pot"

    def po_path(self, tag: str, domain: str) -> Path:
        """``translations/<babel id>/LC_MESSAGES/<domain>.po``."""
        return self.directory / str(Locale.parse(tag, sep="-")) / "LC_MESSAGES" / f"{domain}.po"

    # -- extract ---------------------------------------------------------------------------------------

    def extract(self) -> dict[str, Catalog]:
        """Extract both domains from the sources mapped in ``babel.cfg``."""
        with open(self.root / "babel.cfg", encoding="utf-8") as fileobj:
            method_map, options_map = parse_mapping_cfg(fileobj)
        catalogs = {domain: _new_catalog(domain) for domain in DOMAINS}
        for domain in DOMAINS:
            mapping = [(pattern, method) for pattern, method in method_map if _domain_of(pattern) == domain]
            for filename, lineno, message, comments, context in extract_from_dir(
                self.root, mapping, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
            ):
                catalogs[domain].add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
        return catalogs

    def write_templates(self) -> list[Path]:
        """Extract and write both ``.pot`` files."""
        written = []
        for domain, catalog in self.extract().items():
            path = self.template_path(domain)
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_po(path, catalog)
            written.append(path)
        return written

    # -- update ----------------------------------------------------------------------------------------

    def update(self, domains=DOMAINS, languages=None) -> list[Path]:
        """Merge the templates into each language's ``.po`` (default: every language; a missing catalog is
        started from the template), with ``msgmerge --previous``: an entry whose source changed keeps its
        translation, flagged fuzzy, with the old source as ``#| msgid`` for the translator to compare."""
        written = []
        for domain in domains:
            template = self.template_path(domain)
            for tag in languages or self.languages:
                path = self.po_path(tag, domain)
                if not path.exists():
                    path.parent.mkdir(parents=True, exist_ok=True)
                    _write_po(path, _new_catalog(domain, locale=Locale.parse(tag, sep="-")))
                merged = merge(path, template)
                if path.read_bytes() != merged:
                    path.write_bytes(merged)
                written.append(path)
        return written

    # -- compile ---------------------------------------------------------------------------------------

    def compile(self, languages=None) -> list[Path]:
        """Write a ``.mo`` beside every ``.po`` (fuzzy entries left out: they are not current)."""
        written = []
        for domain in DOMAINS:
            for tag in languages or self.languages:
                path = self.po_path(tag, domain)
                if not path.exists():
                    continue
                catalog = self._read(path, locale=tag)
                with open(path.with_suffix(".mo"), "wb") as fileobj:
                    write_mo(fileobj, catalog, use_fuzzy=False)
                written.append(path.with_suffix(".mo"))
        return written

    # -- check -----------------------------------------------------------------------------------------

    def check(self, languages=None) -> list[Problem]:
        """Every problem that would show a visitor a wrong or missing translation."""
        problems: list[Problem] = []
        extracted = self.extract()
        for domain in DOMAINS:
            template_path = self.template_path(domain)
            try:
                template = self._read(template_path)
            except (OSError, ValueError) as exc:
                problems.append(Problem(template_path, 0, f"cannot read the template: {exc}"))
                continue
            stale = _keys(extracted[domain]) ^ _keys(template)
            if stale:
                problems.append(Problem(template_path, 1, f"out of date ({len(stale)} entries differ from the sources): run `flask --app quizapp translate extract` then `update`"))
            for tag in languages or self.languages:
                problems.extend(self.check_catalog(tag, domain, template))
        return problems

    def check_catalog(self, tag: str, domain: str, template: Catalog) -> list[Problem]:
        """Problems in one language's catalog, measured against the template."""
        return self._examine(tag, domain, template)[1]

    def _examine(self, tag: str, domain: str, template: Catalog) -> tuple[Catalog | None, list[Problem]]:
        path = self.po_path(tag, domain)
        try:
            catalog = self._read(path, locale=tag)
        except FileNotFoundError:
            return None, [Problem(path, 0, f"missing catalog for language '{tag}': run `flask --app quizapp translate update`", tag, gap=True)]
        except Exception as exc:  # noqa: BLE001 - any parse failure means the catalog is unreadable
            return None, [Problem(path, 0, f"unreadable catalog: {exc}", tag)]
        problems = [Problem(path, line, message, tag) for line, message in gettext_tool_problems(path)]
        plural = get_plural(catalog.locale)
        if catalog.num_plurals != plural.num_plurals:
            problems.append(Problem(path, 1, f"Plural-Forms header declares {catalog.num_plurals} forms; {tag} has {plural.num_plurals} in CLDR", tag))
        single_forms = single_number_forms(plural.plural_expr, plural.num_plurals)
        for message in template:
            if not message.id:
                continue
            translated = catalog.get(message.id, message.context)
            label = _label(message)
            if translated is None:
                problems.append(Problem(path, 0, f"{label}: missing (run `translate update`)", tag, gap=True))
                continue
            gaps = _gap_issues(translated)
            issues = gaps or self._defects(tag, domain, translated, plural.num_plurals, single_forms)
            problems.extend(Problem(path, translated.lineno or 0, f"{label}: {issue}", tag, gap=bool(gaps)) for issue in issues)
        return catalog, problems

    def _defects(self, tag: str, domain: str, message, num_plurals: int, single_forms) -> list[str]:
        """What is wrong in a translated entry: a visitor would see it."""
        issues = _form_issues(message, num_plurals, single_forms, formatted=domain == "messages")
        if not issues and domain == "messages":
            issues = _ui_issues(message) + _markup_issues(message)
        if not issues and domain == "courses":
            issues = self._content_issues(tag, message)
        if not issues and self.glossary is not None:
            issues = self._term_issues(tag, message)
        return issues + _stale_previous(message)

    def _content_issues(self, tag: str, message) -> list[str]:
        """A lesson's translation keeps its figures, Markdown, links, citation markers and help directives."""
        source = _strings(message.id)[0]
        issues = []
        for string in dict.fromkeys(_strings(message.string)):
            issues += number_issues(source, string, self.source_language, str(Locale.parse(tag, sep="-")))
            issues += markdown_issues(source, string)
            issues += directive_differences(source, string)
        return issues

    def _term_issues(self, tag: str, message) -> list[str]:
        allowed = self.allowed.get(message.context, ())
        return [describe_term(rule, "the translation") for string in _strings(message.string) for rule in self.glossary.find(string, tag, allowed)]

    # -- status ----------------------------------------------------------------------------------------

    def status(self, languages=None, with_problems=True, states=None) -> list[LanguageStatus]:
        """Coverage of every language (default: ``self.languages``) against the ``.pot`` templates: per domain,
        per course unit, and (``with_problems``) what ``translate check`` reports for its catalogs, except
        that the templates are not compared with the sources (that needs an extraction)."""
        templates = {domain: self._read(self.template_path(domain)) for domain in DOMAINS}
        statuses = []
        for tag in languages or self.languages:
            domains, units, problems = {}, {}, []
            for domain, template in templates.items():
                if with_problems:
                    catalog, found = self._examine(tag, domain, template)
                    problems.extend(found)
                else:
                    catalog = self._read_if_readable(tag, domain)
                counters: dict[str, _Counter] = {}
                whole = _Counter()
                for message in template:
                    if not message.id:
                        continue
                    translated = catalog.get(message.id, message.context) if catalog is not None else None
                    whole.count(translated)
                    if domain == "courses":
                        counters.setdefault(unit_of(message.context), _Counter()).count(translated)
                domains[domain] = whole.tally()
                units.update((unit, counters[unit].tally()) for unit in sorted(counters, key=_unit_order))
            statuses.append(LanguageStatus(tag, domains, units, tuple(problems), (states or {}).get(tag)))
        return statuses

    def _read_if_readable(self, tag: str, domain: str) -> Catalog | None:
        """The catalog, or None when it is missing or unreadable (then nothing of it counts)."""
        try:
            return self._read(self.po_path(tag, domain), locale=tag)
        except Exception:  # noqa: BLE001 - counting must not fail where `check` reports the reason
            return None

    @staticmethod
    def _read(path: Path, locale: str | None = None) -> Catalog:
        with open(path, "rb") as fileobj:
            return read_po(fileobj, locale=Locale.parse(locale, sep="-") if locale else None, abort_invalid=True)


def project_catalogs(config, library, languages=None) -> Catalogs:
    """The project's catalogs as ``flask translate …`` sees them: ``TRANSLATIONS_DIR``, ``DEFAULT_LANGUAGE``,
    the library's terms to avoid and ``allow_terms``; ``languages`` defaults to ``config["LANGUAGES"]``."""
    return Catalogs(
        checkout_root() or PACKAGE_DIR,  # extract and check read babel.cfg and the sources of a checkout
        Path(config["TRANSLATIONS_DIR"]),
        languages if languages is not None else config["LANGUAGES"],
        config["DEFAULT_LANGUAGE"],
        glossary=library.glossary,
        allowed=allowances(library),
    )


def unit_of(context: str | None) -> str:
    """The course unit an entry belongs to: its lesson for lesson text, notes and quiz; else its context."""
    context = context or ""
    parts = context.split("/")
    if len(parts) == 3 and parts[2] in LESSON_PARTS:
        return "/".join(parts[:2])
    return context


def _unit_order(unit: str) -> tuple:
    """Courses by name, each followed by its lessons and survey; the shared ``scale`` and ``help`` last."""
    return (unit in SHARED_UNITS, SHARED_UNITS.index(unit) if unit in SHARED_UNITS else 0, unit)


# -- GNU gettext -------------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise GettextMissing(GETTEXT_HINT.format(tool=name))
    return path


def merge(po_path: Path, template_path: Path) -> bytes:
    """``po_path`` merged with the template: translations kept, changed sources fuzzy with their previous text
    (``#| msgid``, one line per string), entries gone from the template dropped, in the template's order."""
    merged = subprocess.run(
        [_tool("msgmerge"), "--quiet", "--previous", "--no-wrap", "--output-file=-", str(po_path), str(template_path)],
        check=True, capture_output=True,
    ).stdout
    # Obsolete entries (#~) would pile up in every language; git keeps the history.
    return subprocess.run([_tool("msgattrib"), "--no-obsolete", "--no-wrap", "-"], input=merged, check=True, capture_output=True).stdout


def gettext_tool_problems(path: Path) -> list[tuple[int, str]]:
    """What GNU ``msgfmt --check`` says of ``path`` (line, message), or nothing where msgfmt is not
    installed: the file must open in the tools translators use, not only in Babel."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    result = subprocess.run([msgfmt, "--check", "--output-file=/dev/null", str(path)], capture_output=True, text=True)
    if result.returncode == 0:
        return []
    problems = []
    for line in result.stderr.splitlines():
        location, _, message = line.partition(": ")
        number = location.rpartition(":")[2]
        if location.startswith(str(path)) and number.isdigit():
            problems.append((int(number), f"msgfmt: {message}"))
        elif "fatal error" not in line and line.strip():
            problems.append((0, f"msgfmt: {line.strip()}"))
    return problems or [(0, "msgfmt refuses the file")]


# -- helpers -----------------------------------------------------------------------------------------------


def _drop_format_flags(catalog: Catalog) -> None:
    """Course text is never %-formatted: a figure such as "5.0% in" must not make msgfmt demand that
    translations keep a "% i" conversion."""
    for message in catalog:
        message.flags.discard("python-format")
        message.flags.discard("no-python-format")


def _new_catalog(domain: str, locale=None) -> Catalog:
    return Catalog(locale=locale, domain=domain, project=PROJECT, version="1", copyright_holder="Kizuna contributors", fuzzy=False)


def _domain_of(pattern: str) -> str:
    return "courses" if pattern.startswith("courses/") else "messages"


def _keys(catalog: Catalog) -> set:
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _label(message) -> str:
    msgid = _strings(message.id)[0]
    shown = msgid if len(msgid) <= 60 else msgid[:57] + "..."
    context = f" [{message.context}]" if message.context else ""
    return f"entry{context} {shown!r}"


def _is_complete(message) -> bool:
    strings = _strings(message.string)
    return bool(strings) and all(strings)


def _gap_issues(message) -> list[str]:
    """An entry not translated yet: empty, or fuzzy (gettext shows the source instead)."""
    if not _is_complete(message):
        return ["untranslated"]
    if message.fuzzy:
        previous = previous_id(message)
        if previous is not None and previous != _strings(message.id)[0]:
            return [f"fuzzy: the source changed (it was {_short(previous)!r}); check the translation against the new source, then clear the flag and the #| lines"]
        return ["fuzzy (needs review): check the translation and remove the fuzzy flag"]
    return []


def _stale_previous(message) -> list[str]:
    """A fuzzy flag cleared without a review leaves the old source beside the entry: the translation may
    still say what the old text said."""
    previous = previous_id(message)
    if previous is None or previous == _strings(message.id)[0]:
        return []
    return [f"the fuzzy flag was cleared but the entry still carries its old source ({_short(previous)!r}): check the translation against the new source, then delete the #| lines"]


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _form_issues(message, expected_plurals: int, single_forms, formatted: bool) -> list[str]:
    """Plural forms and placeholders: Babel's python_format check where the text is %-formatted (the
    interface; course text never is), then ours per form."""
    issues = []
    ids, strings = _strings(message.id), _strings(message.string)
    if isinstance(message.id, (list, tuple)) and len(strings) != expected_plurals:
        issues.append(f"has {len(strings)} plural forms; expected {expected_plurals}")
    try:
        if formatted:
            python_format(None, message)
    except TranslationError as exc:
        issues.append(f"placeholders: {exc}")
    issues += [issue for issue in placeholder_issues(ids, strings, single_forms) if issue not in issues]
    return issues


def _markup_issues(message) -> list[str]:
    """Tags, citation markers and link syntax of an interface string, kept as in the source."""
    source = sorted(MARKUP.findall(_strings(message.id)[0]))
    issues = []
    for string in _strings(message.string):
        markup = sorted(MARKUP.findall(string))
        if markup != source:
            issues.append(f"markup differs: source has {source}, translation has {markup}")
    return issues


def _ui_issues(message) -> list[str]:
    """An interface translation is text: the app escapes it, and refuses markup it could carry."""
    source = _strings(message.id)[0]
    return [problem for string in _strings(message.string) if (problem := ui_translation_problem(source, string))]


def _write_po(path: Path, catalog: Catalog) -> None:
    """Write a template or a new catalog without wrapping, sorted by file, so diffs stay reviewable; skip
    if only dates changed. (Never a catalog with previous text: Babel's writer breaks ``#|`` lines.)"""
    buffer = io.BytesIO()
    if path.stem == "courses":
        # Babel re-flags any text with a "%" when it reads a catalog: course text is never %-formatted.
        _drop_format_flags(catalog)
    catalog.revision_date = datetime(2000, 1, 1)
    catalog.creation_date = datetime(2000, 1, 1)
    write_po(buffer, catalog, width=0, sort_by_file=True, ignore_obsolete=True)
    data = buffer.getvalue()
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)

