"""What a browser may see of its own past: saved reflections only where they were written, and a way for a
learner on a shared school computer to make the browser forget them.

/<lang>/forget     forget this device (POST): Kizuna's cookies and this browser's session are cleared

A learner's page and a quiz's results live at token URLs, which stay in the browser's history. The token
alone shows answers and feedback; the text of a saved reflection also needs this browser's session (a
cookie that ends when the browser closes) to name the token as its own.
"""

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _

from .i18n import LANGUAGE_COOKIE
from .web import localized_blueprint

bp = localized_blueprint("privacy", __name__)

OWN_TOKENS = "own"
OWN_MAX = 12  # the session cookie must stay small
DONE_LESSONS = "done"  # "course/lesson" of the quizzes finished in this browser session: progress, no account
DONE_MAX = 40

# Every cookie that remembers a learner on this device, named once here for the features that set them.
SEAT_COOKIE_PREFIX = "kz_p_"  # + a session code: the learner's token there (brings a closed tab back)
BROWSER_COOKIE = "kz_b"  # a random value per browser, for the survey threshold
COUNTRY_COOKIE = "help_country"  # the country chosen on the help page
LEARNER_COOKIES = (BROWSER_COOKIE, COUNTRY_COOKIE, LANGUAGE_COOKIE)


def remember_own(token: str) -> None:
    """This browser wrote under ``token`` (a quiz attempt, a learner in a session)."""
    session[OWN_TOKENS] = own_tokens_with(session.get(OWN_TOKENS, []), token)


def own_tokens_with(tokens: list, token: str) -> list:
    """The browser's own tokens once ``token`` is added: the newest last, the oldest dropped past OWN_MAX."""
    kept = [known for known in tokens if known != token]
    return [*kept[-(OWN_MAX - 1) :], token]


def owns(token: str) -> bool:
    """True if this browser, in this browser session, wrote under ``token``."""
    return token in session.get(OWN_TOKENS, [])


def remember_lesson_done(course_id: str, lesson_id: str) -> None:
    """This browser finished the quiz of a lesson: the course pages show it as done until the browser
    closes or forgets (/forget clears the whole session)."""
    key = f"{course_id}/{lesson_id}"
    done = session.get(DONE_LESSONS, [])
    if key not in done:
        session[DONE_LESSONS] = [*done[-(DONE_MAX - 1) :], key]


def lessons_done(course_id: str) -> set[str]:
    """The ids of the lessons of a course done in this browser session."""
    prefix = course_id + "/"
    return {key.removeprefix(prefix) for key in session.get(DONE_LESSONS, []) if key.startswith(prefix)}


@bp.route("/forget", methods=["POST"])
def forget():
    """Forget this device: the next pupil at this computer sees nothing of this one's."""
    session.clear()
    response = redirect(url_for("library.index"), code=303)
    for name in request.cookies:
        if name in LEARNER_COOKIES or name.startswith(SEAT_COOKIE_PREFIX):
            response.delete_cookie(name)
    flash(_("This device has forgotten you: your saved reflections and sessions no longer show here."))
    return response
