"""Default configuration. ``create_app`` layers the instance folder and ``QUIZAPP_*`` variables on top."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    """Settings every deployment starts from."""

    # Shipped languages, in the order the language picker lists them. The first is the source language.
    LANGUAGES = ("en", "ja", "es", "ar")
    DEFAULT_LANGUAGE = "en"

    COURSES_DIR = str(PROJECT_ROOT / "courses")
    TRANSLATIONS_DIR = str(PROJECT_ROOT / "translations")

    # None means "SQLite in the instance folder"; QUIZAPP_DATABASE_URL points at PostgreSQL.
    DATABASE_URL = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Teacher sign-up: "invite" (an invitation link from `flask teachers invite`) or "open" to anyone.
    TEACHER_SIGNUP = "invite"
    # Days after a session ends before it and all its answers are deleted (`flask sessions purge`).
    SESSION_RETENTION_DAYS = 30

    PASSWORD_HASH_METHOD = "scrypt"
    # How many reverse proxies (nginx, a load balancer) stand in front of the app; 0 when none.
    TRUSTED_PROXIES = 0

    SECRET_KEY = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 256 * 1024
    SEND_FILE_MAX_AGE_DEFAULT = 3600
