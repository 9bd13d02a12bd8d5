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
    # Learners one session takes at most (a school hall's worth); a teacher can also lock the room.
    SESSION_MAX_PARTICIPANTS = 250
    # Wrong join codes typed from one address (a whole school behind one NAT counts as one) before it must
    # wait: per ten minutes, and per day. Links and QR codes never count. See docs/RUNNING-A-SESSION.md.
    JOIN_FAILURES_PER_WINDOW = 60
    JOIN_FAILURES_PER_DAY = 300

    # The address learners open, e.g. "https://kizuna.school.example" (the join link and QR code use it).
    # None: the address the teacher's browser used, or else this machine's LAN address.
    PUBLIC_URL = None
    # This machine's address on the room's network, when it has several and picks the wrong one.
    LAN_ADDRESS = None

    PASSWORD_HASH_METHOD = "scrypt"
    # How many reverse proxies (nginx, a load balancer) stand in front of the app; 0 when none.
    TRUSTED_PROXIES = 0

    SECRET_KEY = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 256 * 1024
    SEND_FILE_MAX_AGE_DEFAULT = 3600
