"""Languages, locale selection and the ``courses`` gettext domain.

URL tags are BCP 47 (``en``, ``ja``, later ``pt-BR``, ``zh-Hans``); Babel locales and catalog folders use
Babel's form (``pt_BR``). Names, text direction and plural rules all come from Babel's CLDR data.

The languages are declared in one file, ``translations/languages.yml`` (``LANGUAGES_FILE``), each in one of
two states: **offered** (complete: in the language picker, negotiated from the browser, on the join page) or
**incubating** (being translated: served at its own ``/<tag>/`` address with a banner, never offered).
"""

import gettext
import io
import logging
import re
import struct
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Message
from babel.messages.mofile import read_mo, write_mo
from babel.support import NullTranslations, Translations
from flask import current_app, g, has_app_context, request
from markupsafe import escape
from werkzeug.routing import BaseConverter

log = logging.getLogger(__name__)

LANGUAGE_COOKIE = "lang"
# What no interface string carries, in its source or in a translation: tags, comments, processing
# instructions, event-handler attributes, script URLs. Sentences that need markup get it from parameters.
UNSAFE_UI_TEXT = re.compile(r"<\s*(?:!|[/?]?\s*[a-z])|\bon[a-z]+\s*=|javascript:", re.IGNORECASE)
UI_PLACEHOLDER = re.compile(r"%\(([a-zA-Z_]\w*)\)[sdif]")


OFFERED = "offered"
INCUBATING = "incubating"
STATES = (OFFERED, INCUBATING)


@dataclass(frozen=True)
class Language:
    """A language the app serves: offered to every visitor, or incubating (served only at its address).

    Its name, direction and Babel id are read from CLDR once (every page's language menu asks a dozen times)."""

    tag: str
    locale: Locale
    state: str = OFFERED

    @property
    def offered(self) -> bool:
        """True when visitors are offered this language (picker, negotiation, join page)."""
        return self.state == OFFERED

    @cached_property
    def babel_id(self) -> str:
        """The Babel identifier, also the catalog folder name (``pt_BR``)."""
        return str(self.locale)

    @cached_property
    def native_name(self) -> str:
        """The language's name in itself, as CLDR spells it, capitalised for a stand-alone menu item."""
        name = self.locale.get_display_name(self.locale)
        # CLDR writes "español", "français" for use inside a sentence; in a menu they stand alone.
        return name[:1].upper() + name[1:]

    def name_in(self, locale) -> str:
        """The language's name in ``locale`` (CLDR), as written inside a sentence ("inglés")."""
        return self.locale.get_display_name(locale)

    @cached_property
    def dir(self) -> str:
        """``ltr`` or ``rtl``, from CLDR."""
        return self.locale.text_direction

    @property
    def rtl(self) -> bool:
        """True for right-to-left scripts such as Arabic."""
        return self.dir == "rtl"


def make_languages(tags) -> dict[str, Language]:
    """Offered languages for ``tags``, in their order (the app's own come from :func:`read_languages`)."""
    return {tag: Language(tag, Locale.parse(tag, sep="-")) for tag in tags}


# -- the languages file ------------------------------------------------------------------------------------


class LanguageFileError(ValueError):
    """The languages file cannot be used: ``file:line: message``."""


def language_tag(value: str) -> str:
    """The canonical BCP 47 tag of ``value`` (``pt-br`` → ``pt-BR``); ValueError when CLDR does not know the
    language."""
    try:
        locale = Locale.parse(str(value).strip(), sep="-")
    except UnknownLocaleError as exc:
        raise ValueError(str(exc)) from None
    return "-".join(part for part in (locale.language, locale.script, locale.territory, locale.variant) if part)


def read_languages(path) -> dict[str, Language]:
    """The languages declared in ``path``, in its order: ``tag: offered`` or ``tag: incubating`` per line.

    Read by the app at start-up, by ``flask translate …`` and by the tests, so none of them keeps its own
    list. Every mistake is a :class:`LanguageFileError` naming the file and line.
    """
    from .content.errors import ErrorList
    from .content.yamlfile import LineDict, load_yaml

    path = Path(path)
    errors = ErrorList(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), errors)
    except OSError as exc:
        raise LanguageFileError(f"{path}: cannot read the languages file: {exc.strerror}") from exc
    if errors:
        raise LanguageFileError(str(errors[0]))
    if not isinstance(data, LineDict) or not data:
        raise LanguageFileError(f"{path}:1: expected one line per language, such as `ja: offered`")
    result = {}
    for key, state in data.items():
        line = data.line_of(key)
        try:
            tag = language_tag(key)
        except ValueError:
            raise LanguageFileError(f"{path}:{line}: {key!r} is not a language CLDR knows (a BCP 47 tag such as nl or pt-BR)") from None
        if tag != key:
            raise LanguageFileError(f"{path}:{line}: write the tag as {tag!r}, not {key!r}")
        if state not in STATES:
            raise LanguageFileError(f"{path}:{line}: {key}: the state must be {' or '.join(STATES)}, not {state!r}")
        result[tag] = Language(tag, Locale.parse(tag, sep="-"), state)
    return result


def declare_language(path, tag: str, state: str = INCUBATING) -> None:
    """Add ``tag: state`` at the end of the languages file, keeping its comments and order."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(f"{text}{tag}: {state}\n", encoding="utf-8")


def load_languages(app) -> dict[str, Language]:
    """Read ``LANGUAGES_FILE`` for ``app``; ``LANGUAGES`` becomes the tuple of every served tag."""
    from .config import ConfigurationError

    if "LANGUAGES" in app.config:
        raise ConfigurationError(
            f"LANGUAGES is no longer a setting: the languages are declared in {app.config['LANGUAGES_FILE']}; "
            "to serve another set, point LANGUAGES_FILE at your own copy (docs/TRANSLATING.md)."
        )
    try:
        declared = read_languages(app.config["LANGUAGES_FILE"])
    except LanguageFileError as exc:
        raise ConfigurationError(str(exc)) from None
    default = declared.get(app.config["DEFAULT_LANGUAGE"])
    if default is None or not default.offered:
        raise ConfigurationError(f"DEFAULT_LANGUAGE {app.config['DEFAULT_LANGUAGE']!r} must be an offered language in {app.config['LANGUAGES_FILE']}.")
    # Derived, never set: code that needs only the tags (URL matching, CLI loops) reads them here.
    app.config["LANGUAGES"] = tuple(declared)
    return declared


# -- the request's language -------------------------------------------------------------------------------


def languages() -> dict[str, Language]:
    """Every language the current app serves, offered and incubating, in declared order."""
    return current_app.extensions["quizapp.languages"]


def offered_languages() -> dict[str, Language]:
    """The languages offered to visitors: the picker, negotiation, the join page."""
    return {tag: language for tag, language in languages().items() if language.offered}


def incubating_languages() -> dict[str, Language]:
    """The languages being translated: served at their address with a banner, never offered."""
    return {tag: language for tag, language in languages().items() if not language.offered}


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
    """The best language for a visitor without a language in the URL: cookie, then Accept-Language.

    Only offered languages: an incubating one is reached by its address alone.
    """
    tags = list(offered_languages())
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in tags:
        return remembered
    return best_offered([value for value, _quality in request.accept_languages], tags) or current_app.config["DEFAULT_LANGUAGE"]


def best_offered(preferred, tags) -> str | None:
    """The offered tag for the first of the browser's languages (in its order of preference) that has one:
    the tag itself, else the offered tag of the same language. So zh, zh-CN, zh-SG and also zh-TW, zh-HK
    (no Traditional Chinese yet: see ``wants_traditional_chinese``) read zh-Hans; pt and pt-PT read pt-BR;
    ko-KR reads ko; es-MX reads es. Werkzeug's own best_match finds no offered tag for zh-CN or pt-PT.
    """
    exact = {tag.lower(): tag for tag in tags}
    by_language: dict[str, str] = {}
    for tag in tags:
        by_language.setdefault(tag.split("-")[0].lower(), tag)
    for value in preferred:
        asked = value.replace("_", "-").lower()
        if asked in exact:
            return exact[asked]
        if asked.split("-")[0] in by_language:
            return by_language[asked.split("-")[0]]
    return None


# Tags (lower case) for Chinese in Traditional characters: a browser preferring one gets Simplified Chinese
# with a line saying a Traditional Chinese translation is welcome.
TRADITIONAL_CHINESE = ("zh-tw", "zh-hk", "zh-mo")


def traditional_chinese_note() -> bool:
    """True on a Simplified Chinese page for a browser that prefers Traditional Chinese: the page says a
    Traditional Chinese translation is welcome (a page input: page_cache keys on it)."""
    return traditional_chinese_wanted(current_language(), [value for value, _q in request.accept_languages])


def traditional_chinese_wanted(language, accepted: list[str]) -> bool:
    """``traditional_chinese_note`` for a page in ``language`` and Accept-Language's values in order."""
    tag = language.tag.lower()
    return tag.split("-")[0] == "zh" and "-hant" not in tag and wants_traditional_chinese(accepted)


def wants_traditional_chinese(preferred) -> bool:
    """True when the browser's first Chinese is written in Traditional characters (zh-TW, zh-HK, zh-Hant…)."""
    for value in preferred:
        asked = value.replace("_", "-").lower()
        if asked.split("-")[0] == "zh":
            return "-hant" in asked or asked.startswith(TRADITIONAL_CHINESE)
    return False


def make_language_converter(tags):
    """A URL converter that matches only served language tags (offered or incubating), so ``/xx/`` is a
    plain 404."""

    class LanguageConverter(BaseConverter):
        regex = "|".join(sorted(tags, key=len, reverse=True))

    return LanguageConverter


class ContentCatalogs:
    """Compiled ``courses`` catalogs by locale, loaded once per process (again when a file changes).

    Read from the ``.mo`` rather than through gettext: content needs to know whether a unit *has* a
    translation (an untranslated one is marked as such), which ``pgettext`` cannot tell from a translation
    that happens to equal its source. Each catalog is a ``CompiledCatalog``: its translations' bytes and an
    index, not a string object per entry (see there for why).
    """

    domain = "courses"

    def __init__(self, directory: Path, watch: bool = False):
        self.directory = Path(directory)
        self.watch = watch
        self._cache: dict[str, tuple[float, CompiledCatalog]] = {}

    def get(self, babel_id: str) -> "CompiledCatalog":
        """The compiled catalog for ``babel_id`` (an empty one when none is compiled); a new object whenever it
        is read again, so caches can key on its identity."""
        cached = self._cache.get(babel_id)
        if cached and not self.watch:  # every content unit looks its catalog up here: no path built
            return cached[1]
        path = self.directory / babel_id / "LC_MESSAGES" / f"{self.domain}.mo"
        if cached and _mtime(path) == cached[0]:
            return cached[1]
        catalog = read_content_catalog(path) if path.is_file() else CompiledCatalog(b"")
        self._cache[babel_id] = (_mtime(path), catalog)
        return catalog

    def lookup(self, babel_id: str, context: str, message: str) -> str | None:
        """The current translation of ``message`` in ``context``, or None if there is none.

        Fuzzy entries are not compiled, so an outdated translation counts as missing.
        """
        return self.get(babel_id).get((context, message))


MO_MAGIC = 0x950412DE


class PackedCatalog:
    """What both catalogs held as bytes (``CompiledCatalog``, ``SharedCatalog``) answer besides ``get``: a
    read-only mapping's ``[]``, ``in`` and ``len``, over their sorted ``_hashes``."""

    _hashes: array

    def get(self, key, default=None):
        raise NotImplementedError

    def __getitem__(self, key) -> str:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        return len(self._hashes)


class CompiledCatalog(PackedCatalog):
    """A compiled ``.mo`` catalog, read-only: (context, source) → translation, answered from one ``bytes``
    object holding the translations and sorted arrays of the keys' digests.

    Why not a dict of strings: gunicorn's master reads every language's catalog before it forks the workers,
    so that they share one copy. A dict hands out its string objects, and CPython writes to an object (its
    reference count) whenever it is handed out, so a worker that showed a lesson in a language copied nearly
    every memory page of that language's catalog (1-2 MB a language, in every worker). One ``bytes`` object is
    read by slicing, which writes nothing: its pages stay shared.

    Why digests and not the keys: a key is the English source text (and its context), the same in every
    language, and nearly half of a ``.mo`` file (466 of 1,068 KB for Japanese). A key is known by a 128-bit
    digest (``_key_digest``), which two different keys share with a chance of about 1 in 10^31 among a
    catalog's 3,000 entries. A look-up digests its key, finds it by bisection and decodes a new string; it
    runs when a lesson or quiz view is built, not per request (views are cached).

    A context is written ``context\x04source`` (as gettext does); plural entries (a key with a NUL) and
    untranslated entries are not content units and are left out.
    """

    def __init__(self, data: bytes):
        self._hashes = array("q")  # the first half of each key's digest, sorted
        self._checks = array("q")  # the other half, in the same order
        self._ends = array("q")  # where each translation ends in _text (it starts where the one before ends)
        self._text = b""
        self._charset = "utf-8"
        if not data:
            return
        order = "<" if struct.unpack_from("<I", data)[0] == MO_MAGIC else ">"
        if struct.unpack_from(order + "I", data)[0] != MO_MAGIC:
            raise ValueError("not a compiled gettext catalog (.mo)")
        count, originals, translations = struct.unpack_from(order + "3I", data, 8)
        # Each table is (length, offset) per entry: read whole, in one call each.
        keys = struct.unpack_from(f"{order}{2 * count}I", data, originals)
        values = struct.unpack_from(f"{order}{2 * count}I", data, translations)
        indexed = []
        for entry in range(0, 2 * count, 2):
            key = data[keys[entry + 1] : keys[entry + 1] + keys[entry]]
            translation = data[values[entry + 1] : values[entry + 1] + values[entry]]
            if not key:
                self._charset = _header_charset(translation)
            elif translation and b"\x00" not in key:
                indexed.append((*_key_digest(key), translation))
        indexed.sort()
        self._hashes.extend(digest for digest, _check, _translation in indexed)
        self._checks.extend(check for _digest, check, _translation in indexed)
        self._ends.extend(accumulate(len(translation) for _digest, _check, translation in indexed))
        self._text = b"".join(translation for _digest, _check, translation in indexed)

    def _find(self, key) -> int | None:
        context, source = key
        digest, check = _key_digest((source if context is None else f"{context}\x04{source}").encode(self._charset))
        position = bisect_left(self._hashes, digest)
        while position < len(self._hashes) and self._hashes[position] == digest:
            if self._checks[position] == check:
                return position
            position += 1
        return None

    def get(self, key, default=None):
        """The translation of ``key``, a (context, source) pair, or ``default``: without raising, as most
        look-ups of an incomplete language miss."""
        position = self._find(key)
        if position is None:
            return default
        return _span(self._text, self._ends, position).decode(self._charset)



def _key_digest(key: bytes) -> tuple[int, int]:
    """A catalog key's 128-bit digest, as two signed 64-bit integers (what an ``array("q")`` holds): Python's
    own hash of the key and of the key with a byte appended that UTF-8 never uses. ``hash`` is SipHash with a
    secret per-process key (which workers inherit from the master that read the catalogs), a quarter of
    BLAKE2b's cost when the master reads 27,000 keys before it forks."""
    return hash(key), hash(key + b"\xff")


def _header_charset(header: bytes) -> str:
    """The charset a catalog's header declares (``Content-Type: text/plain; charset=UTF-8``), UTF-8 if none."""
    found = re.search(rb"charset=([\w-]+)", header)
    return found.group(1).decode("ascii").lower() if found else "utf-8"


def read_compiled(path):
    """A compiled catalog (``.mo``) as Babel's ``Catalog``: every message with its context."""
    with open(path, "rb") as fileobj:
        return read_mo(fileobj)


def read_content_catalog(path) -> CompiledCatalog:
    """A compiled ``courses`` catalog: every translated message by (context, source)."""
    return CompiledCatalog(Path(path).read_bytes())


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
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: escape(ui_translations().ugettext(string)),
        ngettext=lambda singular, plural, n: escape(ui_translations().ungettext(singular, plural, n)),
        pgettext=lambda context, string: escape(ui_translations().upgettext(context, string)),
        npgettext=lambda context, singular, plural, n: escape(ui_translations().unpgettext(context, singular, plural, n)),
        newstyle=True,
    )


def ui_translations():
    """Flask-Babel's ``get_translations()``, remembered for the request's locale: a page asks for it a few
    dozen times, and each time Flask-Babel looks up its context, the locale and its cache anew. The memo is
    kept beside Flask-Babel's own locale, so ``force_locale`` and ``refresh`` (which replace that locale)
    are followed."""
    from flask_babel import get_translations

    if not has_app_context():
        return get_translations()
    state = getattr(g._get_current_object(), "_flask_babel", None)
    memo = getattr(state, "quizapp_ui", None)
    if memo is not None and memo[0] is getattr(state, "babel_locale", None):
        return memo[1]
    translations = get_translations()  # creates Flask-Babel's state and sets its locale
    state = getattr(g._get_current_object(), "_flask_babel", None)
    if getattr(state, "babel_locale", None) is not None:
        state.quizapp_ui = (state.babel_locale, translations)
    return translations


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


def ui_message_problem(message: Message) -> str | None:
    """Why a compiled UI message could break or hijack a page (None if it is fine). Every plural form is
    checked against both source forms: ``ngettext`` formats whichever form it picks with the same values."""
    sources = message.id if message.pluralizable else (message.id,)
    forms = message.string if message.pluralizable else (message.string,)
    return next(filter(None, (ui_translation_problem(" ".join(sources), form) for form in forms)), None)


def safe_ui_translations(path, tag: str) -> Translations:
    """The UI translations compiled at ``path``, without the messages that fail ``ui_message_problem``
    (each logged): their source text shows instead, in every plural form."""
    catalog = read_compiled(path)
    for message in list(catalog):
        problem = ui_message_problem(message) if message.id else None  # the empty id is the header
        if problem:
            catalog.delete(message.id, message.context)
            source = message.id[0] if message.pluralizable else message.id
            log.error("Dropped the %s translation of %r: it %s.", tag, source, problem)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    translations = Translations(compiled, domain="messages")
    # gettext's own look-ups (gettext, ngettext, pgettext, Babel's npgettext) read ``_catalog`` with ``get``
    # and ``[]`` only: a mapping held as bytes answers them the same (see SharedCatalog for why).
    translations._catalog = SharedCatalog(translations._catalog)
    return translations


class SharedCatalog(PackedCatalog):
    """A loaded UI catalog as a read-only mapping from gettext's keys (a message id, or a (message id, plural
    form) pair) to translations, held as two ``bytes`` objects and arrays, not as strings.

    The reason is ``CompiledCatalog``'s: gunicorn's master loads every language's UI catalog before forking,
    and a worker that showed pages in a language wrote the reference count of nearly every string of that
    catalog, and so copied its memory pages (the bench's memory per added language: 0.99-1.02 MB with dicts,
    0.47-0.88 in four runs with this). A look-up finds the key's ``hash`` (cached on a template's literal
    string) by bisection, compares the key's bytes and decodes a new string: about 0.9 µs instead of a
    dict's 0.04. A Japanese lesson, home, help or quiz page rendered anew makes 27 to 58 look-ups: 25-55 µs
    of its 1.6-3 ms (and most pages are served from the page cache).
    """

    def __init__(self, entries):
        items = sorted((hash(key), _message_key_bytes(key), value.encode("utf-8")) for key, value in entries.items())
        self._hashes = array("q", (hashed for hashed, _key, _value in items))
        self._keys = b"".join(key for _hashed, key, _value in items)
        self._key_ends = array("q", accumulate(len(key) for _hashed, key, _value in items))
        self._values = b"".join(value for _hashed, _key, value in items)
        self._value_ends = array("q", accumulate(len(value) for _hashed, _key, value in items))

    def get(self, key, default=None):
        hashed = hash(key)
        position = bisect_left(self._hashes, hashed)
        while position < len(self._hashes) and self._hashes[position] == hashed:
            if _span(self._keys, self._key_ends, position) == _message_key_bytes(key):
                return _span(self._values, self._value_ends, position).decode("utf-8")
            position += 1
        return default



def _message_key_bytes(key) -> bytes:
    """gettext's key as bytes: a plural form's key is (message id, form number)."""
    return (f"{key[0]}\x00{key[1]}" if isinstance(key, tuple) else key).encode("utf-8")


def _span(data: bytes, ends: array, position: int) -> bytes:
    """Item ``position`` of items laid end to end in ``data`` (``ends``: where each one ends)."""
    return data[ends[position - 1] if position else 0 : ends[position]]


def load_language_data(app) -> None:
    """Read now what a worker would read on its first pages in each language: CLDR's data for the locale
    (names, direction, plural rules, the country names of the help pages) and the ``courses`` catalog.
    gunicorn's master calls this before it forks the workers (deploy/gunicorn.conf.py), so they share one
    copy instead of each reading its own; building an app does not, as tests build hundreds."""
    from .help.countries import country_names

    catalogs = app.extensions["quizapp.catalogs"]
    for language in app.extensions["quizapp.languages"].values():
        language.locale.text_direction  # noqa: B018 - loads the locale's CLDR data
        language.native_name  # noqa: B018 - and remembers what every page's menu asks
        country_names(language.locale)
        catalogs.get(language.babel_id)


def load_ui_catalogs(app) -> None:
    """Load every shipped language's UI catalog once, at start-up, without the entries that fail
    ``ui_translation_problem``: such an entry is logged and its source text shows instead, so one bad
    string never takes a language offline (``translate check`` fails on it in CI)."""
    babel = app.extensions["babel"].instance
    with app.app_context():
        cache = babel.domain_instance.cache
        for language in app.extensions["quizapp.languages"].values():
            # Found as gettext (and so Babel's Translations.load) finds it; NullTranslations when missing.
            path = gettext.find("messages", app.config["TRANSLATIONS_DIR"], [language.babel_id])
            translations = safe_ui_translations(path, language.tag) if path else NullTranslations()
            cache[(language.babel_id, "messages")] = translations
