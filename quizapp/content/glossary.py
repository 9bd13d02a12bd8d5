"""Terms to avoid (``courses/glossary.yml``): stigmatizing words per language and what to say instead.

`courses check` runs it over course text, `translate check` over translations. A lesson that quotes a
term on purpose lists the term's id in ``allow_terms``; the allowance covers its notes and quiz too.
"""

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import ContentError, ErrorList
from .files import exists, read_source
from .inflections import fold, phrase_regex
from .schema import ID_PATTERN, Field, check_record, is_mapping
from .yamlfile import LineList, load_yaml


@dataclass(frozen=True)
class TermRule:
    """One phrase to avoid in one language."""

    id: str
    language: str
    phrase: str
    instead: str

    @cached_property
    def pattern(self) -> re.Pattern:
        """Compiled when first used (by the checks): the web app parses the glossary but never searches it,
        and compiling every phrase of every language took a tenth of a second of each start."""
        return phrase_pattern(self.phrase, self.language)


@dataclass(frozen=True)
class Glossary:
    """Rules by language (primary subtag: ``pt-BR`` uses ``pt``)."""

    rules: dict

    def find(self, text: str, language: str, allowed=()) -> list[TermRule]:
        """The rules ``text`` breaks, other than those ``allowed`` (term ids), in any form the language
        builds from a phrase (see ``inflections``): the first of each term's phrases that matches."""
        key = language if language in self.rules else language.split("-")[0]
        folded = fold(text, key)
        found: dict[str, TermRule] = {}
        for rule in self.rules.get(key, ()):
            if rule.id not in allowed and rule.id not in found and rule.pattern.search(folded):
                found[rule.id] = rule
        return list(found.values())


def phrase_pattern(phrase: str, language: str = "") -> re.Pattern:
    """The phrase and its inflected forms in ``language``, matched in text folded by ``fold``: whole words
    where the phrase begins or ends with a word character of a spaced script."""
    folded = fold(phrase, language)
    start = r"\b" if re.match(r"[^\W\u3000-\u9fff\uac00-\ud7af]", folded) else ""
    end = r"\b" if re.search(r"[^\W\u3000-\u9fff\uac00-\ud7af]$", folded) else ""
    return re.compile(start + phrase_regex(folded, language) + end, re.IGNORECASE)


def parse_glossary(path: Path) -> tuple[Glossary, list[ContentError]]:
    """Parse the glossary; a missing file is an empty glossary."""
    errors = ErrorList(path)
    if not exists(path):
        return Glossary({}), []
    data = load_yaml(read_source(path, errors), errors)
    values = check_record(data, [Field("terms", "records")], "the glossary", errors, 1) if data is not None else None
    rules: dict[str, list[TermRule]] = {}
    seen = set()
    for index, entry in enumerate((values or {}).get("terms", LineList())):
        line = values["terms"].line_of(index)
        if not is_mapping(entry, ["id", "then one per language (en, ja, …)"], f"glossary term {index + 1}", errors, line):
            continue
        if not (isinstance(entry.get("id"), str) and ID_PATTERN.match(entry["id"])):
            errors.add(entry.line_of("id"), "each glossary term needs an 'id' (lower-case letters, digits and hyphens)")
            continue
        term_id = entry["id"]
        if term_id in seen:
            errors.add(entry.line_of("id"), f"duplicate glossary term '{term_id}'")
            continue
        seen.add(term_id)
        for language, spec in entry.items():
            if language == "id":
                continue
            if not isinstance(language, str):
                errors.add(entry.line_of(language), f"term '{term_id}': '{language}' is not a language tag such as en or ja")
                continue
            record = check_record(spec, [Field("avoid", "records_or_empty"), Field("instead", "text")], f"term '{term_id}' in '{language}'", errors, entry.line_of(language))
            if not record or len(record) < 2:
                continue
            for phrase in record["avoid"]:
                if not isinstance(phrase, str) or not phrase.strip():
                    errors.add(spec.line_of("avoid"), f"term '{term_id}' in '{language}': every entry of 'avoid' must be text")
                    continue
                rules.setdefault(language, []).append(TermRule(term_id, language, phrase.strip(), record["instead"]))
    return Glossary({language: tuple(found) for language, found in rules.items()}), list(errors)


def allowances(library) -> dict[str, frozenset]:
    """Allowed term ids by gettext context: a lesson's ``allow_terms`` cover its notes and quiz."""
    allowed = {}
    for course in library.courses.values():
        for lesson in course.lessons:
            for suffix in ("", "/notes", "/quiz"):
                allowed[f"{course.id}/{lesson.id}{suffix}"] = frozenset(lesson.allow_terms)
    return allowed


def describe(rule: TermRule, found_in: str) -> str:
    """The message for one broken rule."""
    return f"'{rule.phrase}' ({rule.language}) in {found_in} is a term to avoid; say \"{rule.instead}\" instead, or list '{rule.id}' under allow_terms if the lesson quotes it on purpose"


def term_errors(library) -> list[ContentError]:
    """Every avoided term in the library's source text (course files are in their source language)."""
    allowed = allowances(library)
    errors = []
    for course in library.courses.values():
        for text in course.texts():
            for rule in library.glossary.find(text.source, course.source_language, allowed.get(text.context, ())):
                errors.append(ContentError(text.path, text.line, describe(rule, "the text")))
    for text in library.help_texts():
        for rule in library.glossary.find(text.source, "en"):
            errors.append(ContentError(text.path, text.line, describe(rule, "the text")))
    return errors
