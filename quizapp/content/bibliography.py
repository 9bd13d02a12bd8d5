"""The one bibliography of every course: ``courses/sources.yml``.

A work is cited under one id with one text everywhere: a lesson lists the ids it uses in its header
(``sources: [id, …]``, shown in that order under the lesson) and cites them in its text by ``[@id]``; its quiz
names one in ``source:``. Two entries for one work (the same address or the same citation) are refused, so
the library cannot drift into two spellings of one report.
"""

import re
from pathlib import Path

from .errors import ContentError, ErrorList
from .files import exists, read_source
from .models import Source
from .schema import Field, check_record, is_mapping
from .yamlfile import LineList, load_yaml

BIBLIOGRAPHY_FILE = "sources.yml"
SOURCE_FIELDS = [Field("id", "id"), Field("citation", "text"), Field("url", "url", required=False)]

# path -> ((size, mtime), result): parse_course reads the bibliography beside its folder once per change.
_CACHE: dict[Path, tuple[tuple, tuple]] = {}


def parse_bibliography(path: Path) -> tuple[dict[str, Source], list[ContentError]]:
    """Parse ``sources.yml``; return the sources by id and the errors. A missing file is no sources."""
    errors = ErrorList(path)
    if not exists(path):
        return {}, []
    data = load_yaml(read_source(path, errors), errors)
    if data is None:
        return {}, list(errors)
    if not isinstance(data, LineList):
        errors.add(1, f"{BIBLIOGRAPHY_FILE} must be a list of sources, each with the keys id, citation and (if it has one) url")
        return {}, list(errors)
    sources: dict[str, Source] = {}
    first_line: dict[str, int] = {}
    seen_work: dict[str, str] = {}
    for index, item in enumerate(data):
        line = data.line_of(index)
        if not is_mapping(item, ["id", "citation", "url"], "a source", errors, line):
            continue
        values = check_record(item, SOURCE_FIELDS, "a source", errors, line)
        if not values or "id" not in values or "citation" not in values:
            continue
        source_id = values["id"]
        if source_id in sources:
            errors.add(item.line_of("id"), f"duplicate source id '{source_id}' (first at line {first_line[source_id]}): one work, one id")
            continue
        if _same_work(values, seen_work, item, errors):
            continue
        sources[source_id] = Source(source_id, values["citation"], values.get("url"))
        first_line[source_id] = item.line_of("id")
    return sources, list(errors)


def _same_work(values: dict, seen_work: dict, item, errors) -> bool:
    """True (and an error) when this entry's address or citation is already another entry's."""
    keys = [("citation", _normal(values["citation"]))]
    if values.get("url"):
        keys.append(("url", _normal_url(values["url"])))
    for key, normal in keys:
        other = seen_work.get(key + ":" + normal)
        if other is not None:
            errors.add(item.line_of(key), f"source '{values['id']}' has the same {key} as source '{other}': one work, one id; cite '{other}' instead")
            return True
    for key, normal in keys:
        seen_work[key + ":" + normal] = values["id"]
    return False


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _normal_url(url: str) -> str:
    """An address without its scheme, ``www.`` and trailing slash: the same page however it is written."""
    url = re.sub(r"^https?://(www\.)?", "", url.strip(), flags=re.IGNORECASE)
    return url.rstrip("/").casefold()


def bibliography_beside(folder: Path) -> dict[str, Source]:
    """The sources of the ``sources.yml`` in a course folder's parent (its errors are the library's to
    report), read again only when the file changed."""
    path = Path(folder).parent / BIBLIOGRAPHY_FILE
    try:
        stat = path.stat()
        state = (stat.st_size, stat.st_mtime_ns)
    except OSError:
        state = None
    cached = _CACHE.get(path)
    if cached is not None and cached[0] == state:
        return cached[1][0]
    result = parse_bibliography(path)
    _CACHE[path] = (state, result)
    return result[0]


def lesson_sources(items, bibliography: dict[str, Source], errors, header_line: int) -> list[Source]:
    """The sources a lesson header lists by id, in its order; an unknown, repeated or inline one is an error."""
    if not isinstance(items, LineList):
        errors.add(header_line, "'sources' must be a list of source ids from courses/sources.yml, such as [who-2022, teo-2015]")
        return []
    sources, seen = [], set()
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not isinstance(item, str):
            errors.add(line, f"'sources' lists ids of courses/{BIBLIOGRAPHY_FILE}, not whole entries: move this source there and write its id here")
            continue
        if item in seen:
            errors.add(line, f"source '{item}' is listed twice")
            continue
        seen.add(item)
        if item not in bibliography:
            errors.add(line, f"source '{item}' is not in courses/{BIBLIOGRAPHY_FILE}: add it there (id, citation, url) or correct the id")
            continue
        sources.append(bibliography[item])
    return sources
