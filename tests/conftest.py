"""Shared fixtures: an app on a throwaway database, its client and CLI runner, course-file factories."""

import os
import shutil
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask_migrate import upgrade

from quizapp import INSTANCE_PATH_VARIABLE, create_app
from quizapp.catalogs import Catalogs
from quizapp.extensions import db

from .support import DATA, DECLARED, PROJECT_ROOT

# Tests create many accounts: a cheap hash keeps them fast. The default (scrypt) is tested on its own.
FAST_HASH = "pbkdf2:sha256:1000"


@pytest.fixture(scope="session", autouse=True)
def isolated_from_the_callers_settings(tmp_path_factory):
    """No app the tests build sees the caller's settings, as in flaskr: every ``QUIZAPP_*`` variable is removed
    (and FLASK_DEBUG, which makes an app a debug one), and the instance folder is an empty temporary one, so
    neither ``export QUIZAPP_TEACHER_SIGNUP=open`` nor the checkout's instance/config.py changes a result.

    Through the environment, not a create_app argument, so that it also holds for the gunicorn and flask
    processes tests start (they inherit os.environ, plus the settings each passes on purpose). First of the
    session's fixtures, so that the migrated database is made in the same clean conditions.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("QUIZAPP_") or name == "FLASK_DEBUG":
                patch.delenv(name)
        patch.setenv(INSTANCE_PATH_VARIABLE, str(tmp_path_factory.mktemp("instance")))
        yield


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """The real catalogs, compiled once, as `make catalogs` does."""
    Catalogs(PROJECT_ROOT, PROJECT_ROOT / "translations", DECLARED, "en").compile()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """An SQLite file with the real migrations applied (as `make run` does), made once per run."""
    path = tmp_path_factory.mktemp("db") / "migrated.sqlite"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        db.engine.dispose()  # the last connection closed writes the WAL into the file: copies are complete
    return path


@pytest.fixture
def make_app(tmp_path, migrated_database):
    """Build an app with extra configuration on a throwaway copy of the migrated database."""

    apps = []

    def factory(**config):
        database = tmp_path / "test.sqlite"
        if not database.exists():
            shutil.copyfile(migrated_database, database)
        # Caches keep what they make from its first use, so a test of what a cache serves asks once, not
        # twice; tests/test_caches.py checks the production default (kept from the second use).
        settings = {"TESTING": True, "DATABASE_URL": f"sqlite:///{database}", "PASSWORD_HASH_METHOD": FAST_HASH, "PAGE_CACHE_MIN_USES": 1}
        settings.update(config)
        app = create_app(settings)
        apps.append(app)
        return app

    yield factory
    for app in apps:  # close pooled connections (PostgreSQL ones warn when left open)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The app on the real course library and catalogs."""
    return make_app()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def teacher(app):
    """Teacher A signed in, in the test module's ``app`` (the classroom modules make one with two teachers)."""
    from .classroom_helpers import login

    client = app.test_client()
    login(client)
    return client


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def course_tree(tmp_path):
    """A writable copy of the fixture library (one sample course and a help file)."""
    target = tmp_path / "courses"
    shutil.copytree(DATA / "courses", target)
    return target


@pytest.fixture
def write_catalog(tmp_path):
    """Compile a catalog of the given translations into a throwaway translations folder."""
    directory = tmp_path / "translations"

    def write(tag: str, domain: str, entries: dict) -> Path:
        catalog = Catalog(locale=Locale.parse(tag, sep="-"), domain=domain)
        for (context, msgid), msgstr in entries.items():
            catalog.add(msgid, msgstr, context=context)
        path = directory / str(Locale.parse(tag, sep="-")) / "LC_MESSAGES" / f"{domain}.mo"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fileobj:
            write_mo(fileobj, catalog)
        return directory

    return write


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for this test run."""
    from .postgres import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def make_pg_app(make_app, postgres):
    """Build an app on a fresh, migrated PostgreSQL database."""

    def factory(**config):
        app = make_app(DATABASE_URL=postgres.new_database(), **config)
        with app.app_context():
            upgrade()
        return app

    return factory
