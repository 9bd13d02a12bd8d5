"""A learner's two hottest requests in a live session, taken in front of Flask: their answer, and their page.

When the teacher opens a question, the whole class loads the question within a poll's time, answers within
seconds and loads the "answered" page; in a burst of thirty-three classes these requests are most of the
server's work, and through Flask each costs several times what its real work does (the request context,
the session and CSRF hooks, WTForms, the ORM, the template). Each lane does only that work, and only for the
ordinary case; anything else goes on to Flask, which answers it as it always has (learner_routes.py).
What every lane shares (the session cookie, the CSRF check, the 303) is in quizapp/lanes.py.

**The answer** (``AnswerLane``, POST ``/<lang>/s/<token>``): the form is parsed, its CSRF token checked as
Flask-WTF checks it (signed, fresh, the one in the visitor's session cookie, and on HTTPS a referrer from
this host), and the answer checked and scored as the form would, for the quiz question the form names (its
id names one lesson and place in the library). Then one statement, ``INSERT … SELECT … ON CONFLICT DO
NOTHING RETURNING``, reads the learner and their session, stores the answer only if that question is the
session's open one and the learner may answer it, and gives back the new row: one round trip on
PostgreSQL, in autocommit, sent by psycopg itself (database.DriverStatement). If a row came back, the
learner is sent to their page with the 303 Flask would send. Left to Flask (no row, or not tried): a
survey, a self-paced session, a learner taken out, a question that is not the open one, an answer already
given, a revealed question, a closed session, an empty or tampered answer, an answer only the form can
judge (a reflection, an ordering with a step used twice), a question id that two quiz questions share, a
missing or bad CSRF token. Falling through is always safe: the statement stored nothing, or the unique
index kept the first answer, so Flask finds it answered and redirects.

**The page** (``LearnerPageLane``, GET ``/<lang>/s/<token>``): the steps every learner of a lesson sees
alike (waiting, a fresh question, answered) are kept as skeletons by learner_pages.py, filled by Flask on
each request. Here the same skeleton is found by the same key, computed from the learner's row (one Core
read, with their answers: did they answer the open question?) and the request's headers, and filled with the same
values: the learner's token, a CSRF token signed from their session as Flask-WTF signs it, their session's
code and state ETag, and the question's field in their option order (kept beside the skeleton when Flask
first filled it for that order). Left to Flask: a page no skeleton or field is kept for yet (Flask renders
it and keeps them), a learner with a pseudonym, taken out, or in another language, a survey, a reveal,
results, self-paced sessions, a page with a form for a session cookie without a CSRF secret (Flask makes one
and sets the cookie), a flashed message.

Both lanes leave a request to Flask when it would set a cookie (no language cookie for this language yet),
when the course files are watched (debug), when pages are not cached or CSRF is off, when Flask checks the
Host against TRUSTED_HOSTS, and on any database error (Flask retries after a dropped connection, or answers
503).
"""

import functools
import gzip
import re

from sqlalchemy import bindparam, false, or_, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie
from werkzeug.wsgi import get_host

from ..database import READS, DriverStatement, dialect_insert
from ..help.choice import country_in_headers
from ..help.countries import country_names
from ..i18n import traditional_chinese_wanted
from ..lanes import Lane, SeeOther, WriteTurns, parse_form, read_body
from ..questions import QUESTION_TYPES
from ..quizzes.service import tampered
from ..quizzes.widgets import field_name, widget_for
from ..security import SECURITY_HEADERS
from ..timeutil import utcnow
from . import service
from .learner_pages import etag_attribute, field_key, skeleton_key
from .models import ClassSession, Participant, SessionAnswer

LEARNER_PATH = re.compile(r"^/([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)/s/([A-Za-z0-9_-]{16,32})$")  # /<lang>/s/<token>

# The answer in one statement: the learner's row and their session's are read, checked and the answer
# stored together, or nothing happens and no row comes back. The open question is the one the lane scored
# the answer for (course, lesson, index); the unique index skips a resend.
ANSWER_CHOSEN = (
    select(
        ClassSession.id,
        Participant.id,
        bindparam("question_id", type_=SessionAnswer.question_id.type),
        bindparam("value", type_=SessionAnswer.value.type),
        bindparam("score", type_=SessionAnswer.score.type),
        bindparam("answered_at", type_=SessionAnswer.answered_at.type),
    )
    .join(Participant.session)
    .where(
        Participant.token == bindparam("token"),
        Participant.removed.is_(false()),
        ClassSession.mode == "live",
        ClassSession.state == "question",
        ClassSession.revealed.is_(false()),
        or_(ClassSession.open_until.is_(None), ClassSession.open_until >= bindparam("answered_at")),
        ClassSession.course_id == bindparam("course_id"),
        ClassSession.lesson_id == bindparam("lesson_id"),
        ClassSession.question_index == bindparam("question_index"),
    )
)
ANSWER_COLUMNS = ("session_id", "participant_id", "question_id", "value", "score", "answered_at")
LEARNER_PAGE = (
    select(
        Participant.id,
        Participant.language,
        Participant.removed,
        Participant.pseudonym,
        ClassSession.code,
        ClassSession.mode,
        ClassSession.state,
        ClassSession.question_index,
        ClassSession.revealed,
        ClassSession.version,
        ClassSession.course_id,
        ClassSession.lesson_id,
        ClassSession.country,
        ClassSession.with_survey,
        SessionAnswer.question_id.label("answered"),
    )
    .join(Participant.session)
    # The learner's answers in the same read (a row each, at most a quiz's questions; one row without any):
    # which one is open is known only once the session's row is in hand.
    .outerjoin(SessionAnswer, SessionAnswer.participant_id == Participant.id)
    .where(Participant.token == bindparam("token"))
)


class AnswerLane(Lane):
    """WSGI middleware taking ordinary live answers (see the module doc)."""

    def __init__(self, app, wsgi_app):
        super().__init__(app, wsgi_app)
        self.see_other = SeeOther([("Vary", "Cookie, Accept-Language, Accept-Encoding"), *SECURITY_HEADERS.items()])  # as the route says
        self.write_turns = WriteTurns.for_engine(app.extensions[READS])
        self._places = (None, {})

    def __call__(self, environ, start_response):
        match = LEARNER_PATH.match(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "POST" else None
        if match is None or not self.usable():
            return self.wsgi_app(environ, start_response)
        body = read_body(environ, self.app.config.get("MAX_CONTENT_LENGTH"))
        if body is not None and self.take(environ, match[1], match[2], body):
            return self.see_other(f"{environ.get('SCRIPT_NAME', '')}/{match[1]}/s/{match[2]}", start_response)
        return self.wsgi_app(environ, start_response)

    def take(self, environ, tag: str, token: str, body: bytes) -> bool:
        """True once the answer stands; False to let Flask answer the request."""
        form = parse_form(body)
        if form is None:
            return False
        cookies = parse_cookie(environ)
        if "phase" in form or self.language(tag, cookies) is None or not self.csrf_valid(environ, form, self.session(cookies)):
            return False
        try:
            return self.store(token, form)
        except SQLAlchemyError:
            return False

    def store(self, token: str, form) -> bool:
        """Check the answer as the route would and store it in one statement; False for anything else."""
        place = self.places().get(form.get("question", ""))
        if place is None:
            return False
        course_id, lesson_id, index, question = place
        if tampered([question], form):
            return False
        answer = widget_for(question).answer_from_values(question, form.getlist(field_name(question)))
        if answer is None:
            return False
        value = answer[0]
        row = {
            "token": token,
            "course_id": course_id,
            "lesson_id": lesson_id,
            "question_index": index,
            "question_id": question.id,
            "value": value,
            "score": QUESTION_TYPES[question.type].score(question, value),
            "answered_at": utcnow(),
        }
        engine = self.app.extensions[READS]
        if engine.dialect.name == "postgresql":  # one round trip in autocommit (atomic and durable by itself)
            return answer_by_driver(engine.dialect).first(engine, row) is not None
        with engine.connect() as connection, self.write_turns:
            stored = connection.execute(answer_once(engine.dialect.name), row).first()
            connection.commit()
        return stored is not None

    def places(self) -> dict:
        """Each question id of the library's quizzes → (course id, lesson id, index, question), for the ids
        that only one quiz question has (an id two lessons share is left to Flask, which reads the session's
        lesson first). Made again when the library is."""
        library = self.app.extensions["quizapp.content"].library
        if self._places[0] is not library:
            self._places = (library, question_places(library))
        return self._places[1]


def question_places(library) -> dict:
    """See ``AnswerLane.places``."""
    places, shared = {}, set()
    for course in library.courses.values():
        for lesson in course.lessons:
            for index, question in enumerate(lesson.quiz.questions if lesson.quiz is not None else ()):
                if question.id in places:
                    shared.add(question.id)
                places[question.id] = (course.id, lesson.id, index, question)
    return {question_id: place for question_id, place in places.items() if question_id not in shared}


@functools.cache
def answer_once(dialect_name: str):
    """The answer's INSERT … SELECT (ANSWER_CHOSEN), skipping a resend, returning the new row's id: built once
    per process (building it and its cache key cost as much as running it)."""
    statement = dialect_insert(dialect_name)(SessionAnswer.__table__).from_select(ANSWER_COLUMNS, ANSWER_CHOSEN)
    return statement.on_conflict_do_nothing().returning(SessionAnswer.__table__.c.id)


@functools.cache
def answer_by_driver(dialect) -> DriverStatement:
    """``answer_once`` on PostgreSQL, sent by psycopg itself (database.DriverStatement)."""
    return DriverStatement(answer_once(dialect.name), dialect)


class LearnerPageLane(Lane):
    """WSGI middleware serving learners' pages from the kept skeletons (see the module doc)."""

    def __init__(self, app, wsgi_app):
        super().__init__(app, wsgi_app)
        self.headers = [("Vary", "Cookie, Accept-Language, Accept-Encoding"), *SECURITY_HEADERS.items()]
        self.gzip_level = app.config.get("COMPRESS_LEVEL", 6)
        self.gzip_from = app.config.get("COMPRESS_MIN_SIZE", 500)

    def usable(self) -> bool:
        return super().usable() and self.app.config.get("PAGE_CACHE", True)  # its skeletons are the page cache's

    def __call__(self, environ, start_response):
        match = LEARNER_PATH.match(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "GET" else None
        html = self.page(environ, match[1], match[2]) if match is not None and self.usable() else None
        if html is None:
            return self.wsgi_app(environ, start_response)
        body = html.encode()
        headers = [("Content-Type", "text/html; charset=utf-8"), *self.headers]
        if takes_gzip(environ) and len(body) >= self.gzip_from:
            body = gzip.compress(body, self.gzip_level)
            headers.append(("Content-Encoding", "gzip"))
        start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def page(self, environ, tag: str, token: str) -> str | None:
        """The learner's page from a skeleton, or None to let Flask answer."""
        cookies = parse_cookie(environ)
        language = self.language(tag, cookies)
        session = self.session(cookies) or {}
        if language is None or "_flashes" in session:
            return None
        try:
            found = self.shared_step(token, tag)
        except SQLAlchemyError:
            return None
        if found is None:
            return None
        row, step, question, number = found
        repository = self.app.extensions["quizapp.content"]
        sources = (repository.library, repository.catalogs.get(language.babel_id), self.ui_translations(language))
        countries = country_names(language.locale)
        accepted = [value for value, _quality in parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)]
        country = row.country if row.country in countries else country_in_headers(cookies, accepted, countries)
        key = skeleton_key(
            row.course_id,
            row.lesson_id,
            step,
            question,
            number,
            language,
            sources,
            country,
            traditional_chinese_wanted(language, accepted),
            get_host(environ),
            environ.get("SCRIPT_NAME", "").rstrip("/"),
        )
        field = ""
        if step == "question":  # first: what sends the learner to Flask anyway, before a look at the skeleton
            if not session.get(self.csrf_field):
                return None  # the answer form needs a CSRF secret: Flask makes one and sets the session cookie
            field = self.app.extensions["quizapp.learner_fields"].get(field_key(key, question, token), sources)
            if field is None:
                return None
        skeleton = self.app.extensions["quizapp.learner_pages"].get(key, sources)
        if skeleton is None:
            return None
        csrf = ""
        if "csrf" in skeleton.holes:  # a page with a form: signed from the session's secret, as Flask-WTF does
            if not session.get(self.csrf_field):
                return None  # Flask makes the secret, and sets the session cookie that keeps it
            csrf = self.csrf_tokens.dumps(session[self.csrf_field])
        return skeleton.fill({"token": token, "csrf": csrf, "code": row.code, "etag": etag_attribute(service.learner_etag(row.version)), "field": field})

    def shared_step(self, token: str, tag: str):
        """(the learner's row, step, question, number) when their page is one every learner sees alike;
        None otherwise. One read, in autocommit on PostgreSQL (no BEGIN, no ROLLBACK): one round trip."""
        with self.app.extensions[READS].connect() as connection:
            rows = connection.execute(LEARNER_PAGE, {"token": token}).all()
        row = rows[0] if rows else None
        if row is None or row.language != tag or row.removed or row.pseudonym is not None or row.mode != "live" or row.with_survey:
            return None
        if row.state == "lobby":
            return row, "waiting", None, None
        if row.state != "question" or row.revealed:
            return None
        question = open_question(self.app, row.course_id, row.lesson_id, row.question_index)
        if question is None:
            return None
        answered = any(each.answered == question.id for each in rows)
        return row, "answered" if answered else "question", question, row.question_index + 1

    def ui_translations(self, language):
        """The interface catalog Flask-Babel gives pages in ``language`` (loaded at start-up: i18n.load_ui_catalogs)."""
        return self.app.extensions["babel"].instance.domain_instance.cache.get((language.babel_id, "messages"))


def takes_gzip(environ) -> bool:
    """Whether the client asked for gzip, as Flask-Compress reads Accept-Encoding."""
    accepted = parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING"))
    return accepted["gzip"] > 0


def open_question(app, course_id: str, lesson_id: str, index: int):
    """The session's open question, from the parsed library; None if the lesson or quiz is gone."""
    course = app.extensions["quizapp.content"].library.courses.get(course_id)
    lesson = course.lesson(lesson_id) if course is not None else None
    quiz = lesson.quiz if lesson is not None else None
    return quiz.questions[index] if quiz is not None and 0 <= index < len(quiz.questions) else None


def init_app(app) -> None:
    app.wsgi_app = LearnerPageLane(app, AnswerLane(app, app.wsgi_app))
