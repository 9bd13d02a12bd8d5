"""The data the benchmark's requests need, put into each database by the app's own models in this process: a
teacher, live sessions on their first question, learners by the thousand (inserted in one statement: joining
them one by one over HTTP is the burst's business, not the page figures'), and a browser's session cookie
with its CSRF token, which every form the benchmark posts carries (Flask-WTF ties the token to the cookie,
not to a page, so one pair serves any number of posts).

Also the databases themselves: migrated once per engine by `flask db upgrade`, then copied.
"""

import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, insert, select, text, update

from quizapp import create_app
from quizapp.classroom import service
from quizapp.classroom.models import ClassSession, Participant, SessionAnswer
from quizapp.extensions import db
from quizapp.i18n import LANGUAGE_COOKIE
from quizapp.teachers.models import Teacher

ROOT = Path(__file__).resolve().parent.parent
COURSE = "understanding-hikikomori"
LESSON = "what-is-hikikomori"  # every question type, answers at the end: the live lesson and the quiz figures
TEACHER_EMAIL = "bench@example.org"
PASSWORD = "benchmark password, long enough"
SEATS = 250  # learners per session (the app's default SESSION_MAX_PARTICIPANTS)


def migrate(url: str) -> None:
    """Apply the migrations to ``url``, as `make run` does."""
    command = [sys.executable, "-m", "flask", "--app", "quizapp", "db", "upgrade"]
    subprocess.run(command, cwd=ROOT, env=db_environment(url), check=True, capture_output=True)


def db_environment(url: str) -> dict:
    return dict(os.environ, QUIZAPP_DATABASE_URL=url)


def copy_sqlite(source: Path, target: Path) -> str:
    """A copy of a migrated SQLite file (closed, so complete without its WAL); its URL."""
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


class Classroom:
    """One database seen through the app, in this process: teacher, sessions, learners, answers."""

    def __init__(self, url: str, **settings):
        self.url = url
        self.app = create_app({"DATABASE_URL": url, **settings})
        with self.app.app_context():
            teacher = Teacher(email=TEACHER_EMAIL, name="Bench Teacher")
            teacher.set_password(PASSWORD)
            db.session.add(teacher)
            db.session.commit()
            self.teacher_id = teacher.id

    def live_sessions(self, learners: int, languages=("en",), course=COURSE, lesson=LESSON) -> list[tuple[int, str, list[str]]]:
        """Sessions of up to SEATS learners, in the lobby: (id, code, learner tokens) each."""
        created = []
        with self.app.app_context():
            remaining = learners
            while remaining > 0:
                seats = min(SEATS, remaining)
                session = ClassSession(code=service.new_code(), teacher_id=self.teacher_id, course_id=course, lesson_id=lesson, mode="live", with_survey=False, pseudonyms=False, joined=seats)
                db.session.add(session)
                db.session.flush()
                tokens = [secrets.token_urlsafe(12) for _ in range(seats)]
                rows = [{"session_id": session.id, "token": token, "language": languages[n % len(languages)]} for n, token in enumerate(tokens)]
                db.session.execute(insert(Participant), rows)
                created.append((session.id, session.code, tokens))
                remaining -= seats
            db.session.commit()
        return created

    def empty_sessions(self, count: int, course=COURSE, lesson=LESSON) -> list[tuple[int, str]]:
        """Live sessions nobody has joined yet: (id, code) each."""
        with self.app.app_context():
            sessions = [ClassSession(code=service.new_code(), teacher_id=self.teacher_id, course_id=course, lesson_id=lesson, mode="live", with_survey=False, pseudonyms=False) for _ in range(count)]
            db.session.add_all(sessions)
            db.session.commit()
            return [(session.id, session.code) for session in sessions]

    def start(self, session_ids) -> None:
        """Put these sessions on their first question, as the teacher's Start button does."""
        with self.app.app_context():
            db.session.execute(update(ClassSession).where(ClassSession.id.in_(list(session_ids))).values(state="question", question_index=0, revealed=False, version=ClassSession.version + 1))
            db.session.commit()

    def answer_count(self, session_ids=None) -> int:
        """Answers stored (in these sessions)."""
        query = select(func.count()).select_from(SessionAnswer)
        if session_ids is not None:
            query = query.where(SessionAnswer.session_id.in_(list(session_ids)))
        with self.app.app_context():
            return db.session.scalar(query)

    def browser(self) -> tuple[str, str]:
        """A visitor's cookies after an English page (as a Cookie header's value: the session and the
        language cookie, as a browser sends them back) and the CSRF token that goes with the session."""
        client = self.app.test_client()
        html = client.get("/en/teach/login").get_data(as_text=True)
        token = csrf_token(html)
        names = (self.app.config["SESSION_COOKIE_NAME"], LANGUAGE_COOKIE)
        return "; ".join(f"{name}={client.get_cookie(name).value}" for name in names), token

    def durability(self) -> str:
        """How this database makes a commit durable, as configured and as running."""
        with self.app.app_context():
            if db.engine.dialect.name == "sqlite":
                journal = db.session.execute(text("PRAGMA journal_mode")).scalar()
                synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[db.session.execute(text("PRAGMA synchronous")).scalar()]
                return f"SQLite {sqlite_version()}, journal_mode={journal}, synchronous={synchronous}"
            names = ("fsync", "synchronous_commit", "full_page_writes")
            values = {name: db.session.execute(text(f"SHOW {name}")).scalar() for name in names}
            version = db.session.execute(text("SHOW server_version")).scalar().split()[0]
            return f"PostgreSQL {version}, " + ", ".join(f"{name}={value}" for name, value in values.items())

    def dispose(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


def sqlite_version() -> str:
    return sqlite3.sqlite_version


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)
