"""Flask extensions, created unbound and attached in ``create_app``; Flask-Migrate only when something uses it."""

import click
from flask_babel import lazy_gettext
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Every constraint and index gets a predictable name (as Indico does), so migrations can drop or alter
# it by name on SQLite and PostgreSQL alike. Constraints given an explicit name keep it, except CHECK
# constraints: their short name ("state") becomes ck_<table>_state.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for all models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


csrf = CSRFProtect()
db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
login_manager.login_view = "teachers.login"
login_manager.login_message = lazy_gettext("Please log in to see this page.")
login_manager.session_protection = "basic"


# Flask-Migrate imports Alembic, which imports Mako and Pygments: about 11 MB in every web worker for commands
# only `flask db` runs. So the app carries two stand-ins that import it on first use.


class LazyMigrate:
    """``app.extensions["migrate"]`` until something reads it (`flask db …`, or flask_migrate's functions
    called from Python, as the tests do): then Flask-Migrate is set up for real, replacing this entry, and
    the attribute asked for comes from the real one."""

    def __init__(self, app, db, directory: str):
        self._setup = (app, db, directory)

    def __getattr__(self, name):
        from flask_migrate import Migrate

        app, db, directory = self._setup
        Migrate(app, db, directory=directory)
        return getattr(app.extensions["migrate"], name)


class MigrationCommands(click.Group):
    """`flask db …`, listed with the other commands but imported only when it runs."""

    def __init__(self):
        super().__init__("db", help="Perform database migrations (Flask-Migrate).")

    def make_context(self, info_name, args, parent=None, **extra):
        """Flask-Migrate's own group takes over: its options, its subcommands, its help."""
        from flask_migrate.cli import db as migration_commands

        return migration_commands.make_context(info_name, args, parent=parent, **extra)
