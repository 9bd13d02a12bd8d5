"""How complete each language's catalogs are, read with ``translate status``'s own function and kept until a
catalog changes: the page and every incubating page's banner read it.

A count reads every ``.po`` file with Babel (0.8 s for ten languages), and what it allocates stays in the
worker's heap (7 MB of each worker that counted, measured after a sweep of every page). So
``translate compile`` (run by `make run` and every deployment, after any catalog change) counts once and
writes the result beside the catalogs (``PROGRESS_FILE``, with the catalog files' sizes and times it was
counted from); a worker reads that, and counts for itself only when a catalog changed since (a translator
at work) or the file is missing.
"""

import json
import logging
import math
from pathlib import Path

from flask import current_app

from ..i18n import languages

log = logging.getLogger(__name__)


class TranslationProgress:
    """The status of every served language but the source one, recounted when a ``.pot`` or ``.po`` file
    changes (a few ``stat`` calls per request: cheaper than a watch flag, and right after `translate new`)."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self._key = None
        self._statuses: dict = {}

    def statuses(self) -> dict:
        """tag → ``LanguageStatus`` (see ``quizapp.catalogs``), in declared order."""
        key = self._files_key()
        if key != self._key:
            self._statuses = self._counted_before(key) or self._count()
            self._key = key
        return self._statuses

    def write(self) -> Path:
        """Count now and write the counts for the workers to read (``translate compile``)."""
        key, statuses = self._files_key(), self._count()
        document = {
            "files": [list(item) for item in key],
            "statuses": {tag: {"state": status.state, "domains": tallies(status.domains), "units": tallies(status.units)} for tag, status in statuses.items()},
        }
        path = self.directory / PROGRESS_FILE
        path.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
        return path

    def _count(self) -> dict:
        from ..catalogs import project_catalogs  # the catalog tools, loaded on first count only

        tags = self._tags()
        catalogs = project_catalogs(current_app.config, current_app.extensions["quizapp.content"].library, languages=tags)
        return {status.language: status for status in catalogs.status(tags, with_problems=False)}

    def _counted_before(self, key: tuple) -> dict | None:
        """The counts ``write`` left, if made from these very catalog files for these languages; else None."""
        from ..catalogs import LanguageStatus, Tally

        try:
            document = json.loads((self.directory / PROGRESS_FILE).read_text(encoding="utf-8"))
            if tuple(tuple(item) for item in document["files"]) != key or list(document["statuses"]) != self._tags():
                return None
            return {
                tag: LanguageStatus(tag, untallied(entry["domains"], Tally), untallied(entry["units"], Tally), state=entry["state"])
                for tag, entry in document["statuses"].items()
            }
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @staticmethod
    def _tags() -> list[str]:
        return [tag for tag in languages() if tag != current_app.config["DEFAULT_LANGUAGE"]]

    def overall(self, tag: str):
        """The overall tally of one language (both catalogs), or None when it cannot be counted."""
        try:
            status = self.statuses().get(tag)
        except Exception:  # noqa: BLE001 - a broken catalog must not take the language's pages down with it
            log.exception("Could not count the translations of %s.", tag)
            return None
        return status.overall if status else None

    def _files_key(self) -> tuple:
        """Each template and catalog by its name in the folder, size and time: a file changed changes it."""
        files = [*self.directory.glob("*.pot"), *self.directory.glob("*/LC_MESSAGES/*.po")]
        return tuple(sorted((path.relative_to(self.directory).as_posix(), *_size_and_time(path)) for path in files))


# Beside the catalogs, written by ``translate compile`` (ignored by git, like the .mo files).
PROGRESS_FILE = "progress.json"


def _size_and_time(path: Path) -> tuple[int, int]:
    try:
        found = path.stat()
    except FileNotFoundError:
        return 0, 0
    return found.st_size, found.st_mtime_ns


def tallies(by_name: dict) -> dict:
    return {name: [tally.total, tally.translated, tally.fuzzy, tally.untranslated] for name, tally in by_name.items()}


def untallied(by_name: dict, tally_class) -> dict:
    return {name: tally_class(*counts) for name, counts in by_name.items()}


def progress() -> TranslationProgress:
    """The app's translation progress."""
    return current_app.extensions["quizapp.translation_progress"]


def share(tally) -> float:
    """The translated share of ``tally``, 0-1, rounded down to a whole percent: a language at 99.6 % is not
    "100 %" complete."""
    if not tally.total:
        return 1.0
    return math.floor(100 * tally.translated / tally.total) / 100
