"""Languages, locale selection and the ``courses`` gettext domain.

URL tags are BCP 47 (``en``, ``ja``, later ``pt-BR``, ``zh-Hans``); Babel locales and catalog folders use
Babel's form (``pt_BR``). Names, text direction and plural rules all come from Babel's CLDR data.
"""

from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.support import NullTranslations, Translations
from flask import current_app, g, request
from werkzeug.routing import BaseConverter

LANGUAGE_COOKIE = "lang"


@dataclass(frozen=True)
class Language:
    """A language the app is shipped in."""

    tag: str
    locale: Locale

    @property
    def babel_id(self) -> str:
        """The Babel identifier, also the catalog folder name (``pt_BR``)."""
        return str(self.locale)

    @property
    def native_name(self) -> str:
        """The language's name in itself, as CLDR spells it, capitalised for a stand-alone menu item."""
        name = self.locale.get_display_name(self.locale)
        # CLDR writes "español", "français" for use inside a sentence; in a menu they stand alone.
        return name[:1].upper() + name[1:]

    @property
    def dir(self) -> str:
        """``ltr`` or ``rtl``, from CLDR."""
        return self.locale.text_direction

    @property
    def rtl(self) -> bool:
        """True for right-to-left scripts such as Arabic."""
        return self.dir == "rtl"


def make_languages(tags) -> dict[str, Language]:
    """Build the shipped languages from the configured tags, in their configured order."""
    return {tag: Language(tag, Locale.parse(tag, sep="-")) for tag in tags}


def languages() -> dict[str, Language]:
    """The shipped languages of the current app."""
    return current_app.extensions["quizapp.languages"]


def current_language() -> Language:
    """The language of this request: the URL prefix, else the negotiated one."""
    language = g.get("language")
    if language is None:
        language = languages()[negotiate_language()]
        g.language = language
    return language


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    return current_language().babel_id


def negotiate_language() -> str:
    """The best language for a visitor without a language in the URL: cookie, then Accept-Language."""
    tags = list(languages())
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in tags:
        return remembered
    best = request.accept_languages.best_match(tags)
    return best or current_app.config["DEFAULT_LANGUAGE"]


def make_language_converter(tags):
    """A URL converter that matches only shipped language tags, so ``/xx/`` is a plain 404."""

    class LanguageConverter(BaseConverter):
        regex = "|".join(sorted(tags, key=len, reverse=True))

    return LanguageConverter


class ContentCatalogs:
    """Compiled ``courses`` catalogs by locale, loaded once per process (again when a file changes)."""

    domain = "courses"

    def __init__(self, directory: Path, watch: bool = False):
        self.directory = Path(directory)
        self.watch = watch
        self._cache: dict[str, tuple[float, Translations]] = {}

    def get(self, babel_id: str):
        """The translations for ``babel_id`` (a NullTranslations when none is compiled)."""
        path = self.directory / babel_id / "LC_MESSAGES" / f"{self.domain}.mo"
        cached = self._cache.get(babel_id)
        if cached and not (self.watch and _mtime(path) != cached[0]):
            return cached[1]
        if path.is_file():
            translations = Translations.load(str(self.directory), [babel_id], self.domain)
        else:
            translations = NullTranslations()
        self._cache[babel_id] = (_mtime(path), translations)
        return translations

    def lookup(self, babel_id: str, context: str, message: str) -> str | None:
        """The current translation of ``message`` in ``context``, or None if there is none.

        Fuzzy entries are not compiled, so an outdated translation counts as missing.
        """
        catalog = getattr(self.get(babel_id), "_catalog", {})
        translated = catalog.get(f"{context}\x04{message}")
        return translated or None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
