"""A learner's answer in a live session, taken in front of Flask.

When the teacher opens a question, the whole class answers within seconds: in a burst of thirty-three
classes this POST is most of the server's work, and through Flask it costs four times what storing it does
(the request context, the session and CSRF hooks, WTForms, the ORM). Here the ordinary answer is taken
with only what it needs: the form is parsed, its CSRF token checked as Flask-WTF checks it (signed, fresh,
the one in the visitor's session cookie, and on HTTPS a referrer from this host), the learner and their
session read in one Core query, the answer checked as the form would check it, stored with
``INSERT … ON CONFLICT DO NOTHING`` and committed on the same connection, and the learner sent back to
their page with the 303 Flask would send.

Anything out of the ordinary goes on to Flask, which answers it as it always has (learner_routes.py):
another method or path, a survey, a self-paced session, a learner taken out, a question that is not the
open one, an answer already given, a revealed question, an empty or tampered answer, a question type whose
answer needs the form (an ordering, a reflection), a missing or bad CSRF token, a browser whose language
cookie Flask would set, course files watched for changes (debug), any database error. Falling through is
always safe: nothing is stored until the last step, and a stored answer is never stored twice (the unique
index), so Flask finds it answered and redirects.
"""

import hmac
import io
import re
from urllib.parse import parse_qsl

from flask_wtf.csrf import same_origin
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import bindparam, exists, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_cookie
from werkzeug.utils import redirect

from ..database import insert_once
from ..extensions import db
from ..i18n import LANGUAGE_COOKIE
from ..questions import QUESTION_TYPES
from ..quizzes.service import tampered
from ..quizzes.widgets import field_name, widget_for
from ..security import SECURITY_HEADERS
from ..timeutil import aware, utcnow
from .models import ClassSession, Participant, SessionAnswer

ANSWER_PATH = re.compile(r"^/([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)/s/([A-Za-z0-9_-]{16,32})$")  # /<lang>/s/<token>
# A learner's answer form is well under a kilobyte; a bigger body is Flask's to judge (and to refuse).
MAX_BODY = 16 * 1024

LEARNER = (
    select(
        Participant.id,
        Participant.session_id,
        Participant.removed,
        ClassSession.mode,
        ClassSession.state,
        ClassSession.question_index,
        ClassSession.revealed,
        ClassSession.open_until,
        ClassSession.course_id,
        ClassSession.lesson_id,
        exists().where(SessionAnswer.participant_id == Participant.id, SessionAnswer.question_id == bindparam("question_id")),
    )
    .join(Participant.session)
    .where(Participant.token == bindparam("token"))
)


class AnswerLane:
    """WSGI middleware taking ordinary live answers (see the module doc)."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        config = app.config
        self.csrf_tokens = URLSafeTimedSerializer(config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, salt="wtf-csrf-token")
        self.csrf_field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        self.csrf_seconds = config.get("WTF_CSRF_TIME_LIMIT", 3600)
        self.headers = [("Vary", "Cookie"), *SECURITY_HEADERS.items()]

    def __call__(self, environ, start_response):
        match = ANSWER_PATH.match(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "POST" else None
        if match is None or not self.usable():
            return self.wsgi_app(environ, start_response)
        body = read_body(environ)
        if body is not None:
            stored = self.take(environ, match[1], match[2], body)
            if stored:
                response = redirect(f"{environ.get('SCRIPT_NAME', '')}/{match[1]}/s/{match[2]}", code=303)
                response.headers.extend(self.headers)
                return response(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def usable(self) -> bool:
        repository = self.app.extensions.get("quizapp.content")
        return repository is not None and not repository.watch and self.app.config.get("WTF_CSRF_ENABLED", True)

    def take(self, environ, lang: str, token: str, body: bytes) -> bool:
        """True once the answer stands; False to let Flask answer the request."""
        language = self.app.extensions["quizapp.languages"].get(lang)
        if language is None:
            return False
        try:
            form = MultiDict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            return False
        cookies = parse_cookie(environ)
        if "phase" in form or (language.offered and cookies.get(LANGUAGE_COOKIE) != lang) or not self.csrf_valid(environ, form, cookies):
            return False
        with self.app.app_context():
            try:
                return self.store(token, form)
            except SQLAlchemyError:
                return False  # Flask tries again, with its retry after a dropped connection, or answers 503

    def csrf_valid(self, environ, form, cookies) -> bool:
        """Flask-WTF's check (flask_wtf.csrf.CSRFProtect.protect), for a token sent in the form."""
        session = self.session(cookies)
        expected = session.get(self.csrf_field) if session else None
        sent = form.get(self.csrf_field)
        if not expected or not sent:
            return False
        try:
            signed = self.csrf_tokens.loads(sent, max_age=self.csrf_seconds)
        except BadData:
            return False
        if not isinstance(signed, str) or not hmac.compare_digest(expected, signed):
            return False
        if environ.get("wsgi.url_scheme") == "https" and self.app.config.get("WTF_CSRF_SSL_STRICT", True):
            referrer = environ.get("HTTP_REFERER")
            return bool(referrer) and same_origin(referrer, f"https://{environ.get('HTTP_HOST', '')}/")
        return True

    def session(self, cookies) -> dict | None:
        """The visitor's signed session cookie, read as Flask reads it; None when missing or not valid."""
        value = cookies.get(self.app.config["SESSION_COOKIE_NAME"])
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        if not value or serializer is None:
            return None
        try:
            data = serializer.loads(value, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except BadData:
            return None
        return data if isinstance(data, dict) else None

    def store(self, token: str, form) -> bool:
        """Read the learner, check the answer as the route would, store it; False for anything else."""
        engine = db.engine
        with engine.connect() as connection:
            row = connection.execute(LEARNER, {"token": token, "question_id": form.get("question", "")}).first()
            if row is None:
                return False
            participant_id, session_id, removed, mode, state, index, revealed, open_until, course_id, lesson_id, answered = row
            if removed or answered or mode != "live" or state != "question" or revealed or (open_until and aware(open_until) < utcnow()):
                return False
            question = open_question(self.app, course_id, lesson_id, index)
            if question is None or question.id != form.get("question") or tampered([question], form):
                return False
            answer = widget_for(question).answer_from_values(question, form.getlist(field_name(question)))
            if answer is None:
                return False
            value = answer[0]
            row = {
                "session_id": session_id,
                "participant_id": participant_id,
                "question_id": question.id,
                "value": value,
                "score": QUESTION_TYPES[question.type].score(question, value),
                "text": None,
                "answered_at": utcnow(),
            }
            # Stored now, or by a resend that won the race (the unique index keeps the first): either way the
            # learner's answer stands and Flask would redirect them to their page, as here.
            connection.execute(insert_once(SessionAnswer, engine.dialect.name), row)
            connection.commit()
        return True


def open_question(app, course_id: str, lesson_id: str, index: int):
    """The session's open question, from the parsed library; None if the lesson or quiz is gone."""
    course = app.extensions["quizapp.content"].library.courses.get(course_id)
    lesson = course.lesson(lesson_id) if course is not None else None
    quiz = lesson.quiz if lesson is not None else None
    return quiz.questions[index] if quiz is not None and 0 <= index < len(quiz.questions) else None


def read_body(environ) -> bytes | None:
    """The request's form body, put back for Flask to read again; None for anything but a small form."""
    if environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def init_app(app) -> None:
    app.wsgi_app = AnswerLane(app, app.wsgi_app)
