"""Static files under names that change with their content, so browsers and nginx may keep them for a year.

``url_for('static', filename='css/app.css')`` builds ``/static/css/app.3f2a1b9c.css``: the name with the first
eight hex digits of the file's SHA-256 before its extension. A changed file gets a new name, so a cached copy
is never stale and can be cached as ``immutable``. nginx (deploy/nginx.conf) strips the fingerprint and
serves the file from ``static/`` itself; without nginx (`make run`) the app serves both names:

- the current fingerprint: one year, ``immutable``;
- the plain name, or a fingerprint that no longer matches (a page cached before an upgrade asking for the
  old file): the current file with the short default caching (``SEND_FILE_MAX_AGE_DEFAULT``).

Fingerprints are recomputed when a file's modification time or size changes, so an edited stylesheet gets
a new name without a restart.
"""

import hashlib
import os
import re
import threading

from flask import Flask, send_from_directory
from werkzeug.security import safe_join

ONE_YEAR = 365 * 24 * 3600
FINGERPRINT_LENGTH = 8
# "css/app.3f2a1b9c.css" -> ("css/app", "3f2a1b9c", ".css"); deploy/nginx.conf has the same pattern.
FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{%d})(?P<ext>\.[A-Za-z0-9]+)$" % FINGERPRINT_LENGTH)
WITH_EXTENSION = re.compile(r"^(?P<stem>.+?)(?P<ext>\.[A-Za-z0-9]+)$")


class Fingerprints:
    """Content digests of the files in one static folder, kept while a file's mtime and size are unchanged."""

    def __init__(self, folder: str):
        self.folder = folder
        self._known: dict[str, tuple[int, int, str]] = {}
        self._lock = threading.Lock()

    def digest(self, filename: str) -> str | None:
        """The fingerprint of ``filename`` (relative to the folder), or None if it is not a file there."""
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except (OSError, ValueError):  # ValueError: a NUL byte in the name
            return None
        known = self._known.get(filename)
        if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        with open(path, "rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()[:FINGERPRINT_LENGTH]
        with self._lock:
            self._known[filename] = (stat.st_mtime_ns, stat.st_size, digest)
        return digest

    def name(self, filename: str) -> str:
        """``css/app.css`` -> ``css/app.3f2a1b9c.css``; unchanged for a missing file or one with no extension."""
        match = WITH_EXTENSION.match(filename)
        digest = self.digest(filename) if match else None
        if digest is None:
            return filename
        return f"{match['stem']}.{digest}{match['ext']}"

    def resolve(self, requested: str) -> tuple[str, bool]:
        """The file to send for a requested name, and whether the name carries its current fingerprint."""
        match = FINGERPRINTED.match(requested)
        if match is None or self.digest(requested) is not None:  # a plain name (or a file really named so)
            return requested, False
        plain = match["stem"] + match["ext"]
        return plain, self.digest(plain) == match["digest"]


def configure_static_files(app: Flask) -> None:
    """Fingerprint the names ``url_for('static', …)`` builds, and serve those names with year-long caching."""
    fingerprints = Fingerprints(app.static_folder)
    app.extensions["quizapp.static"] = fingerprints

    @app.url_defaults
    def fingerprint_static_names(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = fingerprints.name(values["filename"])

    def serve_static(filename):
        """The ``static`` route's view: the current fingerprint for a year (immutable), anything else briefly."""
        path, current = fingerprints.resolve(filename)
        if current:
            response = send_from_directory(app.static_folder, path, max_age=ONE_YEAR)
            response.cache_control.immutable = True
        else:
            response = app.send_static_file(path)
        # Compression replaces the body with a generator reading this file; closing the response must
        # still close the file.
        if hasattr(response.response, "close"):
            response.call_on_close(response.response.close)
        return response

    app.view_functions["static"] = serve_static
