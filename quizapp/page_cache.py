"""Rendered pages kept as bytes: lessons, courses, the library, help and guides at static-file speed.

These pages are the same for every visitor with the same inputs, so each worker renders a page once per set
of inputs and then serves the stored bytes with an ETag; a browser that already has them gets a bodiless 304.
Only the gzip is kept (a fifth of the page's size): every browser takes it, and the rare client that does
not (curl, a proxy that asks for identity) gets it inflated on the way out, 40 µs for a lesson. So a
worker holding every page in ten languages keeps about 3 MB of pages instead of 15. The key holds *everything* the page depends on:

- the page itself: its path (which includes the language) and its query string;
- the course files: the parsed library's identity (a new object whenever a file changes and is re-read;
  with ``watch`` on, in debug, that is checked on every request);
- the catalogs: the page language's ``courses`` catalog object (re-read when its .mo changes, in debug) and
  the interface catalog Flask-Babel serves for the locale;
- the visitor's help country and how it was found (the support box, and the help page, show its lines);
- the lessons this browser has done (course cards and lesson pages show progress);
- on a Simplified Chinese page, whether the browser prefers Traditional Chinese (the page then says a
  Traditional Chinese translation is welcome).

A page that shows a flashed message, sets a cookie, holds a CSRF token or is not a 200 is never stored.
Pages are ``private, no-cache``: a browser may keep them but must ask again, and no shared cache stores a
page that depends on the visitor's cookies. docs/ARCHITECTURE.md lists the same inputs.

In front of Flask, :class:`FastPath` answers a request it has seen before from the finished response: every
key input above is a function of the request's path, query, Cookie, Accept-Language, host and scheme headers
(the library and catalogs never change in a worker that does not watch its files), so the same raw headers
get the same bytes and headers without a request context, a session decode or an after-request hook: about
a tenth of the CPU of a hit inside Flask. It stays out of the way when the files are watched (debug).
"""

import gzip
import hashlib
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, g, request, session
from flask_babel import get_locale

from .caches import LRU
from .content_access import content
from .i18n import current_language, traditional_chinese_note, ui_translations
from .privacy import DONE_LESSONS

# Distinct pages × languages × help countries × progress states a worker keeps (about 5 KB each, gzipped):
# the least recently used goes first.
MAX_PAGES = 512
# The same as Flask-Compress's default: a good ratio at a fraction of level 9's cost.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class CachedPage:
    """One rendered page: its gzipped bytes, its ETag and what the response must say it varies on."""

    gzipped: bytes
    etag: str
    mimetype: str
    help_country_used: bool
    vary: tuple[str, ...]  # what the view said the page varies on (the help page: Cookie, Accept-Language)


class PageCache(LRU):
    """Rendered pages, one cache per app (so per worker process); ``responses`` holds the finished responses
    :class:`FastPath` replays."""

    def __init__(self, size: int = MAX_PAGES, min_uses: int = 1):
        super().__init__(size, min_uses)
        self.responses = LRU(size, min_uses)

    def clear(self) -> None:
        super().clear()
        self.responses.clear()


@dataclass(frozen=True)
class FinishedResponse:
    """What a cached page's response was, after every after-request hook: status line, headers, body. A body
    sent uncompressed is kept as the page's gzip and inflated again for each such response (``inflate``)."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str  # as sent, quoted
    inflate: bool = False

    def sent_body(self) -> bytes:
        return gzip.decompress(self.body) if self.inflate else self.body

    def not_modified_headers(self) -> list[tuple[str, str]]:
        """The headers of its 304: the same, without those describing a body."""
        return [(name, value) for name, value in self.headers if name.lower() not in BODY_HEADERS]


BODY_HEADERS = {"content-length", "content-type", "content-encoding"}
# The request headers every input of a cached page is computed from (see the module doc), plus the scheme
# and forwarded headers cookies' Secure flag and any absolute address depend on. Not the client's address
# (X-Forwarded-For): no stored page depends on it (page_key has none), and keying on it would give every
# visitor behind a proxy a cache of their own.
RAW_INPUTS = (
    "PATH_INFO",
    "QUERY_STRING",
    "HTTP_COOKIE",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_HOST",
    "wsgi.url_scheme",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "SCRIPT_NAME",
)
# Set on the WSGI environ by ``cached_page`` when the response is a stored page (to the page), so FastPath
# may keep it.
STORED_PAGE = "quizapp.page_cache.stored"


class FastPath:
    """WSGI middleware: replay a stored page's finished response for the same raw request inputs."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if not self.usable(environ):
            return self.wsgi_app(environ, start_response)
        key = raw_key(environ)
        cache = self.app.extensions["quizapp.page_cache"].responses
        finished = cache.get(key)
        if finished is not None:
            return replay(finished, environ, start_response)
        return self.remember(environ, start_response, key, cache)

    def usable(self, environ) -> bool:
        if environ.get("REQUEST_METHOD") != "GET" or not self.app.config.get("PAGE_CACHE", True):
            return False
        repository = self.app.extensions.get("quizapp.content")
        return repository is not None and not repository.watch

    def remember(self, environ, start_response, key, cache):
        """Run the app; keep its response when it is a stored page that sets no cookie."""
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        body = self.wsgi_app(environ, capture)
        page = environ.get(STORED_PAGE)
        if page is None:
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        headers = tuple(captured.get("headers", ()))
        names = {name.lower(): value for name, value in headers}
        if captured.get("status", "").startswith("200") and "set-cookie" not in names and "etag" in names:
            inflate = "content-encoding" not in names  # sent inflated: keep the page's gzip, not a second copy
            cache.put(key, FinishedResponse(captured["status"], headers, page.gzipped if inflate else data, names["etag"], inflate))
        return [data]


def raw_key(environ) -> tuple:
    gzipped = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "").lower()
    return (gzipped, *(environ.get(name, "") for name in RAW_INPUTS))


def replay(finished: FinishedResponse, environ, start_response):
    """The stored response, or its 304 when the browser already has these bytes."""
    if finished.etag in environ.get("HTTP_IF_NONE_MATCH", ""):
        start_response("304 NOT MODIFIED", finished.not_modified_headers())
        return []
    start_response(finished.status, list(finished.headers))
    return [finished.sent_body()]


def init_app(app) -> None:
    """One cache per app; ``PAGE_CACHE = False`` turns it off (every page rendered afresh)."""
    app.extensions["quizapp.page_cache"] = PageCache(min_uses=app.config["PAGE_CACHE_MIN_USES"])
    app.wsgi_app = FastPath(app, app.wsgi_app)


def cached_page(view):
    """Serve ``view``'s page from the cache when every input it depends on is unchanged (see module doc)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        cache = current_app.extensions.get("quizapp.page_cache")
        if cache is None or not current_app.config.get("PAGE_CACHE", True) or request.method != "GET" or "_flashes" in session:
            return view(*args, **kwargs)
        key = page_key()
        page = cache.get(key)
        if page is None:
            response = current_app.make_response(view(*args, **kwargs))
            page = storable(response)
            if page is None:
                return response
            cache.put(key, page)
        request.environ[STORED_PAGE] = page
        return page_response(page)

    return wrapper


def page_sources() -> tuple:
    """The objects a page is made from whose identity tells whether it is current: the parsed library (a
    new object when a course file changes and is re-read), the page language's ``courses`` catalog and the
    interface catalog (new objects when re-read)."""
    repository = content()
    return (repository.library, repository.catalogs.get(current_language().babel_id), ui_translations())


def page_key(path: str | None = None) -> tuple:
    """Every input a cached page depends on (the list in the module doc); ``path`` stands for the request's
    (a quiz page's skeleton is one for every attempt's token)."""
    from .help.choice import request_country
    from .help.countries import country_names

    sources = page_sources()  # first: with watch on, this re-reads changed course files
    countries = country_names(get_locale())
    asked = (request.args.get("country") or "").upper()
    country = (asked, "asked") if asked in countries else request_country(countries)
    return (
        request.path if path is None else path,
        tuple(sorted(request.args.items(multi=True))),
        *(id(source) for source in sources),
        country,
        tuple(session.get(DONE_LESSONS, ())),
        traditional_chinese_note(),
    )


def storable(response: Response) -> CachedPage | None:
    """The page to keep, or None when this response must not be reused."""
    if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
        return None
    if "Set-Cookie" in response.headers or g.get("csrf_token") or "_flashes" in session:
        return None
    body = response.get_data()
    return CachedPage(
        gzipped=gzip.compress(body, GZIP_LEVEL, mtime=0),
        etag=hashlib.blake2b(body, digest_size=12).hexdigest(),
        mimetype=response.mimetype,
        help_country_used=bool(g.get("help_country_used")),
        vary=tuple(response.vary),
    )


def page_response(page: CachedPage) -> Response:
    """The stored page, gzipped when the browser takes it, or a 304 when the browser has it already."""
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    etag = page.etag + ("-gz" if gzipped else "")
    if page.help_country_used:
        g.help_country_used = True  # the help blueprint adds Vary: Cookie, Accept-Language
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(page.gzipped if gzipped else gzip.decompress(page.gzipped), mimetype=page.mimetype)
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Accept-Encoding", "Cookie", *page.vary))
    return response
