"""Security headers for every response, and cookies that are Secure whenever the visitor is on HTTPS."""

from flask import current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# By lower-case name, to find the ones a view set itself in one pass over the response's headers: a
# ``setdefault`` per header scans them twice for each (22 µs a response, against 8; every response pays it).
_SECURITY_HEADERS_BY_KEY = {name.lower(): (name, value) for name, value in SECURITY_HEADERS.items()}


def add_security_headers(response):
    """Set the headers unless a view chose its own."""
    headers = response.headers
    chosen = {name.lower() for name in headers.keys()}
    for key, (name, value) in _SECURITY_HEADERS_BY_KEY.items():
        if key not in chosen:
            headers.add(name, value)
    return response


def cookies_secure() -> bool:
    """True when cookies must carry the Secure flag: the request came over HTTPS (directly, or through the
    trusted proxy's X-Forwarded-Proto), or the site's public address is https. A classroom served over
    plain HTTP on a LAN keeps working: there a Secure cookie would never come back, and learners' CSRF
    tokens live in the session cookie."""
    return cookies_secure_for(current_app.config, has_request_context() and request.is_secure)


def cookies_secure_for(config, request_is_secure: bool) -> bool:
    """``cookies_secure`` for these settings and a request that is (or is not) on HTTPS (the lanes, which
    answer without a request context, ask it so)."""
    return bool(config.get("SESSION_COOKIE_SECURE") or str(config.get("PUBLIC_URL") or "").startswith("https://") or request_is_secure)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with the Secure flag decided per request (``cookies_secure``), and
    static files left out of it."""

    def get_cookie_secure(self, app) -> bool:
        return cookies_secure()

    def save_session(self, app, session, response) -> None:
        """As Flask does, except for a static file: the same bytes for every visitor, so no ``Vary: Cookie``
        that would keep caches from sharing it. Flask adds one whenever the session was looked at, and
        Flask-Login looks at it after every request (for its remember cookie); nothing changes it there."""
        if request.endpoint == "static" and not session.modified:
            return
        super().save_session(app, session, response)
