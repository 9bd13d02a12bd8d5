"""SQLite under `make run`'s settings (gunicorn, gthread workers × threads): a whole class answering at the
same moment is stored, every answer, with no error (WAL lets readers and the writer work side by side; the
busy timeout makes writers queue instead of failing with "database is locked")."""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

import pytest

from quizapp.content import load_library
from quizapp.extensions import db

from .classroom_helpers import LESSON, PASSWORD
from .servers import Browser, Server
from .support import PROJECT_ROOT
from .test_quizzes import right_answers

LEARNERS = 200
QUESTION = load_library(PROJECT_ROOT / "courses").courses["understanding-hikikomori"].lesson("what-is-hikikomori").quiz.questions[0]


def make_run_default(name: str) -> int:
    """A default of the Makefile (WORKERS, THREADS): the test serves the way `make run` does."""
    return int(re.search(rf"^{name} \?= (\d+)$", (PROJECT_ROOT / "Makefile").read_text(), re.M).group(1))


@pytest.fixture
def server(tmp_path, migrated_database):
    """gunicorn with `make run`'s workers and threads on an SQLite file, with teacher a@example.org."""
    database = tmp_path / "load.sqlite"
    shutil.copyfile(migrated_database, database)
    env = {"QUIZAPP_SECRET_KEY": "load-test", "QUIZAPP_DATABASE_URL": f"sqlite:///{database}", "QUIZAPP_SESSION_MAX_PARTICIPANTS": str(LEARNERS)}
    command = [sys.executable, "-m", "flask", "--app", "quizapp", "teachers", "create", "a@example.org", "--name", "A", "--password", PASSWORD]
    subprocess.run(command, cwd=PROJECT_ROOT, env=dict(os.environ, **env), check=True, capture_output=True)
    threads = make_run_default("THREADS")
    server = Server(tmp_path, "load", **env).start(workers=make_run_default("WORKERS"), extra=("--worker-class", "gthread", "--threads", str(threads)))
    yield server, database
    server.stop()


def test_every_sqlite_connection_uses_wal_and_waits_for_a_busy_database(make_app):
    app = make_app(SQLITE_BUSY_TIMEOUT_MS=1234)
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL, the default


def test_an_operator_can_make_every_sqlite_commit_wait_for_its_disk_sync(make_app):
    app = make_app(SQLITE_SYNCHRONOUS="FULL")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def stored_answers(database) -> int:
    with closing(sqlite3.connect(database)) as connection:
        return connection.execute("SELECT count(*) FROM session_answers").fetchone()[0]


def test_two_hundred_answers_sent_at_the_same_moment_on_sqlite_are_all_stored(server):
    server, database = server
    teacher = Browser(server.url)
    assert teacher.post("/en/teach/login", {"email": "a@example.org", "password": PASSWORD})[0] == 302
    status, headers, _ = teacher.post("/en/teach/sessions/new", {"lesson": LESSON, "mode": "live", "names": "anonymous"})
    assert status == 302
    live = urllib.parse.urlsplit(headers["Location"]).path
    code = re.search(r'class="join-code"[^>]*>(\w+)<', teacher.get(live)[2]).group(1)

    def join(_n):
        learner = Browser(server.url)
        status, headers, _ = learner.post(f"/en/join/{code}", {"language": "en"})
        assert status == 303, status
        return learner, urllib.parse.urlsplit(headers["Location"]).path

    with ThreadPoolExecutor(max_workers=8) as pool:
        learners = list(pool.map(join, range(LEARNERS)))
    version = re.search(r'name="version" value="(\d+)"', teacher.get(live)[2]).group(1)
    assert teacher.post(live + "control", {"action": "start", "version": version}, form_page=live)[0] == 303

    def question_form(learner_and_page):
        learner, page = learner_and_page
        html = learner.get(page)[2]
        assert f'name="question" value="{QUESTION.id}"' in html
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        return {"question": QUESTION.id, "csrf_token": token, **right_answers(QUESTION)}

    with ThreadPoolExecutor(max_workers=8) as pool:
        bodies = list(pool.map(question_form, learners))
    everyone_ready = threading.Barrier(LEARNERS)

    def answer(n):
        learner, page = learners[n]
        everyone_ready.wait()
        return learner.request(page, bodies[n])[0]

    with ThreadPoolExecutor(max_workers=LEARNERS) as pool:
        statuses = list(pool.map(answer, range(LEARNERS)))
    failed = Counter(status for status in statuses if status != 303)
    stored = stored_answers(database)
    assert not failed and stored == LEARNERS, f"{sum(failed.values())} of {LEARNERS} answers failed {dict(failed)}; {stored} stored\n{server.log_path.read_text()[-3000:]}"
