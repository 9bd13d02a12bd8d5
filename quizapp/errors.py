"""Translated error pages, in the visitor's language even when the URL has none."""

from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


def register(app) -> None:
    """Attach the error handlers."""
    app.register_error_handler(404, not_found)
    app.register_error_handler(405, not_allowed)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(500, server_error)


def _page(title: str, message: str, status: int):
    return render_template("error.html", title=title, message=message), status


def not_found(error):
    """404."""
    return _page(_("Page not found"), _("We could not find that page. It may have moved."), 404)


def not_allowed(error):
    """405."""
    return _page(_("Not allowed"), _("That action is not available on this page."), 405)


def csrf_failed(error):
    """A form arrived without a valid CSRF token, usually because the page was open too long."""
    return _page(_("Please try again"), _("The form expired. Go back, reload the page and send it again."), 400)


def server_error(error):
    """500."""
    return _page(_("Something went wrong"), _("Sorry, something went wrong on our side. Please try again in a moment."), 500)
