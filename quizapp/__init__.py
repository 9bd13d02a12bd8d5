"""Kizuna: localized lessons and quizzes on hikikomori, stigma and support."""

from __future__ import annotations

import logging
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

# Flask is imported where the app is built, not here: importing any part of the package runs this file,
# and the course parser, the question types and Babel's extractor must load without a web framework.
if TYPE_CHECKING:
    from flask import Flask

from .config import ConfigurationError, DefaultConfig, resolve_folders, validate

log = logging.getLogger(__name__)

ENV_PREFIX = "QUIZAPP"
# Where instance/config.py and the default SQLite file live, when not Flask's instance/ beside the checkout
# (or <prefix>/var/quizapp-instance for an installed wheel). Read before any setting, since settings live there;
# the tests point it at a temporary folder so that a developer's instance/config.py never reaches them.
INSTANCE_PATH_VARIABLE = f"{ENV_PREFIX}_INSTANCE_PATH"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then ``instance/config.py``, then ``QUIZAPP_*``, then ``test_config``."""
    from flask import Flask

    # The static folder is a setting (STATIC_DIR), known once the settings are read: Flask makes the /static
    # route now, and configure_settings points it at the folder.
    app = Flask(__name__, instance_path=instance_path(), instance_relative_config=True, static_url_path="/static")
    configure_settings(app, test_config)
    configure_database(app)
    configure_i18n(app)
    configure_content(app)
    configure_security(app)
    configure_static(app)
    configure_compression(app)
    configure_page_cache(app)
    configure_lanes(app)
    configure_proxy(app)
    register_blueprints(app)
    register_health_check(app)
    register_commands(app)
    return app


def instance_path() -> str | None:
    """``QUIZAPP_INSTANCE_PATH`` made absolute (as Flask requires), or None for Flask's default."""
    value = os.environ.get(INSTANCE_PATH_VARIABLE)
    return os.path.abspath(value) if value else None


def configure_settings(app: Flask, test_config: dict | None) -> None:
    """Load configuration in order of precedence, fill in the shipped folders and check every setting once,
    so that a typo stops the start with a message naming it rather than breaking requests later."""
    instance_file = Path(app.instance_path) / "config.py"
    sources = load_settings(app, test_config, instance_file)
    require_secret_key(app)
    resolve_folders(app.config)
    validate(app.config, sources, f"Settings go in {instance_file} or in {ENV_PREFIX}_<NAME> environment variables (docs/DEPLOYING.md).")
    app.static_folder = app.config["STATIC_DIR"]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def load_settings(app: Flask, test_config: dict | None, instance_file: Path) -> dict[str, str]:
    """Layer the settings onto ``app.config``; return where each non-default one came from, for messages."""
    app.config.from_object(DefaultConfig)
    defaults = dict(app.config)
    app.config.from_pyfile(str(instance_file), silent=True)
    sources = {name: f"set in {instance_file}" for name, value in app.config.items() if name not in defaults or defaults[name] != value}
    app.config.from_prefixed_env(ENV_PREFIX)
    prefix = f"{ENV_PREFIX}_"
    sources.update({name.removeprefix(prefix): f"from the environment variable {name}" for name in os.environ if name.startswith(prefix)})
    if test_config:
        app.config.update(test_config)
        sources.update(dict.fromkeys(test_config, "in create_app's test_config"))
    return sources


def require_secret_key(app: Flask) -> None:
    """Refuse to run in production without a secret key; debug and tests get a fixed, insecure one."""
    if not app.config["SECRET_KEY"] and not (app.debug or app.testing):
        raise ConfigurationError(
            "SECRET_KEY is not set. Put SECRET_KEY = '<a long random string>' in "
            f"{Path(app.instance_path) / 'config.py'} or set QUIZAPP_SECRET_KEY "
            "(`make run` creates one for you)."
        )
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = "insecure-development-key"


def configure_database(app: Flask) -> None:
    """SQLAlchemy and Alembic: SQLite in the instance folder unless DATABASE_URL says otherwise; a dropped
    connection retried once instead of a ping before every use (database.py)."""
    from sqlalchemy import event

    from .database import configure_reconnect
    from .extensions import LazyMigrate, db

    url = app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'quizapp.sqlite'}"
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", url)
    if app.config["DATABASE_URL"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(app)
    configure_reconnect(app)
    # Flask-Migrate (and Alembic, Mako, Pygments) is imported by `flask db` alone, not by web workers.
    app.extensions["migrate"] = LazyMigrate(app, db, app.config["MIGRATIONS_DIR"])
    # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless each connection switches them on, and
    # fails a write at once when another is under way unless the connection is told to wait.
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                settings = {"busy_timeout_ms": int(app.config["SQLITE_BUSY_TIMEOUT_MS"]), "synchronous": app.config["SQLITE_SYNCHRONOUS"]}
                event.listen(engine, "connect", partial(configure_sqlite_connection, **settings))


def configure_sqlite_connection(dbapi_connection, connection_record, busy_timeout_ms: int, synchronous: str) -> None:
    """Set up a new SQLite connection (outside any transaction, where these pragmas work): wait up to
    ``busy_timeout_ms`` for another connection's write, enforce foreign keys, and use write-ahead logging,
    so that reads never block the writer nor the writer the reads (gunicorn's workers and threads each have
    their own connection). The timeout comes first: switching a new file to WAL waits for the others too.
    WAL is a property of the file (kept beside it as -wal and -shm files); for an in-memory database the
    pragma changes nothing. ``synchronous`` (NORMAL or FULL, checked with the settings; a per-connection
    setting): see Config.SQLITE_SYNCHRONOUS.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA synchronous = {synchronous}")
    cursor.close()


def configure_i18n(app: Flask) -> None:
    """Flask-Babel for the UI, the languages file (offered and incubating, CLDR data), the ``courses`` domain."""
    from flask_babel import Babel, get_locale

    from .i18n import (
        ContentCatalogs,
        current_language,
        install_escaped_gettext,
        languages,
        load_languages,
        load_ui_catalogs,
        make_language_converter,
        offered_languages,
        select_locale,
        traditional_chinese_note,
    )

    app.extensions["quizapp.languages"] = load_languages(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = app.config["TRANSLATIONS_DIR"]
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LANGUAGE"]
    # One Babel per app, not a shared module-level one: Flask-Babel caches loaded catalogs on the
    # instance by locale only, so two apps with different catalogs in one process would share them.
    Babel(app, locale_selector=select_locale)
    install_escaped_gettext(app)
    load_ui_catalogs(app)
    app.url_map.converters["lang"] = make_language_converter(app.config["LANGUAGES"])
    app.extensions["quizapp.catalogs"] = ContentCatalogs(app.config["TRANSLATIONS_DIR"], watch=app.debug)
    app.jinja_env.globals.update(
        get_locale=get_locale,
        current_language=current_language,
        languages=languages,
        offered_languages=offered_languages,
        traditional_chinese_note=traditional_chinese_note,
    )


def configure_content(app: Flask) -> None:
    """The course library, parsed now so a broken course is logged at start-up, not on first visit."""
    from .content.repository import ContentRepository

    repository = ContentRepository(app.config["COURSES_DIR"], app.extensions["quizapp.catalogs"], watch=app.debug)
    app.extensions["quizapp.content"] = repository
    repository.library  # noqa: B018 - parse (and log errors) at start-up


def configure_security(app: Flask) -> None:
    """CSRF for every form and security headers on every response."""
    from .extensions import csrf, login_manager
    from .security import SessionInterface, add_security_headers
    from .teachers.models import load_teacher

    csrf.init_app(app)
    app.session_interface = SessionInterface()
    app.after_request(add_security_headers)
    login_manager.init_app(app)
    login_manager.user_loader(load_teacher)


def configure_static(app: Flask) -> None:
    """Static file names fingerprinted by content, served with a year of caching (see static_files.py)."""
    from .static_files import configure_static_files

    configure_static_files(app)


def configure_page_cache(app: Flask) -> None:
    """Lessons, courses, the library, help and guides served from rendered bytes (see page_cache.py)."""
    from . import page_cache
    from .quizzes import fragments

    page_cache.init_app(app)
    fragments.init_app(app)


def configure_lanes(app: Flask) -> None:
    """Learners' live answers, pages and state polls (classroom/lanes.py and state_poll.py: in a class, most
    requests are these) and whole quizzes sent at once (quizzes/lane.py) taken in front of Flask."""
    from .classroom import lanes, state_poll
    from .quizzes import lane

    lane.init_app(app)
    lanes.init_app(app)
    state_poll.init_app(app)


def configure_proxy(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address (join-code rate limits are per client),
    scheme and host come from their X-Forwarded-* headers. The outermost layer, so that every layer inside
    sees them: the answer lane's CSRF check on HTTPS, the page cache's keys, Flask."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def configure_compression(app: Flask) -> None:
    """gzip responses when no proxy does (settings in config.py). One Compress per app, not a shared one:
    it copies the app's settings onto itself, so a shared one would apply the last app's to every app."""
    from flask_compress import Compress

    app.extensions["quizapp.compress"] = Compress(app)


def register_blueprints(app: Flask) -> None:
    """Attach the features."""
    from . import classroom, errors, help, library, privacy, quizzes, teachers, translating, web
    from .classroom.learner_routes import short

    app.register_blueprint(web.bp)
    app.register_blueprint(library.bp)
    app.register_blueprint(quizzes.bp)
    app.register_blueprint(help.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(teachers.bp)
    app.register_blueprint(classroom.bp)
    app.register_blueprint(classroom.learn_bp)
    app.register_blueprint(classroom.projector_bp)
    app.register_blueprint(short)
    app.register_blueprint(translating.bp)
    errors.register(app)
    web.install_fixed_urls(app)


def register_health_check(app: Flask) -> None:
    """``/healthz`` for load balancers: does the database answer?"""
    from . import health

    health.register(app)


def register_commands(app: Flask) -> None:
    """``flask courses|translate|teachers|sessions|db …``."""
    from .classroom.cli import sessions_cli
    from .cli import courses_cli, translate_cli
    from .extensions import MigrationCommands
    from .teachers.cli import teachers_cli
    from .translating.new import translate_new
    from .translating.review import translate_sample

    translate_cli.add_command(translate_new)
    translate_cli.add_command(translate_sample)
    app.cli.add_command(MigrationCommands())
    app.cli.add_command(courses_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(teachers_cli)
    app.cli.add_command(sessions_cli)
