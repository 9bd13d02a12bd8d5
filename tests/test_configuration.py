"""Settings are checked once, at start-up: a typo stops create_app with a message naming the setting, its value,
where it was set and what is expected, instead of breaking requests later. And the tests see none of the
caller's settings (conftest.isolated_from_the_callers_settings)."""

import os
import secrets
import subprocess
import sys

import pytest

from quizapp import INSTANCE_PATH_VARIABLE, ConfigurationError, create_app

from .support import PROJECT_ROOT

# QUIZAPP_* values exactly as a deployer might type them in kizuna.env (Flask parses each as JSON, else keeps
# the string), with the expectation the message must state.
TYPOS = [
    ("TEACHER_SIGNUP", "invite-only", "'invite' or 'open'"),
    ("SESSION_RETENTION_DAYS", "thirty", "a whole number, 1 or more"),
    ("SESSION_RETENTION_DAYS", "0", "a whole number, 1 or more"),
    ("QUIZ_ATTEMPT_RETENTION_DAYS", "90d", "a whole number, 1 or more"),
    ("SESSION_MAX_PARTICIPANTS", "true", "a whole number, 1 or more"),
    ("JOIN_FAILURES_PER_WINDOW", "-1", "a whole number, 1 or more"),
    ("JOIN_FAILURES_PER_DAY", "2.5", "a whole number, 1 or more"),
    ("TEACHER_IDLE_MINUTES", "two hours", "a whole number, 1 or more"),
    ("TRUSTED_PROXIES", "yes", "a whole number, 0 or more"),
    ("SQLITE_BUSY_TIMEOUT_MS", "5s", "a whole number, 0 or more"),
    ("SQLITE_SYNCHRONOUS", "OFF", "'NORMAL' or 'FULL'"),
    ("PAGE_CACHE_MIN_USES", "0", "a whole number, 1 or more"),
    ("HELP_STALE_MONTHS", "12 months", "a whole number, 1 or more"),
    ("MAX_CONTENT_LENGTH", "256k", "a whole number, 1 or more, or None"),
    ("PUBLIC_URL", "kizuna.school.example", "an http:// or https:// address"),
    ("PUBLIC_URL", "https://kizuna.example/?x=1", "an http:// or https:// address"),
    ("LAN_ADDRESS", "192.168.1", "an IP address"),
    ("LAN_ADDRESS", "kizuna.local", "an IP address"),
    ("PASSWORD_HASH_METHOD", "scrpyt", "'scrypt'"),
    ("PASSWORD_HASH_METHOD", "pbkdf2:sha257", "'pbkdf2:<hash>'"),
    ("SECRET_KEY", "12345", "a non-empty string"),
    ("COURSES_DIR", "/nonexistent/courses", "an existing folder"),
    ("TRANSLATIONS_DIR", "/nonexistent/translations", "an existing folder"),
    ("STATIC_DIR", "/nonexistent/static", "an existing folder"),
    ("MIGRATIONS_DIR", "/nonexistent/migrations", "an existing folder"),
    ("LANGUAGES_FILE", "/nonexistent/languages.yml", "an existing file"),
]


@pytest.fixture
def database(tmp_path):
    return f"sqlite:///{tmp_path / 'settings.sqlite'}"


@pytest.mark.parametrize(("name", "value", "expected"), TYPOS, ids=[f"{name}={value}" for name, value, _ in TYPOS])
def test_a_typo_in_a_setting_stops_the_start_with_a_message_naming_it(monkeypatch, database, name, value, expected):
    monkeypatch.setenv(f"QUIZAPP_{name}", value)
    with pytest.raises(ConfigurationError) as refused:
        create_app({"TESTING": True, "DATABASE_URL": database})
    message = str(refused.value)
    assert message.startswith(f"{name} = ")
    assert f"from the environment variable QUIZAPP_{name}" in message
    assert "is not valid: expected " in message and expected in message
    assert "Settings go in" in message and "QUIZAPP_<NAME>" in message


def test_a_typo_in_the_instance_file_is_named_with_the_file(monkeypatch, tmp_path, database):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('TEACHER_SIGNUP = "invite-only"\n')
    monkeypatch.setenv(INSTANCE_PATH_VARIABLE, str(instance))
    with pytest.raises(ConfigurationError, match=r"TEACHER_SIGNUP = 'invite-only' \(set in .*instance/config\.py\) is not valid: expected 'invite' or 'open'"):
        create_app({"TESTING": True, "DATABASE_URL": database})


def test_a_language_the_languages_file_does_not_offer_stops_the_start(database):
    with pytest.raises(ConfigurationError, match="DEFAULT_LANGUAGE 'xx'"):
        create_app({"TESTING": True, "DATABASE_URL": database, "DEFAULT_LANGUAGE": "xx"})


def test_settings_as_a_deployment_writes_them_are_accepted_and_arrive_as_numbers_and_paths(monkeypatch, tmp_path, database):
    # kizuna.env as docs/DEPLOYING.md writes it, deploy/kizuna.service's Environment=, and a few more.
    for name, value in {
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database,
        "PUBLIC_URL": "https://kizuna.school.example",
        "TRUSTED_PROXIES": "1",
        "SESSION_RETENTION_DAYS": "30",
        "TEACHER_SIGNUP": "open",
        "LAN_ADDRESS": " 192.168.1.20",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "MAX_CONTENT_LENGTH": "null",
        "COURSES_DIR": "courses",  # relative to the working directory
    }.items():
        monkeypatch.setenv(f"QUIZAPP_{name}", value)
    monkeypatch.chdir(PROJECT_ROOT)
    config = create_app().config
    assert (config["TRUSTED_PROXIES"], config["SESSION_RETENTION_DAYS"], config["TEACHER_SIGNUP"]) == (1, 30, "open")
    assert config["LAN_ADDRESS"] == "192.168.1.20" and config["MAX_CONTENT_LENGTH"] is None
    assert config["COURSES_DIR"] == str(PROJECT_ROOT / "courses")


def test_the_instance_file_make_writes_is_read_and_numbers_written_as_text_are_taken(monkeypatch, tmp_path, database):
    instance = tmp_path / "instance"
    instance.mkdir()
    # What `make run` writes (Makefile: instance/config.py), plus a number someone quoted.
    (instance / "config.py").write_text(f"SECRET_KEY = {secrets.token_hex(32)!r}\nSESSION_MAX_PARTICIPANTS = '40'\n")
    monkeypatch.setenv(INSTANCE_PATH_VARIABLE, str(instance))
    monkeypatch.setenv("QUIZAPP_DATABASE_URL", database)
    app = create_app()
    assert app.instance_path == str(instance)
    assert app.config["SESSION_MAX_PARTICIPANTS"] == 40


def test_in_a_checkout_the_app_reads_the_repositorys_folders(app):
    for name, folder in (("COURSES_DIR", "courses"), ("TRANSLATIONS_DIR", "translations"), ("STATIC_DIR", "static"), ("MIGRATIONS_DIR", "migrations")):
        assert app.config[name] == str(PROJECT_ROOT / folder)
    assert app.static_folder == str(PROJECT_ROOT / "static")
    assert app.config["LANGUAGES_FILE"] == str(PROJECT_ROOT / "translations" / "languages.yml")


def test_an_app_under_test_has_the_defaults_whatever_the_caller_set(app):
    """Run on its own by the next test, with hostile settings exported; in the suite, trivially true."""
    assert app.config["TEACHER_SIGNUP"] == "invite" and app.config["SESSION_MAX_PARTICIPANTS"] == 250
    assert not app.instance_path.startswith(str(PROJECT_ROOT))
    assert app.test_client().get("/en/teach/signup").status_code == 403  # invitation only: no open sign-up form


def test_the_callers_environment_and_instance_folder_do_not_reach_the_tests(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('TEACHER_SIGNUP = "open"\nSESSION_MAX_PARTICIPANTS = 3\n')
    hostile = {"QUIZAPP_TEACHER_SIGNUP": "open", "QUIZAPP_SESSION_MAX_PARTICIPANTS": "3", "QUIZAPP_LAN_ADDRESS": "not an address", INSTANCE_PATH_VARIABLE: str(instance)}
    env = {name: value for name, value in os.environ.items() if not name.startswith("QUIZAPP_")} | hostile
    env.pop("QUIZAPP_SECRET_KEY", None)
    inner = f"{__file__}::test_an_app_under_test_has_the_defaults_whatever_the_caller_set"
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", inner], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
