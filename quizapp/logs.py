"""Access logs that keep learners anonymous (gunicorn's; deploy/nginx.conf does the same for nginx).

A learner is anonymous in the database, but a web server's access log would pair their address with the
URL that holds their token. So: no client address, no query string (join signatures, invitation codes),
no referrer or user agent, and every path that carries a secret is logged by its route's shape instead.
"""

import re

from gunicorn.glogging import Logger

# (pattern, what to log instead): the token-bearing routes of quizapp (see each blueprint's URL table).
SECRET_PATHS = (
    (re.compile(r"^/([\w-]+)/s/[^/]+"), r"/\1/s/<learner>"),
    (re.compile(r"^/s/[^/]+/state"), "/s/<learner>/state"),
    (re.compile(r"^/([\w-]+)/show/[^/]+"), r"/\1/show/<projector>"),
    (re.compile(r"^/([\w-]+)/courses/([^/]+)/([^/]+)/quiz/[^/]+"), r"/\1/courses/\2/\3/quiz/<attempt>"),
    (re.compile(r"^/([\w-]+)/join/[^/]+"), r"/\1/join/<code>"),
    (re.compile(r"^/(j|J|join|Join|JOIN)/[^/]+"), r"/\1/<code>"),
)
# Request headers that identify a person or carry a secret: never logged, whatever the format asks.
PRIVATE_HEADERS = {"{x-forwarded-for}i", "{x-real-ip}i", "{forwarded}i", "{referer}i", "{cookie}i", "{user-agent}i", "{authorization}i"}


def anonymous_path(path: str) -> str:
    """``path`` with any secret replaced by a placeholder naming what it was."""
    for pattern, replacement in SECRET_PATHS:
        path, found = pattern.subn(replacement, path, count=1)
        if found:
            break
    return path


# Load balancers probe this every few seconds: logging each probe would drown the log (nginx skips it too).
UNLOGGED_PATHS = {"/healthz"}


class AnonymousLogger(Logger):
    """gunicorn's logger, with the access log's identifying atoms blanked."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in UNLOGGED_PATHS:
            return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = anonymous_path(atoms.get("U", ""))
        atoms.update({"h": "-", "u": "-", "U": path, "q": "", "r": f"{atoms.get('m', '-')} {path} {atoms.get('H', '-')}", "f": "-", "a": "-"})
        for key in list(atoms):
            if key.lower() in PRIVATE_HEADERS:
                atoms[key] = "-"
        return atoms
