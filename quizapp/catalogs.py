"""Gettext catalogs for translators, on Babel's Python API: extract, update, compile, check, status.

Two domains: ``messages`` (the UI: Python and templates) and ``courses`` (course content). The templates
(``.pot``) and ``.po`` files are committed; ``.mo`` files are built.
"""

import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

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
}
COMMENT_TAGS = ("i18n:",)
PROJECT = "Kizuna"

PLACEHOLDER = re.compile(r"%\([a-zA-Z_]\w*\)[sdif]|%[sdif]|\{[a-zA-Z_]\w*\}")
MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*|\[@[^\]]*\]|\]\(")


@dataclass(frozen=True)
class Problem:
    """One problem in a catalog: ``file:line: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Coverage:
    """Translation coverage of one catalog."""

    language: str
    domain: str
    total: int
    translated: int
    fuzzy: int

    @property
    def untranslated(self) -> int:
        """Entries with no usable translation (fuzzy ones included: they are not shown)."""
        return self.total - self.translated

    @property
    def percent(self) -> float:
        """Share of entries translated, 0-100."""
        return 100.0 * self.translated / self.total if self.total else 100.0


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

    def update(self, domains=DOMAINS) -> list[Path]:
        """Merge the templates into every language's ``.po`` (creating missing ones), for ``domains``."""
        written = []
        for domain in domains:
            template = self._read(self.template_path(domain))
            for tag in self.languages:
                path = self.po_path(tag, domain)
                if path.exists():
                    catalog = self._read(path, locale=tag)
                else:
                    catalog = _new_catalog(domain, locale=Locale.parse(tag, sep="-"))
                catalog.update(template, update_creation_date=False)
                path.parent.mkdir(parents=True, exist_ok=True)
                _write_po(path, catalog, ignore_obsolete=True)
                written.append(path)
        return written

    # -- compile ---------------------------------------------------------------------------------------

    def compile(self) -> list[Path]:
        """Write a ``.mo`` beside every ``.po`` (fuzzy entries left out: they are not current)."""
        written = []
        for domain in DOMAINS:
            for tag in self.languages:
                path = self.po_path(tag, domain)
                if not path.exists():
                    continue
                catalog = self._read(path, locale=tag)
                with open(path.with_suffix(".mo"), "wb") as fileobj:
                    write_mo(fileobj, catalog, use_fuzzy=False)
                written.append(path.with_suffix(".mo"))
        return written

    # -- check -----------------------------------------------------------------------------------------

    def check(self) -> list[Problem]:
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
            for tag in self.languages:
                problems.extend(self.check_catalog(tag, domain, template))
        return problems

    def check_catalog(self, tag: str, domain: str, template: Catalog) -> list[Problem]:
        """Problems in one language's catalog, measured against the template."""
        path = self.po_path(tag, domain)
        try:
            catalog = self._read(path, locale=tag)
        except FileNotFoundError:
            return [Problem(path, 0, f"missing catalog for shipped language '{tag}': run `flask --app quizapp translate update`")]
        except Exception as exc:  # noqa: BLE001 - any parse failure means the catalog is unreadable
            return [Problem(path, 0, f"unreadable catalog: {exc}")]
        problems = []
        expected_plurals = get_plural(catalog.locale).num_plurals
        if catalog.num_plurals != expected_plurals:
            problems.append(Problem(path, 1, f"Plural-Forms header declares {catalog.num_plurals} forms; {tag} has {expected_plurals} in CLDR"))
        for message in template:
            if not message.id:
                continue
            translated = catalog.get(message.id, message.context)
            label = _label(message)
            if translated is None:
                problems.append(Problem(path, 0, f"{label}: missing (run `translate update`)"))
                continue
            issues = _message_issues(translated, expected_plurals)
            if not issues and domain == "messages":
                issues = _ui_issues(translated)
            if not issues and domain == "courses":
                issues = directive_issues(translated)
            if not issues and self.glossary is not None:
                issues = self._term_issues(tag, translated)
            problems.extend(Problem(path, translated.lineno or 0, f"{label}: {issue}") for issue in issues)
        return problems

    def _term_issues(self, tag: str, message) -> list[str]:
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        allowed = self.allowed.get(message.context, ())
        return [describe_term(rule, "the translation") for string in strings for rule in self.glossary.find(string, tag, allowed)]

    # -- status ----------------------------------------------------------------------------------------

    def status(self) -> list[Coverage]:
        """Coverage per language and domain, against the templates."""
        rows = []
        for domain in DOMAINS:
            template = self._read(self.template_path(domain))
            ids = [(m.id, m.context) for m in template if m.id]
            for tag in self.languages:
                path = self.po_path(tag, domain)
                catalog = self._read(path, locale=tag) if path.exists() else Catalog(locale=Locale.parse(tag, sep="-"))
                translated = fuzzy = 0
                for msgid, context in ids:
                    message = catalog.get(msgid, context)
                    if message is None:
                        continue
                    if message.fuzzy:
                        fuzzy += 1
                    elif _is_complete(message):
                        translated += 1
                rows.append(Coverage(tag, domain, len(ids), translated, fuzzy))
        return rows

    @staticmethod
    def _read(path: Path, locale: str | None = None) -> Catalog:
        with open(path, "rb") as fileobj:
            return read_po(fileobj, locale=Locale.parse(locale, sep="-") if locale else None, abort_invalid=True)


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


def _label(message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    shown = msgid if len(msgid) <= 60 else msgid[:57] + "..."
    context = f" [{message.context}]" if message.context else ""
    return f"entry{context} {shown!r}"


def _is_complete(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings) and all(strings)


def _message_issues(message, expected_plurals: int) -> list[str]:
    """What is wrong with one translated entry."""
    if message.fuzzy:
        return ["fuzzy (needs review): check the translation and remove the fuzzy flag"]
    if not _is_complete(message):
        return ["untranslated"]
    issues = []
    ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    if isinstance(message.id, (list, tuple)) and len(strings) != expected_plurals:
        issues.append(f"has {len(strings)} plural forms; expected {expected_plurals}")
    source_placeholders = sorted(set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0])))
    source_markup = sorted(MARKUP.findall(ids[0]))
    for string in strings:
        placeholders = sorted(set(PLACEHOLDER.findall(string)))
        if placeholders != source_placeholders:
            issues.append(f"placeholders differ: source has {source_placeholders}, translation has {placeholders}")
        markup = sorted(MARKUP.findall(string))
        if markup != source_markup:
            issues.append(f"markup differs: source has {source_markup}, translation has {markup}")
    return issues


def _ui_issues(message) -> list[str]:
    """An interface translation is text: the app escapes it, and refuses markup it could carry."""
    ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return [problem for string in strings if (problem := ui_translation_problem(ids[0], string))]


def _write_po(path: Path, catalog: Catalog, ignore_obsolete: bool = False) -> None:
    """Write without wrapping and sorted by file, so diffs stay reviewable; skip if only dates changed."""
    buffer = io.BytesIO()
    if path.stem == "courses":
        # Babel re-flags any text with a "%" when it reads a catalog: course text is never %-formatted.
        _drop_format_flags(catalog)
    catalog.revision_date = datetime(2000, 1, 1)
    catalog.creation_date = datetime(2000, 1, 1)
    write_po(buffer, catalog, width=0, sort_by_file=True, ignore_obsolete=ignore_obsolete, include_previous=True)
    data = buffer.getvalue()
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def directive_issues(message) -> list[str]:
    """A content translation must keep every help directive of its source, exactly ({{help:jp-yorisoi}}):
    dropped or changed, the learner would lose the number the lesson points at."""
    from .content.directives import ANY_BRACES

    ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    expected = sorted(ANY_BRACES.findall(ids[0]))
    issues = []
    for string in strings:
        found = sorted(ANY_BRACES.findall(string))
        if found != expected:
            shown = ", ".join("{{" + inner + "}}" for inner in expected) or "none"
            issues.append(f"help directives differ: the source has {shown}; copy them exactly, without translating them")
    return issues
