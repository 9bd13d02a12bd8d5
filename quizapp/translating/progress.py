"""How complete each language's catalogs are, read with ``translate status``'s own function and kept until a
catalog changes: the page and every incubating page's banner read it, and a recount takes a tenth of a second."""

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
            from ..catalogs import project_catalogs  # the catalog tools, loaded on first count only

            tags = [tag for tag in languages() if tag != current_app.config["DEFAULT_LANGUAGE"]]
            catalogs = project_catalogs(current_app.config, current_app.extensions["quizapp.content"].library, languages=tags)
            self._statuses = {status.language: status for status in catalogs.status(tags, with_problems=False)}
            self._key = key
        return self._statuses

    def overall(self, tag: str):
        """The overall tally of one language (both catalogs), or None when it cannot be counted."""
        try:
            status = self.statuses().get(tag)
        except Exception:  # noqa: BLE001 - a broken catalog must not take the language's pages down with it
            log.exception("Could not count the translations of %s.", tag)
            return None
        return status.overall if status else None

    def _files_key(self) -> tuple:
        files = [*self.directory.glob("*.pot"), *self.directory.glob("*/LC_MESSAGES/*.po")]
        return tuple(sorted((str(path), _mtime(path)) for path in files))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def progress() -> TranslationProgress:
    """The app's translation progress."""
    return current_app.extensions["quizapp.translation_progress"]


def share(tally) -> float:
    """The translated share of ``tally``, 0-1, rounded down to a whole percent: a language at 99.6 % is not
    "100 %" complete."""
    if not tally.total:
        return 1.0
    return math.floor(100 * tally.translated / tally.total) / 100
