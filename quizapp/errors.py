"""Translated error pages: in the URL's language when the address starts with one (``/ja/no-such-page`` is a
Japanese 404 whatever the cookie says), else in the visitor's language."""

import logging

from flask import g, render_template, request
from flask_babel import gettext as _
from flask_babel import refresh
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError

log = logging.getLogger(__name__)

# Seconds a client (or a load balancer) should wait before trying again when the database is away.
RETRY_AFTER = 30


def register(app) -> None:
    """Attach the error handlers."""
    app.register_error_handler(404, not_found)
    app.register_error_handler(405, not_allowed)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(500, server_error)
    # The database is down, restarting or (SQLite) busy beyond its timeout: say so, and when to retry.
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(InterfaceError, database_unavailable)


def _page(title: str, message: str, status: int):
    return render_template("error.html", title=title, message=message), status


def language_from_path() -> None:
    """Take the page's language from its address when no route did (an unknown path under ``/<lang>/``)."""
    from .i18n import languages

    tag = request.path.split("/", 2)[1]
    if g.get("language") is None and tag in languages():
        g.language = languages()[tag]
        refresh()  # Flask-Babel may have cached the negotiated locale already


def not_found(error):
    """404, in the language of the address when it has one."""
    language_from_path()
    return _page(_("Page not found"), _("We could not find that page. It may have moved."), 404)


def not_allowed(error):
    """405."""
    language_from_path()
    return _page(_("Not allowed"), _("That action is not available on this page."), 405)


def csrf_failed(error):
    """A form arrived without a valid CSRF token, usually because the page was open too long."""
    return _page(_("Please try again"), _("The form expired. Go back, reload the page and send it again."), 400)


def server_error(error):
    """500."""
    return _page(_("Something went wrong"), _("Sorry, something went wrong on our side. Please try again in a moment."), 500)


def database_unavailable(error):
    """503 with Retry-After, translated, on any page that needs the database; lessons and help do not."""
    from .extensions import db, login_manager

    log.warning("database unavailable: %s", error.__class__.__name__)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone anyway
        pass
    # Flask-Login's template context loads the teacher, from the database: render as a visitor instead.
    g._login_user = login_manager.anonymous_user()
    page, status = _page(_("Please try again in a minute"), _("Kizuna cannot reach its database right now. Nothing you sent before is lost. Try again in a minute."), 503)
    return page, status, {"Retry-After": str(RETRY_AFTER)}
