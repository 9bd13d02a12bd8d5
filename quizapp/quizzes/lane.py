"""A whole quiz sent at once (feedback at the end), taken in front of Flask: POST
``/<lang>/courses/<course>/<lesson>/quiz/<token>`` (quizapp/lanes.py says what a lane is).

Through Flask, most of this request's time went to the hooks and to WTForms, which builds the quiz's whole
form (a field per question, bound to this attempt's option order) only to read back the values sent. Here
the form is parsed and its CSRF token checked as Flask-WTF checks it, the submission checked for tampering
as the route checks it (``service.tampered``), each answer read from the values as the validated form would
give it (``Widget.given_from_values``), the attempt and its answers stored in one transaction by the
route's own ``service.store_attempt``, the token added to the browser's own tokens in its session cookie as
``privacy.remember_own`` adds it, and the learner sent to the results with the route's 303.

Left to Flask: a quiz with immediate feedback, anything the form would judge (a question left unanswered, a
reflection over its length: Flask shows the error), a tampered form, a token that has an attempt already
(Flask redirects to its results), a session cookie with anything but a learner's CSRF secret, own tokens and
lessons done (a teacher's login, a flashed message), a missing or bad CSRF token, a request that would set
the language cookie, and any database error (Flask retries after a dropped connection, or answers 503).
"""

import re

from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import parse_cookie

from ..extensions import db
from ..lanes import Lane, SeeOther, WriteTurns, parse_form, read_body
from ..privacy import DONE_LESSONS, OWN_TOKENS, own_tokens_with
from ..security import SECURITY_HEADERS
from ..web import TOKEN_PATTERN
from . import service
from .widgets import widget_for

QUIZ_PATH = re.compile(r"^/([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)/courses/([^/]+)/([^/]+)/quiz/([^/]+)$")


class WholeQuizLane(Lane):
    """WSGI middleware storing ordinary whole-quiz submissions (see the module doc)."""

    def __init__(self, app, wsgi_app):
        super().__init__(app, wsgi_app)
        self.see_other = SeeOther([("Vary", "Accept-Encoding, Cookie"), *SECURITY_HEADERS.items()])
        # What an ordinary learner's session holds (Flask-Login notes "_fresh": False for a visitor who is not
        # logged in); anything else (a teacher's login, a flashed message) is Flask's to read and write back.
        self.learner_keys = {self.csrf_field, OWN_TOKENS, DONE_LESSONS, "_fresh"}
        with app.app_context():
            self.engine = db.engine  # not the reads engine: the attempt and its answers are one transaction
        self.write_turns = WriteTurns.for_engine(self.engine)

    def __call__(self, environ, start_response):
        match = QUIZ_PATH.match(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "POST" else None
        if match is None or not TOKEN_PATTERN.match(match[4]) or not self.usable():
            return self.wsgi_app(environ, start_response)
        body = read_body(environ, self.app.config.get("MAX_CONTENT_LENGTH"))
        session = self.take(environ, *match.groups(), body) if body is not None else None
        if session is None:
            return self.wsgi_app(environ, start_response)
        tag, course_id, lesson_id, token = match.groups()
        location = f"{environ.get('SCRIPT_NAME', '')}/{tag}/courses/{course_id}/{lesson_id}/quiz/{token}/results"
        return self.see_other(location, start_response, [("Set-Cookie", self.session_cookie(environ, session))])

    def take(self, environ, tag: str, course_id: str, lesson_id: str, token: str, body: bytes) -> dict | None:
        """The visitor's session with the token as their own once the attempt is stored; None to let Flask
        answer the request."""
        form = parse_form(body)
        cookies = parse_cookie(environ)
        language = self.language(tag, cookies)
        session = self.session(cookies)
        if form is None or language is None or session is None or not session.keys() <= self.learner_keys or not self.csrf_valid(environ, form, session):
            return None
        course = self.app.extensions["quizapp.content"].library.courses.get(course_id)
        lesson = course.lesson(lesson_id) if course is not None else None
        quiz = lesson.quiz if lesson is not None else None
        if quiz is None or quiz.feedback == "immediate" or service.tampered(quiz.questions, form):
            return None
        given = [widget_for(question).given_from_values(question, form) for question in quiz.questions]
        if None in given:
            return None
        answers = [service.given_answer(question, *answer) for question, answer in zip(quiz.questions, given, strict=True)]
        try:
            with self.write_turns, self.engine.connect() as connection:
                if not service.store_attempt(connection, self.engine.dialect.name, token, course, lesson, language.tag, answers):
                    return None
        except SQLAlchemyError:
            return None
        return {**session, OWN_TOKENS: own_tokens_with(session.get(OWN_TOKENS, []), token)}


def init_app(app) -> None:
    app.wsgi_app = WholeQuizLane(app, app.wsgi_app)
