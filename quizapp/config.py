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
    # `flask courses check` warns about a help entry whose newest date (its source's, or a live check's) is
    # older than this many months.
    HELP_STALE_MONTHS = 12

    # None means "SQLite in the instance folder"; QUIZAPP_DATABASE_URL points at PostgreSQL.
    DATABASE_URL = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # On SQLite (which runs in WAL mode), how long a request waits for other requests' writes to finish before
    # it fails with "database is locked". Writes take milliseconds and queue one behind another: 200 answers
    # sent at the same moment are all stored (tests/test_sqlite_load.py), within 3 s even at 10 ms per disk sync.
    SQLITE_BUSY_TIMEOUT_MS = 5000

    # Teacher sign-up: "invite" (an invitation link from `flask teachers invite`) or "open" to anyone.
    TEACHER_SIGNUP = "invite"
    # Days after a session ends before it and all its answers are deleted (`flask sessions purge`).
    SESSION_RETENTION_DAYS = 30
    # Days a self-study quiz attempt (its URL's answers and any saved reflection) is kept; afterwards only
    # anonymous counts per answer remain, for `flask courses stats`.
    QUIZ_ATTEMPT_RETENTION_DAYS = 90
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
    # A teacher's login ends after this many minutes without a request (the console polls while open).
    TEACHER_IDLE_MINUTES = 120
    # How many reverse proxies (nginx, a load balancer) stand in front of the app; 0 when none.
    TRUSTED_PROXIES = 0

    SECRET_KEY = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 256 * 1024
    SEND_FILE_MAX_AGE_DEFAULT = 3600

    # Flask-Compress: gzip what the app sends when no proxy compresses it (nginx does: deploy/nginx.conf).
    # Static files are sent as streams, hence gzip for streams too (Flask-Compress 1.23 or later). 304s
    # and bodies under 500 bytes (the state that pages poll) are left alone.
    COMPRESS_ALGORITHM = ["gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["gzip"]
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json", "text/csv"]
    COMPRESS_MIN_SIZE = 500
