"""One session served by two app processes sharing one database: nothing lives in process memory."""

import os
import re
import shutil
import subprocess
import sys
import urllib.parse

import pytest

from quizapp.content import load_library

from .classroom_helpers import LESSON, PASSWORD
from .servers import Browser, Server
from .support import PROJECT_ROOT, TRANSLATED
from .test_quizzes import right_answers

QUIZ = load_library(PROJECT_ROOT / "courses").courses["understanding-hikikomori"].lesson("what-is-hikikomori").quiz


@pytest.fixture(params=["sqlite", "postgresql"])
def two_servers(request, tmp_path, migrated_database):
    if request.param == "sqlite":
        database = tmp_path / "shared.sqlite"
        shutil.copyfile(migrated_database, database)
        url = f"sqlite:///{database}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    env = {"QUIZAPP_SECRET_KEY": "shared-secret", "QUIZAPP_DATABASE_URL": url}
    if request.param == "postgresql":
        subprocess.run([sys.executable, "-m", "flask", "--app", "quizapp", "db", "upgrade"], cwd=PROJECT_ROOT, env=dict(os.environ, **env), check=True, capture_output=True)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "quizapp", "teachers", "create", "a@example.org", "--name", "A", "--password", PASSWORD],
        cwd=PROJECT_ROOT,
        env=dict(os.environ, **env),
        check=True,
        capture_output=True,
    )
    servers = [Server(tmp_path, f"server{n}", **env).start() for n in (1, 2)]
    yield servers
    for server in servers:
        server.stop()


def test_live_session_across_two_app_processes(two_servers):
    """Teacher on one process, learners on the other, on SQLite and on PostgreSQL."""
    one, two = two_servers
    teacher = Browser(one.url)
    status, headers, _ = teacher.post("/en/teach/login", {"email": "a@example.org", "password": PASSWORD})
    assert status == 302
    status, headers, _ = teacher.post("/en/teach/sessions/new", {"lesson": LESSON, "mode": "live", "names": "pseudonyms"})
    assert status == 302
    live = urllib.parse.urlparse(headers["Location"]).path
    code = re.search(r'class="join-code"[^>]*>(\w+)<', teacher.get(live)[2]).group(1)

    learners = []
    for language in TRANSLATED:
        learner = Browser(two.url)  # learners reach the other process
        status, headers, _ = learner.post(f"/{language}/join/{code}", {"language": language, "pseudonym": f"P-{language}"})
        assert status == 303
        learners.append((learner, urllib.parse.urlparse(headers["Location"]).path))
    assert f"{len(TRANSLATED)} learners have joined" in teacher.get(live)[2]

    def control(action):
        html = teacher.get(live)[2]
        version = re.search(r'name="version" value="(\d+)"', html).group(1)
        assert teacher.post(live + "control", {"action": action, "version": version}, form_page=live)[0] == 303

    control("start")
    question = QUIZ.questions[0]
    for learner, page in learners:
        html = learner.get(page)[2]
        assert f'name="question" value="{question.id}"' in html
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        body = {"question": question.id, "csrf_token": token, **right_answers(question)}
        assert learner.request(page, body)[0] == 303
        # The same POST resent to the other process (a retry after a lost connection) is recorded once.
        other = Browser(one.url)
        other.opener = learner.opener
        assert other.request(page, body)[0] == 303
    assert f"{len(TRANSLATED)} of {len(TRANSLATED)} have answered" in teacher.get(live)[2]
    control("reveal")
    for learner, page in learners:
        assert 'class="result"' in learner.get(page)[2]
    control("end")
    status, _, csv_text = teacher.get(live + "report.csv")
    assert status == 200
    first_question = [line for line in csv_text.splitlines() if line.startswith("question,")][0]
    assert first_question.endswith(f",{len(TRANSLATED)},100,")  # one learner per translated language, all right
