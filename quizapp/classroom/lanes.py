"""A learner's two hottest requests in a live session, taken in front of Flask: their answer, and their page.

When the teacher opens a question, the whole class loads the question within a poll's time, answers within
seconds and loads the "answered" page; in a burst of thirty-three classes these requests are most of the
server's work, and through Flask each costs several times what its real work does (the request context,
the session and CSRF hooks, WTForms, the ORM, the template). Each lane does only that work, and only for the
ordinary case; anything else goes on to Flask, which answers it as it always has (learner_routes.py).
What every lane shares (the session cookie, the CSRF check, the 303) is in quizapp/lanes.py.

**The answer** (``AnswerLane``, POST ``/<lang>/s/<token>``): the form is parsed, its CSRF token checked as
Flask-WTF checks it (signed, fresh, the one in the visitor's session cookie, and on HTTPS a referrer from
this host), the learner and their session read in one Core query, the answer checked as the form would
check it, stored with ``INSERT … ON CONFLICT DO NOTHING`` and committed on the same connection, and the
learner sent back to their page with the 303 Flask would send. Left to Flask: a survey, a self-paced
session, a learner taken out, a question that is not the open one, an answer already given, a revealed
question, an empty or tampered answer, an answer only the form can judge (a reflection, an ordering with
a step used twice), a missing or bad CSRF token. Falling through is always safe: nothing is stored until the last
step, and the unique index never stores an answer twice, so Flask finds it answered and redirects.

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

import gzip
import re

from sqlalchemy import bindparam, exists, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie
from werkzeug.wsgi import get_host

from ..database import READS, insert_once
from ..help.choice import country_in_headers
from ..help.countries import country_names
from ..i18n import traditional_chinese_wanted
from ..lanes import Lane, SeeOther, WriteTurns, parse_form, read_body
from ..questions import QUESTION_TYPES
from ..quizzes.service import tampered
from ..quizzes.widgets import field_name, widget_for
from ..security import SECURITY_HEADERS
from ..timeutil import aware, utcnow
from . import service
from .learner_pages import etag_attribute, field_key, skeleton_key
from .models import ClassSession, Participant, SessionAnswer

LEARNER_PATH = re.compile(r"^/([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)/s/([A-Za-z0-9_-]{16,32})$")  # /<lang>/s/<token>

ANSWERING = (
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
        """Read the learner, check the answer as the route would, store it; False for anything else."""
        # The reads engine: autocommit on PostgreSQL, so the read and the INSERT (one statement, atomic and
        # durable by itself) are a round trip each, without BEGIN and COMMIT. Under READ COMMITTED the INSERT
        # sees what a transaction around both would.
        engine = self.app.extensions[READS]
        with engine.connect() as connection:
            row = connection.execute(ANSWERING, {"token": token, "question_id": form.get("question", "")}).first()
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
            with self.write_turns:
                connection.execute(insert_once(SessionAnswer, engine.dialect.name), row)
                connection.commit()
        return True


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
