"""Lanes: WSGI middleware that takes a hot, ordinary request in front of Flask and answers it as Flask would.

A few requests are most of the server's work when a class is in the room, and through Flask each costs
several times what its real work does (the request context, the session and CSRF hooks, WTForms, the ORM).
A lane does only that work, and only for the ordinary case; anything else goes on to Flask, which answers
it as it always has. Falling through must always be safe: a lane stores nothing until its last step, and a
unique index keeps a resent request from storing twice.

The lanes: a learner's live answer and their page (classroom/lanes.py), a whole quiz sent at once
(quizzes/lane.py). What they share is here: when a lane may act at all, the visitor's session cookie read
and written as Flask reads and writes it, the CSRF check as Flask-WTF makes it, the request's form, and the
303 that Flask's routes answer with.
"""

import contextlib
import fcntl
import functools
import hmac
import io
import logging
import os
import threading
from urllib.parse import parse_qsl

from flask.sessions import SecureCookieSession
from flask_wtf.csrf import same_origin
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import want_bytes
from markupsafe import escape
from werkzeug.datastructures import MultiDict
from werkzeug.http import dump_cookie
from werkzeug.urls import iri_to_uri
from werkzeug.utils import redirect
from werkzeug.wsgi import get_host

from .i18n import LANGUAGE_COOKIE
from .security import cookies_secure_for

log = logging.getLogger(__name__)

# A form a lane takes is well under a kilobyte or two; a bigger body is Flask's to judge (and to refuse).
MAX_BODY = 16 * 1024


class Lane:
    """A lane's base: when it may act, the visitor's session cookie and CSRF tokens."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        config = app.config
        self.csrf_tokens = URLSafeTimedSerializer(config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, salt="wtf-csrf-token", signer=KeyOnceSigner)
        self.csrf_field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        self.csrf_seconds = config.get("WTF_CSRF_TIME_LIMIT", 3600)
        self._session_serializer = (None, None)

    def usable(self) -> bool:
        """Not while course files are watched (debug), nor with CSRF off, nor when Flask checks the Host
        against TRUSTED_HOSTS (a lane does not)."""
        repository = self.app.extensions.get("quizapp.content")
        config = self.app.config
        return repository is not None and not repository.watch and config.get("WTF_CSRF_ENABLED", True) and not config.get("TRUSTED_HOSTS")

    def language(self, tag: str, cookies):
        """The page's language, when Flask would not set the language cookie on its answer; else None."""
        language = self.app.extensions["quizapp.languages"].get(tag)
        if language is None or (language.offered and cookies.get(LANGUAGE_COOKIE) != tag):
            return None
        return language

    def session_serializer(self):
        """Flask's signing serializer for the session cookie, made again only when the keys change (Flask
        makes one per request)."""
        keys = (self.app.secret_key, tuple(self.app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if self._session_serializer[0] != keys:
            serializer = self.app.session_interface.get_signing_serializer(self.app)
            if serializer is not None:
                serializer.signer = KeyOnceSigner  # the signer it makes for each cookie, with the same settings
            self._session_serializer = (keys, serializer)
        return self._session_serializer[1]

    def session(self, cookies) -> dict | None:
        """The visitor's signed session cookie, read as Flask reads it; None when missing or not valid."""
        value = cookies.get(self.app.config["SESSION_COOKIE_NAME"])
        serializer = self.session_serializer()
        if not value or serializer is None:
            return None
        try:
            data = serializer.loads(value, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except BadData:
            return None
        return data if isinstance(data, dict) else None

    def session_cookie(self, environ, data: dict) -> str:
        """The Set-Cookie value Flask's session interface sends for a session changed to ``data``
        (flask.sessions.SecureCookieSessionInterface.save_session, with quizapp.security's Secure flag)."""
        app, interface = self.app, self.app.session_interface
        session = SecureCookieSession(data)
        return dump_cookie(
            interface.get_cookie_name(app),
            self.session_serializer().dumps(dict(session)),
            expires=interface.get_expiration_time(app, session),
            httponly=interface.get_cookie_httponly(app),
            domain=interface.get_cookie_domain(app),
            path=interface.get_cookie_path(app),
            secure=cookies_secure_for(app.config, environ.get("wsgi.url_scheme") == "https"),
            partitioned=interface.get_cookie_partitioned(app),
            samesite=interface.get_cookie_samesite(app),
        )

    def csrf_valid(self, environ, form, session: dict | None) -> bool:
        """Flask-WTF's check (flask_wtf.csrf.CSRFProtect.protect), for a token sent in the form, against the
        secret in the visitor's ``session``."""
        expected = session.get(self.csrf_field) if session else None
        sent = form.get(self.csrf_field)
        if not isinstance(expected, str) or not expected or not sent:
            return False
        try:
            signed = self.csrf_tokens.loads(sent, max_age=self.csrf_seconds)
        except BadData:
            return False
        if not isinstance(signed, str) or not hmac.compare_digest(expected, signed):
            return False
        if environ.get("wsgi.url_scheme") == "https" and self.app.config.get("WTF_CSRF_SSL_STRICT", True):
            referrer = environ.get("HTTP_REFERER")
            return bool(referrer) and same_origin(referrer, f"https://{get_host(environ)}/")
        return True


class WriteTurns:
    """The lanes' write transactions on one SQLite file, taken in turn: a thread lock between the threads of a
    process, then an exclusive ``flock`` on a file beside the database between processes (the kernel hands
    it over the moment it is released; a process that dies lets go of it).

    Without it, writers that meet wait in SQLite's busy handler, which sleeps and tries again after 1, 2,
    5, 10 ms and so on: when a whole class sends at once, a third of the two cores sat idle through those
    sleeps (docs/PERFORMANCE.md). Writes through Flask do not take a turn; against them SQLite's busy
    timeout still applies, so a turn is never waited for longer than a write can take. Opened in each
    process at first use, never inherited across gunicorn's fork (a shared open file would share the lock).
    """

    def __init__(self, lock_path: str):
        self.lock_path = lock_path
        self._thread_lock = threading.Lock()
        self._fd = None
        self._pid = None

    @classmethod
    def for_engine(cls, engine):
        """Turns for ``engine``'s SQLite file; for another database (or an in-memory one), no turns at all."""
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
            return contextlib.nullcontext()
        return cls(os.path.abspath(database) + ".lock")

    def __enter__(self):
        self._thread_lock.acquire()
        try:
            if self._pid != os.getpid():
                self._fd, self._pid = self._open(), os.getpid()
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def __exit__(self, *exc_info):
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def _open(self) -> int | None:
        """The lock file, opened for this process; None if it cannot be (the writes then meet in SQLite's busy
        handler, as Flask's do: slower, never lost)."""
        try:
            return os.open(self.lock_path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as error:
            log.warning("cannot open %s (%s): SQLite's own locking only", self.lock_path, error.strerror)
            return None

    def __del__(self):
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)


class KeyOnceSigner(TimestampSigner):
    """itsdangerous' TimestampSigner deriving each key once per process: it derives it (an HMAC) for every
    signature made or checked, and a serializer makes a new signer for each. Same keys, same signatures
    (the lanes' tests check Flask and Flask-WTF accept what the lanes sign, and the other way round)."""

    def derive_key(self, secret_key=None) -> bytes:
        secret_key = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        return derived_key(secret_key, self.salt, self.key_derivation, self.digest_method)


@functools.lru_cache(maxsize=16)
def derived_key(secret_key: bytes, salt: bytes, key_derivation: str, digest_method) -> bytes:
    return TimestampSigner(secret_key, salt=salt, key_derivation=key_derivation, digest_method=digest_method).derive_key()


class SeeOther:
    """The 303 that Flask's routes answer with (Werkzeug's ``redirect``), made once with a placeholder for
    its address and filled in for each request: building a Response and its Headers for each cost a quarter
    of the answer lane's time. What Werkzeug would change in it (the body's text, the headers) comes from
    Werkzeug."""

    PLACEHOLDER = "\x00"  # markupsafe's escape leaves it as it is, and no address holds it

    def __init__(self, headers):
        template = redirect(self.PLACEHOLDER, code=303)
        template.headers.extend(headers)
        self.status = template.status
        self.body = template.get_data(as_text=True).split(self.PLACEHOLDER)
        self.headers = [(name, value) for name, value in template.headers.items() if name not in ("Location", "Content-Length")]

    def __call__(self, location: str, start_response, headers=()):
        if not location.isascii():
            location = iri_to_uri(location)  # as the Response does with a Location header
        body = str(escape(location)).join(self.body).encode()
        start_response(self.status, [*self.headers, *headers, ("Location", location), ("Content-Length", str(len(body)))])
        return [body]


def read_body(environ, max_content_length: int | None = None) -> bytes | None:
    """The request's form body, put back for Flask to read again; None for anything but a small form, or a
    body over the app's MAX_CONTENT_LENGTH (Flask refuses it)."""
    if environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= min(MAX_BODY, max_content_length or MAX_BODY):
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def parse_form(body: bytes) -> MultiDict | None:
    """The fields of a form body; None when it is not UTF-8 or not a form (Flask judges it then)."""
    try:
        return MultiDict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return None
