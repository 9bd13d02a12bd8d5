"""Languages, locale selection and the ``courses`` gettext domain.

URL tags are BCP 47 (``en``, ``ja``, later ``pt-BR``, ``zh-Hans``); Babel locales and catalog folders use
Babel's form (``pt_BR``). Names, text direction and plural rules all come from Babel's CLDR data.
"""

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.support import NullTranslations, Translations
from flask import current_app, g, request
from markupsafe import escape
from werkzeug.routing import BaseConverter

log = logging.getLogger(__name__)

LANGUAGE_COOKIE = "lang"
# What no interface string carries, in its source or in a translation: tags, comments, processing
# instructions, event-handler attributes, script URLs. Sentences that need markup get it from parameters.
UNSAFE_UI_TEXT = re.compile(r"<\s*(?:!|[/?]?\s*[a-z])|\bon[a-z]+\s*=|javascript:", re.IGNORECASE)
UI_PLACEHOLDER = re.compile(r"%\(([a-zA-Z_]\w*)\)[sdif]")


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


# -- the interface catalogs: translations are untrusted text ---------------------------------------------


def install_escaped_gettext(app) -> None:
    """Make ``_()`` in templates treat a translation as text, not HTML.

    Jinja's new-style gettext wraps every translation in ``Markup`` when autoescaping, so a translator
    (or anyone who can edit a catalog) could put a ``<meta http-equiv=refresh>`` on every page of a
    language. Here the translation is escaped first; ``%(name)s`` parameters are still escaped by the
    formatting unless they are ``Markup`` themselves: a link built in the template (``{% set %}``) is the
    one way a translated sentence carries markup, on purpose.
    """
    from flask_babel import get_translations

    app.jinja_env.install_gettext_callables(
        gettext=lambda string: escape(get_translations().ugettext(string)),
        ngettext=lambda singular, plural, n: escape(get_translations().ungettext(singular, plural, n)),
        pgettext=lambda context, string: escape(get_translations().upgettext(context, string)),
        npgettext=lambda context, singular, plural, n: escape(get_translations().unpgettext(context, singular, plural, n)),
        newstyle=True,
    )


def ui_translation_problem(source: str, translation: str) -> str | None:
    """Why a UI translation could break or hijack a page (None if it is fine).

    Markup where the source has none, or a ``%(name)s`` the source does not pass (formatting would raise).
    """
    if UNSAFE_UI_TEXT.search(translation) and not UNSAFE_UI_TEXT.search(source):
        return "contains HTML markup, which the source does not"
    unknown = set(UI_PLACEHOLDER.findall(translation)) - set(UI_PLACEHOLDER.findall(source)) - {"num"}
    if unknown:
        return f"uses placeholders the source does not pass: {sorted(unknown)}"
    return None


def load_ui_catalogs(app) -> None:
    """Load every shipped language's UI catalog once, at start-up, without the entries that fail
    ``ui_translation_problem``: such an entry is logged and its source text shows instead, so one bad
    string never takes a language offline (``translate check`` fails on it in CI)."""
    babel = app.extensions["babel"].instance
    with app.app_context():
        cache = babel.domain_instance.cache
        for language in app.extensions["quizapp.languages"].values():
            translations = Translations.load(app.config["TRANSLATIONS_DIR"], [language.babel_id], "messages")
            # GNUTranslations keeps its entries in _catalog (stdlib, stable since Python 2): the only way to
            # drop one entry. Keys are the msgid, or (msgid, plural index).
            entries = getattr(translations, "_catalog", {})
            for key, translated in list(entries.items()):
                source = key if isinstance(key, str) else key[0]
                problem = ui_translation_problem(source.split("\x04")[-1], translated) if source else None
                if problem:
                    del entries[key]
                    log.error("Dropped the %s translation of %r: it %s.", language.tag, source, problem)
            cache[(language.babel_id, "messages")] = translations
