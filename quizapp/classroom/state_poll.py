"""Every learner's page asks ``/s/<token>/state`` every few seconds, so a class of thirty makes fifteen
requests a second that almost all end in a bodiless 304. Here they are answered in front of Flask: the path
is matched, the session's version read (the one indexed query of ``service.version_for_token``, with its
retry after a dropped connection), and the 304 or the small JSON sent with the headers every response
carries (security.py's). No request context, session cookie, URL matching or after-request hook: a tenth of
the CPU of the same answer through Flask.

Anything else (an unknown token, a database that does not answer, a method other than GET) goes on to the
Flask route in learner_routes.py, which gives the same answers and the usual 404 page or 503.
"""

import json
import re

from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import parse_etags

from ..security import SECURITY_HEADERS
from . import service

STATE_PATH = re.compile(r"^/s/([A-Za-z0-9_-]{16,32})/state$")  # the shape of web.TOKEN_PATTERN


class StatePoll:
    """WSGI middleware answering the learners' state polls (see the module doc)."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.headers = [("Cache-Control", "no-cache"), *SECURITY_HEADERS.items()]

    def __call__(self, environ, start_response):
        match = STATE_PATH.match(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "GET" else None
        version = self.version(match[1]) if match else None
        if version is None:
            return self.wsgi_app(environ, start_response)
        etag = service.learner_etag(version)
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains(etag):
            start_response("304 NOT MODIFIED", [("ETag", f'"{etag}"'), *self.headers])
            return []
        body = json.dumps({"version": version}, separators=(",", ":")).encode() + b"\n"
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("ETag", f'"{etag}"'), *self.headers])
        return [body]

    def version(self, token: str) -> int | None:
        """The session's version, or None to let Flask answer (unknown token, database trouble)."""
        with self.app.app_context():
            try:
                return service.version_for_token(token)
            except SQLAlchemyError:
                return None  # Flask asks again and answers 503 with Retry-After if the database is still away


def init_app(app) -> None:
    app.wsgi_app = StatePoll(app, app.wsgi_app)
