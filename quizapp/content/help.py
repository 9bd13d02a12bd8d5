"""Parsing ``courses/help.yml``: emergency numbers, help lines, text and chat services, the worldwide directory.

Everything a page says about a service is data here: hours (or none, when no source confirms them), cost,
languages, audience, region, and the source with the date it showed. Every entry id is unique in the file, so
lessons can point at an entry with ``{{help:<id>}}``.
"""

import calendar
import datetime
import re
import zoneinfo
from pathlib import Path

import phonenumbers
from babel import Locale, UnknownLocaleError

from .errors import ErrorList
from .files import exists, read_source
from .models import Audience, Contact, HelpLine, Hours, Period, Text
from .schema import Field, check_record, check_value, describe
from .yamlfile import LineList, load_yaml

HELP_FILE = "help.yml"
ROLES = ("emergency", "national", "youth", "text")
CONTACT_KINDS = ("phone", "sms", "whatsapp", "chat", "web")
LINK_SCHEMES = ("tel:", "sms:", "https:")
COSTS = ("free", "charged")
SERVICES = ("police", "ambulance", "fire")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
DIALABLE = re.compile(r"^\+?[0-9*#]+$")
UNDATED = "undated"

HELP_FIELDS = [Field("directory", "mapping"), Field("countries", "mapping")]
ENTRY_FIELDS = [
    Field("id", "id"),
    Field("role", "text", required=False),
    Field("name", "text", required=False),
    Field("description", "text", required=False),
    Field("region", "text", required=False),
    Field("contact", "records"),
    Field("hours", "any", required=False),
    Field("cost", "text", required=False),
    Field("languages", "texts", required=False),
    Field("audience", "any", required=False),
    Field("source", "url"),
    Field("source_date", "any"),
    Field("checked_on", "date", required=False),
]
CONTACT_FIELDS = [
    Field("kind", "text"),
    Field("value", "text"),
    Field("dial", "text", required=False),
    Field("keyword", "text", required=False),
    Field("cost", "text", required=False),
    Field("services", "texts", required=False),
    Field("note", "text", required=False),
]
HOURS_FIELDS = [Field("time_zone", "text"), Field("open", "records"), Field("note", "text", required=False)]
PERIOD_FIELDS = [Field("days", "text"), Field("from", "text"), Field("to", "text")]
AUDIENCE_FIELDS = [Field("from", "int", required=False), Field("to", "int", required=False), Field("carers", "bool", required=False)]


def parse_help(path: Path):
    """Parse ``help.yml``; return (directory, lines by country code, errors)."""
    errors = ErrorList(path)
    if not exists(path):
        errors.add(1, f"{HELP_FILE} is missing: the help page needs at least the worldwide directory")
        return None, {}, list(errors)
    data = load_yaml(read_source(path, errors), errors)
    if data is None and not errors:
        errors.add(1, "the help file is empty; expected the keys directory and countries")
    values = check_record(data, HELP_FIELDS, "the help file", errors, 1) if data is not None else None
    if not values:
        return None, {}, list(errors)
    seen: dict[str, int] = {}
    directory = None
    if "directory" in values:
        directory = _entry(values["directory"], None, "directory", path, errors, seen, data.line_of("directory"))
    lines = {}
    for country, entries in values.get("countries", {}).items():
        line = values["countries"].line_of(country)
        if not (isinstance(country, str) and re.match(r"^[A-Z]{2}$", country)):
            errors.add(line, f"country '{country}' must be a two-letter ISO 3166 code in capitals, such as JP")
            continue
        if not isinstance(entries, LineList) or not entries:
            errors.add(line, f"country {country} must have a list of entries, found {describe(entries)}")
            continue
        parsed = [_entry(raw, country, None, path, errors, seen, entries.line_of(index)) for index, raw in enumerate(entries)]
        lines[country] = tuple(entry for entry in parsed if entry is not None)
    if errors:
        return None, {}, list(errors)
    return directory, lines, []


def _entry(raw, country: str | None, fixed_role: str | None, path: Path, errors, seen: dict, line: int) -> HelpLine | None:
    what = "'directory'" if fixed_role == "directory" else f"an entry of {country}"
    values = check_record(raw, ENTRY_FIELDS, what, errors, line)
    if not values or "id" not in values or "contact" not in values or "source" not in values:
        return None  # each missing key is reported: an entry without a source is never shown
    entry_id = values["id"]
    if entry_id in seen:
        errors.add(raw.line_of("id"), f"duplicate help entry id '{entry_id}' (first used on line {seen[entry_id]}): ids are unique across the whole file")
        return None
    seen[entry_id] = raw.line_of("id")
    role = fixed_role or values.get("role")
    if fixed_role == "directory" and "role" in values:
        errors.add(raw.line_of("role"), "the directory has no role")
    if role not in (*ROLES, "directory"):
        errors.add(raw.line_of("role") if "role" in raw else line, f"'role' of {entry_id} must be one of: {', '.join(ROLES)}; found {values.get('role', 'nothing')!r}")
        return None
    if role != "emergency" and "name" not in values:
        errors.add(line, f"missing key 'name' in {entry_id} (only an emergency entry may go without one)")

    def text(key: str) -> Text | None:
        if key not in values:
            return None
        return Text(values[key], "help", f"help page: {entry_id} {key}", path, raw.line_of(key))

    source_date = values.get("source_date")
    if source_date is not None and source_date != UNDATED:
        source_date = check_value(raw["source_date"], "date", raw.line_of("source_date"), f"'source_date' of {entry_id} (or the word {UNDATED})", errors)
    entry_cost = _cost(values.get("cost"), raw, "cost", errors)
    contacts = [_contact(item, entry_id, role, country, entry_cost, path, errors, values["contact"].line_of(n)) for n, item in enumerate(values["contact"])]
    return HelpLine(
        id=entry_id,
        country=country,
        role=role,
        name=text("name"),
        description=text("description"),
        contacts=tuple(contact for contact in contacts if contact is not None),
        source=values["source"],
        source_date=source_date or UNDATED,
        hours=_hours(raw["hours"], entry_id, path, errors, raw.line_of("hours")) if "hours" in raw else None,
        languages=_languages(values.get("languages", ()), raw, entry_id, errors),
        audience=_audience(raw["audience"], entry_id, errors, raw.line_of("audience")) if "audience" in raw else None,
        region=text("region"),
        checked_on=values.get("checked_on"),
        path=path,
        line=line,
    )


def _cost(value, raw, key: str, errors) -> str | None:
    if value is not None and value not in COSTS:
        errors.add(raw.line_of(key), f"'{key}' must be one of: {', '.join(COSTS)} (leave it out when no source says); found {value!r}")
        return None
    return value


def _contact(raw, entry_id: str, role: str, country: str | None, entry_cost: str | None, path: Path, errors, line: int) -> Contact | None:
    values = check_record(raw, CONTACT_FIELDS, f"a contact of {entry_id}", errors, line)
    if not values or "kind" not in values or "value" not in values:
        return None
    kind, value = values["kind"], values["value"]
    if kind not in CONTACT_KINDS:
        errors.add(raw.line_of("kind"), f"contact kind '{kind}' is unknown; expected one of: {', '.join(CONTACT_KINDS)}")
        return None
    href = _href(kind, value, values.get("dial"), country)
    if href is None:
        errors.add(raw.line_of("value"), f"contact '{value}' of {entry_id} cannot be dialled or opened: a phone or text number needs digits (add 'dial' when what you dial differs from what is shown), a WhatsApp number a country, a chat or web address https://")
        return None
    if not href.startswith(LINK_SCHEMES):
        errors.add(raw.line_of("value"), f"contact '{value}' of {entry_id} would link to '{href.split(':')[0]}:'; only tel:, sms: and https: links are allowed")
        return None
    services = tuple(values.get("services", ()))
    unknown = [service for service in services if service not in SERVICES]
    if unknown:
        errors.add(raw.line_of("services"), f"unknown service {unknown[0]!r} in {entry_id}; expected some of: {', '.join(SERVICES)}")
    if role == "emergency" and kind == "phone" and not services:
        errors.add(line, f"emergency number '{value}' of {entry_id} needs 'services' (some of: {', '.join(SERVICES)})")
    if services and role != "emergency":
        errors.add(raw.line_of("services"), f"'services' belong to emergency numbers only, not to {entry_id}")
    note = Text(values["note"], "help", f"help page: {entry_id} note on {value}", path, raw.line_of("note")) if "note" in values else None
    return Contact(
        kind=kind,
        value=value,
        href=href,
        keyword=values.get("keyword"),
        cost=_cost(values.get("cost"), raw, "cost", errors) or entry_cost,
        services=services,
        note=note,
    )


def _href(kind: str, value: str, dial: str | None, country: str | None) -> str | None:
    """The link for a contact: tel:/sms: with the digits to dial, https://wa.me/ for WhatsApp, or the address."""
    if kind in ("chat", "web"):
        return value if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", value) else None
    digits = re.sub(r"[\s().\-\u00a0]", "", dial or value)
    if not DIALABLE.match(digits):
        return None
    if kind == "whatsapp":
        try:
            number = phonenumbers.parse(digits, country)
        except phonenumbers.NumberParseException:
            return None
        return "https://wa.me/" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")
    return ("tel:" if kind == "phone" else "sms:") + digits.replace("#", "%23")


def _hours(raw, entry_id: str, path: Path, errors, line: int) -> Hours | None:
    if raw == "always":
        return Hours(always=True)
    values = check_record(raw, HOURS_FIELDS, f"'hours' of {entry_id} (or the word always)", errors, line)
    if not values or "time_zone" not in values or "open" not in values:
        return None
    try:
        zoneinfo.ZoneInfo(values["time_zone"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file name
        errors.add(raw.line_of("time_zone"), f"unknown time zone {values['time_zone']!r} in {entry_id}; use a tz database name such as Asia/Tokyo")
        return None
    periods = []
    for index, item in enumerate(values["open"]):
        period = check_record(item, PERIOD_FIELDS, f"a period of {entry_id}'s hours", errors, values["open"].line_of(index))
        if not period or len(period) < len(PERIOD_FIELDS):
            continue
        days = parse_days(period["days"])
        if days is None:
            errors.add(item.line_of("days"), f"'days' {period['days']!r} in {entry_id}: write 'every day', a range such as mon-fri, or days such as 'mon, wed'")
            continue
        if not (TIME.match(period["from"]) and TIME.match(period["to"])):
            errors.add(item.line_of("from"), f"hours in {entry_id} must be written HH:MM (24-hour clock, 24:00 for midnight at the end)")
            continue
        periods.append(Period(days, period["from"], period["to"]))
    note = Text(values["note"], "help", f"help page: {entry_id} note on the hours", path, raw.line_of("note")) if "note" in values else None
    return Hours(always=False, periods=tuple(periods), time_zone=values["time_zone"], note=note)


def parse_days(value: str) -> tuple[int, ...] | None:
    """``every day``, ``mon-fri``, ``sun-thu`` or ``mon, wed, thu`` as day numbers (0 = Monday)."""
    value = value.strip().lower()
    if value == "every day":
        return tuple(range(7))
    days = []
    for part in (part.strip() for part in value.split(",")):
        if "-" in part:
            first, _, last = part.partition("-")
            if first not in DAYS or last not in DAYS:
                return None
            start, end = DAYS.index(first), DAYS.index(last)
            days.extend((start + step) % 7 for step in range((end - start) % 7 + 1))
        elif part in DAYS:
            days.append(DAYS.index(part))
        else:
            return None
    return tuple(days)


def _languages(tags, raw, entry_id: str, errors) -> tuple[str, ...]:
    result = []
    for tag in tags:
        try:
            Locale.parse(tag, sep="-")
        except (ValueError, UnknownLocaleError):
            errors.add(raw.line_of("languages"), f"language {tag!r} of {entry_id} is not a language tag CLDR knows (such as ja, en, yue)")
            continue
        result.append(tag)
    return tuple(result)


def _audience(raw, entry_id: str, errors, line: int) -> Audience | None:
    if raw == "everyone":
        return Audience(everyone=True)
    values = check_record(raw, AUDIENCE_FIELDS, f"'audience' of {entry_id} (or the word everyone)", errors, line)
    if values is None:
        return None
    return Audience(min_age=values.get("from"), max_age=values.get("to"), carers=values.get("carers", False))


def period_end(value: str) -> datetime.date:
    """The last day a partial date can mean: 2025 is 2025-12-31, 2025-02 is 2025-02-28."""
    parts = [int(part) for part in value.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return datetime.date(year, month, day)


def stale_warnings(library, today: datetime.date, months: int) -> list[str]:
    """``file:line: warning: …`` for every entry whose newest date is older than ``months``, or undated."""
    limit = today.replace(day=1)
    for _ in range(months):
        limit = (limit - datetime.timedelta(days=1)).replace(day=1)
    limit = limit.replace(day=min(today.day, calendar.monthrange(limit.year, limit.month)[1]))
    warnings = []
    for entry in library.help_entries():
        newest = entry.newest_date
        if newest is None:
            reason = "its source is undated and nobody has checked it live"
        elif period_end(newest) < limit:
            reason = f"its newest date ({newest}) is more than {months} months old"
        else:
            continue
        warnings.append(f"{entry.path}:{entry.line}: warning: help entry '{entry.id}': {reason}; check the service live and add checked_on, or find a newer source")
    return warnings
