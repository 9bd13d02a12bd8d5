"""Flask extensions, created unbound and attached in ``create_app``."""

from flask_babel import lazy_gettext
from flask_login import LoginManager
from flask_migrate import Migrate
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
migrate = Migrate()
login_manager = LoginManager()
login_manager.login_view = "teachers.login"
login_manager.login_message = lazy_gettext("Please log in to see this page.")
login_manager.session_protection = "basic"
