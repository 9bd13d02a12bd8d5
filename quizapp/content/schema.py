"""A small declarative checker for the YAML parts of course files.

Each record type (course, lesson header, source, help entry) is a list of :class:`Field`. The checker
reports unknown keys, missing keys and wrong types with the line of the offending key, and returns the
values that passed so the parser can go on and find further errors in the same file.
"""

import datetime
import re
from dataclasses import dataclass

from .yamlfile import LineDict, LineList

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Stands for "the lesson's sources are unknown (its header is broken)": skip citation checks.
ANY_SOURCE = object()
DATE_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
MIN_YEAR, MAX_YEAR = 1900, 3000

KIND_DESCRIPTIONS = {
    "text": "text",
    "id": "an id (lower-case letters, digits and hyphens)",
    "int": "a whole number above zero",
    "texts": "a list of text items",
    "records": "a list of entries",
    "mapping": "a mapping of keys to values",
    "date": "a date written YYYY, YYYY-MM or YYYY-MM-DD",
    "url": "a web address starting with https:// or http://",
    "bool": "true or false",
    "records_or_empty": "a list (possibly empty)",
    "any": "a value",
}


@dataclass(frozen=True)
class Field:
    """One key of a record: its name, its kind and whether it must be there."""

    name: str
    kind: str
    required: bool = True


def describe(value) -> str:
    """A short description of what the author actually wrote, for error messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime.datetime):
        return f"the date and time {value.isoformat(' ')}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "a list holding a mapping (one '-' too many?)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def is_mapping(data, keys, what: str, errors, line: int) -> bool:
    """True when ``data`` is a mapping; otherwise report what was found instead of one with ``keys``.

    Every parser asks this before it looks inside a record, so a list where a mapping belongs (a
    ``- - id:`` with one dash too many) is an error at its line, not a TypeError.
    """
    if isinstance(data, LineDict):
        return True
    errors.add(line, f"{what} must be a mapping with the keys {', '.join(keys)}; found {describe(data)}")
    return False


def check_record(data, fields: list[Field], what: str, errors, line: int) -> dict | None:
    """Check that ``data`` is a mapping with exactly ``fields``; return the valid values.

    Every problem is added to ``errors``; a key whose value is wrong is left out of the result.
    """
    if not is_mapping(data, [field.name for field in fields if field.required] or [field.name for field in fields], what, errors, line):
        return None
    known = {field.name: field for field in fields}
    for key in data:
        if key not in known:
            expected = ", ".join(field.name for field in fields)
            errors.add(data.line_of(key), f"unknown key '{key}' in {what}; expected one of: {expected}")
    values = {}
    for field in fields:
        if field.name not in data:
            if field.required:
                errors.add(line, f"missing key '{field.name}' in {what} (expected {KIND_DESCRIPTIONS[field.kind]})")
            continue
        value = check_value(data[field.name], field.kind, data.line_of(field.name), f"'{field.name}' in {what}", errors)
        if value is not None:  # False is a valid boolean
            values[field.name] = value
    return values


def check_value(value, kind: str, line: int, where: str, errors):
    """Return ``value`` normalised for ``kind``, or add an error and return None."""
    checker = _CHECKERS[kind]
    result = checker(value)
    if result is None:
        errors.add(line, f"{where} must be {KIND_DESCRIPTIONS[kind]}, found {describe(value)}")
    return result


def _text(value):
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _id(value):
    if isinstance(value, str) and ID_PATTERN.match(value):
        return value
    return None


def _int(value):
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _texts(value):
    if isinstance(value, LineList) and value and all(_text(item) for item in value):
        return value
    return None


def _records(value):
    if isinstance(value, LineList) and value:
        return value
    return None


def _mapping(value):
    if isinstance(value, LineDict):
        return value
    return None


def _date(value):
    # YAML reads 2024-09-01 as a date and 2018 as a number; keep all three precisions as text. A text date
    # must be a real one (no month 13, no 31 February): stale-date warnings compute with it.
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value.isoformat() if MIN_YEAR < value.year < MAX_YEAR else None
    if isinstance(value, int) and not isinstance(value, bool) and MIN_YEAR < value < MAX_YEAR:
        return str(value)
    if isinstance(value, str) and DATE_PATTERN.match(value) and _real_date(value):
        return value
    return None


def _real_date(value: str) -> bool:
    parts = [int(part) for part in value.split("-")]
    try:
        datetime.date(parts[0], *(parts[1:] + [1, 1])[:2])
    except ValueError:
        return False
    return MIN_YEAR < parts[0] < MAX_YEAR


def _url(value):
    if isinstance(value, str) and re.match(r"^https?://\S+$", value):
        return value
    return None


def _bool(value):
    if isinstance(value, bool):
        return value
    return None


def _records_or_empty(value):
    return value if isinstance(value, LineList) else None


def _any(value):
    return value


_CHECKERS = {
    "any": _any,
    "bool": _bool,
    "records_or_empty": _records_or_empty,
    "text": _text,
    "id": _id,
    "int": _int,
    "texts": _texts,
    "records": _records,
    "mapping": _mapping,
    "date": _date,
    "url": _url,
}
