"""What a web process carries: no migration tooling, no database connection before the workers fork, and
memory shared between preloaded workers (measured as PSS, as quizapp.testing reports it for the benchmark)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil
import pytest

from quizapp.extensions import db
from quizapp.testing import Server

from .support import PROJECT_ROOT

MIGRATION_TOOLING = ("alembic", "mako", "pygments", "flask_migrate")
# Pages that load what a worker keeps: the library, every language's catalogs, the database.
PAGES = [
    *(f"/{tag}/courses/understanding-hikikomori/what-is-hikikomori/" for tag in ("en", "ja", "ar", "es")),
    *(f"/{tag}/help" for tag in ("en", "ja", "ar", "es")),
    "/en/join",
    "/s/abcdefghijklmnop/state",
    "/healthz",
]


def run_python(code: str, **env) -> str:
    """Run ``code`` in a fresh interpreter from the checkout; its standard output."""
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=dict(os.environ, **env), capture_output=True, text=True, check=True)
    return result.stdout


def flask(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "quizapp", *args], cwd=PROJECT_ROOT, env=dict(os.environ, **env), capture_output=True, text=True)


def test_building_the_app_imports_no_migration_tooling():
    code = f"""
import json, sys
from quizapp import create_app
create_app({{"SECRET_KEY": "x"}})
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}} & {set(MIGRATION_TOOLING)!r})))
"""
    assert json.loads(run_python(code)) == []


def test_flask_db_still_upgrades_and_checks_and_is_listed(tmp_path):
    env = {"QUIZAPP_SECRET_KEY": "x", "QUIZAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}"}
    assert "db" in flask("--help", **env).stdout
    upgraded = flask("db", "upgrade", **env)
    assert upgraded.returncode == 0, upgraded.stderr
    checked = flask("db", "check", **env)
    assert checked.returncode == 0 and "No new upgrade operations detected" in checked.stdout + checked.stderr, checked.stderr
    assert "Perform database migrations" in flask("db", "--help", **env).stdout


def test_building_the_app_opens_no_database_connection(app):
    # gunicorn forks the workers from the preloaded app: a connection opened while building it would be
    # shared by every worker.
    with app.app_context():
        assert db.engine.pool.checkedin() == 0 and db.engine.pool.checkedout() == 0


def database_files(pid: int) -> list[str]:
    return [file.path for file in psutil.Process(pid).open_files() if ".sqlite" in file.path]


@pytest.fixture
def preloaded(tmp_path, migrated_database):
    """gunicorn with deploy/gunicorn.conf.py (as `make run` starts it: the app preloaded), two workers."""
    database = tmp_path / "kizuna.sqlite"
    shutil.copyfile(migrated_database, database)
    server = Server(tmp_path, "preloaded", QUIZAPP_SECRET_KEY="x", QUIZAPP_DATABASE_URL=f"sqlite:///{database}")
    server.start(workers=2, extra=["--config", "deploy/gunicorn.conf.py"])
    yield server
    server.stop()


def test_preloaded_workers_share_the_app_and_each_opens_its_own_database_connections(preloaded):
    for _round in range(6):  # enough requests for both workers to serve each page
        for path in PAGES:
            try:
                urllib.request.urlopen(preloaded.url + path, timeout=10).read()
            except urllib.error.HTTPError as error:
                assert error.code == 404, path  # the made-up learner token
    master = psutil.Process(preloaded.process.pid)
    workers = master.children()
    assert len(workers) == 2
    assert database_files(master.pid) == []
    assert any(database_files(worker.pid) for worker in workers)
    memory = preloaded.memory()
    assert memory["master"] > 0
    assert len(memory["workers"]) == 2
    for worker, pss in zip(workers, memory["workers"], strict=True):
        # Much of each worker is the master's pages, shared: its PSS counts a share of them, its RSS all.
        assert pss < 0.8 * worker.memory_info().rss, (pss, worker.memory_info().rss)


def test_a_reload_builds_the_preloaded_app_again_from_the_files_on_disk(tmp_path, migrated_database):
    # `systemctl reload kizuna` (HUP) is how an upgrade goes live without dropping requests: the new workers
    # must not be forked from the app preloaded before it.
    courses = tmp_path / "courses"
    shutil.copytree(PROJECT_ROOT / "courses", courses)
    database = tmp_path / "kizuna.sqlite"
    shutil.copyfile(migrated_database, database)
    server = Server(tmp_path, "reloaded", QUIZAPP_SECRET_KEY="x", QUIZAPP_DATABASE_URL=f"sqlite:///{database}", QUIZAPP_COURSES_DIR=str(courses))
    server.start(workers=1, extra=["--config", "deploy/gunicorn.conf.py"])
    lesson = server.url + "/en/courses/understanding-hikikomori/what-is-hikikomori/"
    try:
        assert "Added in the upgrade." not in urllib.request.urlopen(lesson, timeout=10).read().decode()
        with open(courses / "understanding-hikikomori" / "what-is-hikikomori.md", "a", encoding="utf-8") as file:
            file.write("\nAdded in the upgrade.\n")
        old_workers = psutil.Process(server.process.pid).children()
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while "Added in the upgrade." not in urllib.request.urlopen(lesson, timeout=10).read().decode():
            assert time.monotonic() < deadline, server.log_path.read_text()
            time.sleep(0.2)
        # The new worker can answer while the old one is still exiting, or exited and not yet reaped (a zombie):
        # wait for the master to be rid of it.
        while set(psutil.Process(server.process.pid).children()) & set(old_workers):
            assert time.monotonic() < deadline, server.log_path.read_text()
            time.sleep(0.1)
    finally:
        server.stop()
