"""Whose country's help lines to show: never a guess from the interface language alone.

In order: a country chosen on the help page (remembered in a cookie); else the classroom session's country (on
a session's own pages, or the newest session this browser joined); else the region in Accept-Language
(``es-MX`` says Mexico, ``es`` says nothing); else none, and the page offers a chooser and the worldwide
directory.
"""

from flask import g, request
from sqlalchemy.exc import InterfaceError, OperationalError

from ..extensions import db
from ..privacy import COUNTRY_COOKIE, SEAT_COOKIE_PREFIX
from ..security import cookies_secure

ONE_YEAR = 365 * 24 * 3600
# How the country was found, for the page to say so.
CHOSEN, SESSION, BROWSER = "chosen", "session", "browser"


def remembered_country(countries) -> str | None:
    """The country chosen earlier on the help page."""
    return cookie_country(request.cookies, countries)


def cookie_country(cookies, countries) -> str | None:
    value = (cookies.get(COUNTRY_COOKIE) or "").upper()
    return value if value in countries else None


def country_in_headers(cookies, accepted: list[str], countries) -> str | None:
    """``request_country`` without a classroom session: the country chosen on the help page (``cookies``),
    else the region of the browser's languages (``accepted``, Accept-Language's values in order). For the
    learners' page lane, which reads the request's headers without Flask (classroom/lanes.py)."""
    return cookie_country(cookies, countries) or region_in(accepted, countries)


def session_country(countries) -> str | None:
    """The country of the classroom session on this page, else of the newest session this browser joined."""
    if "session_country" in g:  # a session's own page: that session decides (None: it names no country)
        return g.session_country if g.session_country in countries else None
    from ..classroom.service import participant_by_token

    newest = None
    try:
        for name, token in request.cookies.items():
            if name.startswith(SEAT_COOKIE_PREFIX):
                participant = participant_by_token(token)
                if participant is not None and participant.session.country in countries:
                    if newest is None or participant.joined_at > newest.joined_at:
                        newest = participant
    except (OperationalError, InterfaceError):  # the database is away: help pages and lessons still serve
        db.session.rollback()
        return None
    return newest.session.country if newest else None


def browser_country(countries) -> str | None:
    """The region of the first language in Accept-Language that names one (``es-MX``), else None."""
    return region_in([value for value, _quality in request.accept_languages], countries)


def region_in(accepted: list[str], countries) -> str | None:
    for value in accepted:
        parts = value.replace("_", "-").split("-")
        for part in parts[1:]:
            if len(part) == 2 and part.upper() in countries:
                return part.upper()
    return None


def request_country(countries) -> tuple[str | None, str | None]:
    """The visitor's country and how it was found: chosen, session, browser, or (None, None)."""
    for how, find in ((CHOSEN, remembered_country), (SESSION, session_country), (BROWSER, browser_country)):
        country = find(countries)
        if country:
            return country, how
    return None, None


def remember_country(response, country: str):
    """Keep the country chosen on the page for next time."""
    response.set_cookie(COUNTRY_COOKIE, country, max_age=ONE_YEAR, samesite="Lax", secure=cookies_secure(), httponly=True)
    return response
