"""``GET /healthz`` for load balancers and monitoring: does this app server answer, and does its database?

200 ``{"status": "ok", "database": "ok"}`` when ``SELECT 1`` answers; 503 with ``Retry-After`` and
``{"status": "unavailable", "database": "unavailable"}`` when it does not. No language prefix, no cookie,
nothing cached. A load balancer asks every few seconds, so an outage is logged once when it starts and once
when it ends (per process), not on every probe.
"""

import logging
import threading
from contextlib import suppress

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

RETRY_AFTER_SECONDS = 10


class DatabaseWatch:
    """Whether the last probe reached the database, so that only changes are logged."""

    def __init__(self):
        self.available = True
        self._lock = threading.Lock()

    def record(self, available: bool, error: Exception | None = None) -> None:
        with self._lock:
            changed, self.available = self.available != available, available
        if changed and not available:
            log.warning("Health check: the database does not answer (%s: %s)", type(error).__name__, str(error).splitlines()[0] if str(error) else "")
        elif changed:
            log.warning("Health check: the database answers again")


def register(app) -> None:
    """Serve ``/healthz``, with its own record of the database's state for this app."""
    app.extensions["quizapp.health"] = DatabaseWatch()
    app.register_blueprint(bp)


def database_answers() -> bool:
    """True if ``SELECT 1`` answers on the app's database."""
    watch = current_app.extensions["quizapp.health"]
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        with suppress(SQLAlchemyError):
            db.session.rollback()
        watch.record(False, error)
        return False
    watch.record(True)
    return True


@bp.route("/healthz")
def healthz():
    """The app's and its database's health, as JSON."""
    if database_answers():
        response = jsonify(status="ok", database="ok")
    else:
        response = jsonify(status="unavailable", database="unavailable")
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
