"""Flask extensions, created unbound and attached in ``create_app``."""

from flask_babel import lazy_gettext
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for all models."""


csrf = CSRFProtect()
db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
login_manager.login_view = "teachers.login"
login_manager.login_message = lazy_gettext("Please log in to see this page.")
login_manager.session_protection = "basic"
