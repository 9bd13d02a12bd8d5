"""The projector view: what the whole room sees, from its own secret link, with no teacher logged in.

/<lang>/show/<token>             big type for the back of the room: how to join, the question, the answers
                                 once revealed; never the facilitator notes, names or anything per learner
/<lang>/show/<token>/state       what it polls: the same state as the teacher's console (JSON, ETag)
/<lang>/show/<token>/qr.svg      the join QR code

The link is made when the console first opens and can be replaced from the console at any time (the old one
then stops working), so a classroom computer left showing it gives nobody a teacher's login.
"""

from flask import abort, render_template

from ..web import localized_blueprint
from . import service
from .views import live_view, qr_response, teacher_state_response

bp = localized_blueprint("projector", __name__)


def session_or_404(token):
    """The session this projector link shows."""
    session = service.session_by_projector_token(token)
    if session is None:
        abort(404)
    return session


@bp.route("/show/<token>")
def view(token):
    """The projector view; it follows the console by itself."""
    session = session_or_404(token)
    return render_template("classroom/projector.html", token=token, **live_view(session))


@bp.route("/show/<token>/state")
def state(token):
    """The console's state, so that both screens move together."""
    return teacher_state_response(session_or_404(token))


@bp.route("/show/<token>/qr.svg")
def qr(token):
    """The join QR code."""
    return qr_response(session_or_404(token))


@bp.after_request
def keep_out_of_search_engines(response):
    """The link is a secret: no search engine, no referrer."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
