"""Kizuna: localized lessons and quizzes on hikikomori, stigma and support."""

import logging
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import event

from .config import PROJECT_ROOT, DefaultConfig

log = logging.getLogger(__name__)


class ConfigurationError(RuntimeError):
    """The app cannot start with this configuration."""


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then ``instance/config.py``, then ``QUIZAPP_*``, then ``test_config``."""
    app = Flask(__name__, instance_relative_config=True, static_folder=str(PROJECT_ROOT / "static"))
    configure_settings(app, test_config)
    configure_database(app)
    configure_i18n(app)
    configure_content(app)
    configure_security(app)
    configure_static(app)
    configure_compression(app)
    register_blueprints(app)
    register_health_check(app)
    register_commands(app)
    return app


def configure_settings(app: Flask, test_config: dict | None) -> None:
    """Load configuration in order of precedence and refuse to run without a secret key."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("QUIZAPP")
    if test_config:
        app.config.update(test_config)
    if not app.config["SECRET_KEY"] and not (app.debug or app.testing):
        raise ConfigurationError(
            "SECRET_KEY is not set. Put SECRET_KEY = '<a long random string>' in "
            f"{Path(app.instance_path) / 'config.py'} or set QUIZAPP_SECRET_KEY "
            "(`make run` creates one for you)."
        )
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = "insecure-development-key"
    check_public_url(app.config["PUBLIC_URL"])
    if app.config["TEACHER_SIGNUP"] not in ("open", "invite"):
        raise ConfigurationError(f"TEACHER_SIGNUP must be 'invite' or 'open', not {app.config['TEACHER_SIGNUP']!r}.")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def check_public_url(value) -> None:
    """``PUBLIC_URL`` is printed for learners and encoded in QR codes: refuse one they could not open."""
    if value is None:
        return
    parts = urlsplit(str(value))
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(f"PUBLIC_URL must be an http:// or https:// address such as https://kizuna.school.example, not {value!r}.")


def configure_database(app: Flask) -> None:
    """SQLAlchemy and Alembic: SQLite in the instance folder unless DATABASE_URL says otherwise."""
    from .extensions import db, migrate

    url = app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'quizapp.sqlite'}"
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", url)
    if app.config["DATABASE_URL"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless each connection switches them on, and
    # fails a write at once when another is under way unless the connection is told to wait.
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", partial(configure_sqlite_connection, busy_timeout_ms=int(app.config["SQLITE_BUSY_TIMEOUT_MS"])))


def configure_sqlite_connection(dbapi_connection, connection_record, busy_timeout_ms: int) -> None:
    """Set up a new SQLite connection (outside any transaction, where these pragmas work): wait up to
    ``busy_timeout_ms`` for another connection's write, enforce foreign keys, and use write-ahead logging,
    so that reads never block the writer nor the writer the reads (gunicorn's workers and threads each have
    their own connection). The timeout comes first: switching a new file to WAL waits for the others too.
    WAL is a property of the file (kept beside it as -wal and -shm files); for an in-memory database the
    pragma changes nothing.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def configure_i18n(app: Flask) -> None:
    """Flask-Babel for the UI, shipped languages from CLDR, the ``courses`` domain for content."""
    from flask_babel import Babel, get_locale

    from .i18n import ContentCatalogs, current_language, install_escaped_gettext, languages, load_ui_catalogs, make_language_converter, make_languages, select_locale

    app.extensions["quizapp.languages"] = make_languages(app.config["LANGUAGES"])
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
    )


def configure_content(app: Flask) -> None:
    """The course library, parsed now so a broken course is logged at start-up, not on first visit."""
    from .content.repository import ContentRepository

    repository = ContentRepository(app.config["COURSES_DIR"], app.extensions["quizapp.catalogs"], watch=app.debug)
    app.extensions["quizapp.content"] = repository
    repository.library  # noqa: B018 - parse (and log errors) at start-up


def configure_security(app: Flask) -> None:
    """CSRF for every form and security headers on every response."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from .extensions import csrf, login_manager
    from .security import SessionInterface, add_security_headers
    from .teachers.models import load_teacher

    csrf.init_app(app)
    app.session_interface = SessionInterface()
    app.after_request(add_security_headers)
    if app.config["TRUSTED_PROXIES"]:
        # Behind a reverse proxy, take the client's address from it: join-code rate limits are per client.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    login_manager.init_app(app)
    login_manager.user_loader(load_teacher)


def configure_static(app: Flask) -> None:
    """Static file names fingerprinted by content, served with a year of caching (see static_files.py)."""
    from .static_files import configure_static_files

    configure_static_files(app)


def configure_compression(app: Flask) -> None:
    """gzip responses when no proxy does (settings in config.py). One Compress per app, not a shared one:
    it copies the app's settings onto itself, so a shared one would apply the last app's to every app."""
    from flask_compress import Compress

    app.extensions["quizapp.compress"] = Compress(app)


def register_blueprints(app: Flask) -> None:
    """Attach the features."""
    from . import classroom, errors, help, library, privacy, quizzes, teachers, web
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
    errors.register(app)


def register_health_check(app: Flask) -> None:
    """``/healthz`` for load balancers: does the database answer?"""
    from . import health

    health.register(app)


def register_commands(app: Flask) -> None:
    """``flask courses|translate|teachers|sessions …``."""
    from .classroom.cli import sessions_cli
    from .cli import courses_cli, translate_cli
    from .teachers.cli import teachers_cli

    app.cli.add_command(courses_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(teachers_cli)
    app.cli.add_command(sessions_cli)
