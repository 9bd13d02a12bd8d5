"""Default configuration, where the shipped folders are, and the one check of every setting at start-up.

``create_app`` layers ``instance/config.py`` and ``QUIZAPP_*`` variables on top of :class:`DefaultConfig`,
then :func:`resolve_folders` fills in the folders left unset and :func:`validate` checks every setting once,
so a typo stops the start with a message instead of breaking requests later. Light on purpose: importing the
package imports this module, so it imports neither Flask nor Babel.
"""

import hashlib
import ipaddress
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

PACKAGE_DIR = Path(__file__).resolve().parent

# Folders kept at the repository root for authors and translators; setup.py's build step copies them into
# the wheel under quizapp/ (see resolve_folders for which copy the app reads).
SHIPPED_FOLDERS = {"COURSES_DIR": "courses", "TRANSLATIONS_DIR": "translations", "STATIC_DIR": "static", "MIGRATIONS_DIR": "migrations"}
LANGUAGES_FILE_NAME = "languages.yml"


class ConfigurationError(RuntimeError):
    """The app cannot start with this configuration."""


def checkout_root() -> Path | None:
    """The repository this package runs from (an editable install, `make run`), or None for an installed wheel.

    A checkout is recognised by its own files beside the package folder, which site-packages never has.
    """
    root = PACKAGE_DIR.parent
    return root if (root / "setup.cfg").is_file() and (root / "babel.cfg").is_file() else None


def shipped_folder(name: str) -> Path:
    """``courses``, ``translations``, ``static`` or ``migrations``: the repository's own in a checkout, so
    authors and translators see their edits at once; else the copy the wheel carries inside the package."""
    return (checkout_root() or PACKAGE_DIR) / name


def resolve_folders(config) -> None:
    """Fill in every folder setting left unset (None or empty); a configured one is kept as given."""
    for key, name in SHIPPED_FOLDERS.items():
        if not config.get(key):
            config[key] = str(shipped_folder(name))
    if not config.get("LANGUAGES_FILE"):
        config["LANGUAGES_FILE"] = str(shipped_folder("translations") / LANGUAGES_FILE_NAME)


class DefaultConfig:
    """Settings every deployment starts from."""

    # The languages, offered or incubating, in the order the language picker lists them: declared in this file
    # alone (`flask translate new` adds one). The app reads it at start-up into LANGUAGES (every served tag).
    # None: the shipped translations/languages.yml (whatever TRANSLATIONS_DIR says).
    LANGUAGES_FILE = None
    # The source language: an offered language, the last resort of negotiation.
    DEFAULT_LANGUAGE = "en"

    # The shipped folders. None: the repository's own when running from a checkout (an editable install,
    # `make run`), else the copies inside the installed package (setup.py puts them in the wheel).
    COURSES_DIR = None
    TRANSLATIONS_DIR = None
    STATIC_DIR = None
    MIGRATIONS_DIR = None

    # `flask courses check` warns about a help entry whose newest date (its source's, or a live check's) is
    # older than this many months.
    HELP_STALE_MONTHS = 12

    # None means "SQLite in the instance folder"; QUIZAPP_DATABASE_URL points at PostgreSQL.
    DATABASE_URL = None
    # No pool_pre_ping (a round trip before every use): a connection found dead is replaced and its first
    # statement run again (quizapp/database.py).
    SQLALCHEMY_ENGINE_OPTIONS = {}
    # On SQLite (which runs in WAL mode), how long a request waits for other requests' writes to finish before
    # it fails with "database is locked". Writes take milliseconds and queue one behind another: 200 answers
    # sent at the same moment are all stored (tests/test_sqlite_load.py), within 3 s even at 10 ms per disk sync.
    SQLITE_BUSY_TIMEOUT_MS = 5000
    # On SQLite, when a commit waits for the disk. "NORMAL" (SQLite's advice for WAL mode, and Rails' default):
    # a commit survives the app, a worker or the whole service being killed, and the file is never corrupted,
    # but the last few seconds of commits can be lost if the machine itself loses power or crashes, before the
    # operating system writes them out. "FULL": every commit waits for its own disk sync, which holds the one
    # write lock for a sync's time, so a class answering at once queues behind the disk (docs/PERFORMANCE.md:
    # 1,100-1,200 answers a second against 1,650-1,700 with NORMAL on this project's 2-core test machine).
    # PostgreSQL keeps its own settings (synchronous_commit), which Kizuna does not touch.
    SQLITE_SYNCHRONOUS = "NORMAL"

    # Teacher sign-up: "invite" (an invitation link from `flask teachers invite`) or "open" to anyone.
    TEACHER_SIGNUP = "invite"
    # Days after a session ends before it and all its answers are deleted (`flask sessions purge`).
    SESSION_RETENTION_DAYS = 30
    # Days a self-study quiz attempt (its URL's answers and any saved reflection) is kept; afterwards only
    # anonymous counts per answer remain, for `flask courses stats`.
    QUIZ_ATTEMPT_RETENTION_DAYS = 90
    # Learners one session takes at most (a school hall's worth); a teacher can also lock the room.
    SESSION_MAX_PARTICIPANTS = 250
    # Wrong join codes typed from one address (a whole school behind one NAT counts as one) before it must
    # wait: per ten minutes, and per day. Links and QR codes never count. See docs/RUNNING-A-SESSION.md.
    JOIN_FAILURES_PER_WINDOW = 60
    JOIN_FAILURES_PER_DAY = 300

    # The address learners open, e.g. "https://kizuna.school.example" (the join link and QR code use it).
    # None: the address the teacher's browser used, or else this machine's LAN address.
    PUBLIC_URL = None
    # This machine's address on the room's network, when it has several and picks the wrong one.
    LAN_ADDRESS = None

    PASSWORD_HASH_METHOD = "scrypt"
    # A teacher's login ends after this many minutes without a request (the console polls while open).
    TEACHER_IDLE_MINUTES = 120
    # How many reverse proxies (nginx, a load balancer) stand in front of the app; 0 when none.
    TRUSTED_PROXIES = 0

    SECRET_KEY = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 256 * 1024
    SEND_FILE_MAX_AGE_DEFAULT = 3600

    # Flask-Compress: gzip what the app sends when no proxy compresses it (nginx does: deploy/nginx.conf).
    # Static files are sent as streams, hence gzip for streams too (Flask-Compress 1.23 or later). 304s
    # and bodies under 500 bytes (the state that pages poll) are left alone.
    COMPRESS_ALGORITHM = ["gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["gzip"]
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json", "text/csv"]
    COMPRESS_MIN_SIZE = 500

    # Lessons, courses, the library, help and guides served from rendered bytes kept per worker (page_cache.py).
    # False renders every page afresh (the benchmark compares both).
    PAGE_CACHE = True
    # A page, a quiz page's skeleton, a question's field or a quiz's form class is kept from the time a
    # worker makes it for this many requests (nginx's proxy_cache_min_uses): pages asked for once (a sweep
    # through every language) do not fill every worker's memory. 1 keeps them from their first use; a
    # learner's page in a live session always is (quizapp/caches.py).
    PAGE_CACHE_MIN_USES = 2


# -- the check at start-up -------------------------------------------------------------------------------
# Each parser takes the configured value and returns it as the app uses it (an int, an absolute path…), or
# raises ValueError saying what a good value looks like. QUIZAPP_* variables arrive parsed as JSON by
# Flask's from_prefixed_env: QUIZAPP_SESSION_RETENTION_DAYS=30 is the number 30, "thirty" a string.


def whole_number(minimum: int) -> Callable:
    """An int of at least ``minimum`` (a string of ASCII digits, as an instance file might hold, is accepted)."""

    def parse(value):
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"a whole number, {minimum} or more")
        return value

    return parse


def optional(parse: Callable) -> Callable:
    """``parse``, or None for "not set"."""

    def parse_optional(value):
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            raise ValueError(f"{exc}, or None") from None

    return parse_optional


def one_of(*choices: str) -> Callable:
    """One of ``choices``, exactly."""

    def parse(value):
        if value not in choices:
            raise ValueError(" or ".join(repr(choice) for choice in choices))
        return value

    return parse


def true_or_false(value):
    """A boolean: true or false (in a QUIZAPP_ variable, JSON's true/false)."""
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


def non_empty_string(value):
    """A string with something in it (a key of digits only must be quoted in JSON: QUIZAPP_SECRET_KEY='"123"')."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a non-empty string (in a QUIZAPP_ variable, a value that reads as a JSON number or true/false must be quoted: '\"…\"')")
    return value


def existing_directory(value):
    """A folder that exists, made absolute so that neither the working directory nor Flask-Babel (which
    resolves relative translation folders against the package) changes what it means."""
    path = Path(os.fspath(value)).expanduser() if isinstance(value, str | os.PathLike) else None
    if path is None or not path.is_dir():
        raise ValueError("an existing folder")
    return str(path.resolve())


def existing_file(value):
    """A file that exists, made absolute."""
    path = Path(os.fspath(value)).expanduser() if isinstance(value, str | os.PathLike) else None
    if path is None or not path.is_file():
        raise ValueError("an existing file")
    return str(path.resolve())


def public_url(value):
    """``PUBLIC_URL`` is printed for learners and encoded in QR codes: an address they can open."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError("an http:// or https:// address such as https://kizuna.school.example, without ?query or #fragment")
    return value


def ip_address(value):
    """An IPv4 or IPv6 address, as printed in the join address (not a host name: phones must reach it as is)."""
    try:
        return str(ipaddress.ip_address(value.strip() if isinstance(value, str) else None))
    except ValueError:
        raise ValueError("an IP address such as 192.168.1.20") from None


def password_hash_method(value):
    """What Werkzeug's generate_password_hash takes: scrypt[:n:r:p] or pbkdf2[:hash[:iterations]]."""
    expected = "'scrypt', 'scrypt:N:r:p', 'pbkdf2', 'pbkdf2:<hash>' or 'pbkdf2:<hash>:<iterations>'"
    method, *arguments = value.split(":") if isinstance(value, str) else [None]
    if method == "scrypt" and (not arguments or (len(arguments) == 3 and all(argument.isdigit() for argument in arguments))):
        return value
    if method == "pbkdf2" and len(arguments) <= 2 and (not arguments or arguments[0] in hashlib.algorithms_available) and (len(arguments) < 2 or arguments[1].isdigit()):
        return value
    raise ValueError(expected)


# Every setting a typo could break, with what a good value is. LANGUAGES_FILE's content and DEFAULT_LANGUAGE
# are checked where the languages file is read (i18n.load_languages), also at start-up.
SETTINGS: dict[str, Callable] = {
    "SECRET_KEY": non_empty_string,
    "COURSES_DIR": existing_directory,
    "TRANSLATIONS_DIR": existing_directory,
    "STATIC_DIR": existing_directory,
    "MIGRATIONS_DIR": existing_directory,
    "LANGUAGES_FILE": existing_file,
    "DEFAULT_LANGUAGE": non_empty_string,
    "HELP_STALE_MONTHS": whole_number(1),
    "SQLITE_BUSY_TIMEOUT_MS": whole_number(0),
    "SQLITE_SYNCHRONOUS": one_of("NORMAL", "FULL"),
    "TEACHER_SIGNUP": one_of("invite", "open"),
    "SESSION_RETENTION_DAYS": whole_number(1),
    "QUIZ_ATTEMPT_RETENTION_DAYS": whole_number(1),
    "SESSION_MAX_PARTICIPANTS": whole_number(1),
    "JOIN_FAILURES_PER_WINDOW": whole_number(1),
    "JOIN_FAILURES_PER_DAY": whole_number(1),
    "PUBLIC_URL": optional(public_url),
    "LAN_ADDRESS": optional(ip_address),
    "PASSWORD_HASH_METHOD": password_hash_method,
    "TEACHER_IDLE_MINUTES": whole_number(1),
    "TRUSTED_PROXIES": whole_number(0),
    "MAX_CONTENT_LENGTH": optional(whole_number(1)),
    "PAGE_CACHE": true_or_false,
    "PAGE_CACHE_MIN_USES": whole_number(1),
}


def validate(config, sources: dict[str, str], settings_help: str) -> None:
    """Check and normalise every setting in :data:`SETTINGS`; the first bad one raises ConfigurationError
    naming the setting, its value, where it was set, what is expected and where settings go."""
    for name, parse in SETTINGS.items():
        value = config.get(name)
        try:
            config[name] = parse(value)
        except ValueError as exc:
            where = sources.get(name, "by default")
            raise ConfigurationError(f"{name} = {value!r} ({where}) is not valid: expected {exc}. {settings_help}") from None
