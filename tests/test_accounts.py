"""Teacher accounts hardened: safe redirects, invitations used once, logins that end on the server, login
throttling without lockouts or enumeration, strong passwords, Secure cookies on HTTPS, shared computers."""

import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.teachers.models import LoginThrottle, Teacher, TeacherLogin
from quizapp.timeutil import utcnow

from .classroom_helpers import PASSWORD, create_session, join, login, make_teacher
from .servers import Browser, Server
from .support import PROJECT_ROOT


@pytest.fixture
def app(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    make_teacher(app)
    return app


def logged_in(app, email="a@example.org"):
    client = app.test_client()
    login(client, email)
    return client


def is_logged_in(client) -> bool:
    return client.get("/en/teach/").status_code == 200


# -- `next` after login -------------------------------------------------------------------------------------

BYPASSES = [
    "/\t/evil.example/",
    "/\n/evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "https://evil.example/",
    "http:/evil.example/",
    "javascript:alert(1)",
    "evil.example",
    " //evil.example/",
    "/\x00/evil.example/",
    "/\x7f/evil.example/",
]


@pytest.mark.parametrize("target", BYPASSES)
def test_login_sends_nowhere_but_a_path_on_this_site(app, target):
    response = app.test_client().post("/en/teach/login?next=" + urllib.parse.quote(target, safe=""), data={"email": "a@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/en/teach/", target


def test_login_keeps_a_path_on_this_site(app):
    target = "/en/teach/sessions/new?lesson=understanding-hikikomori/myths-and-facts"
    response = app.test_client().post("/en/teach/login?next=" + urllib.parse.quote(target, safe=""), data={"email": "a@example.org", "password": PASSWORD})
    assert response.headers["Location"] == target


# -- invitations -----------------------------------------------------------------------------------------------


def test_an_invitation_sent_by_eight_browsers_at_once_signs_up_one_account(tmp_path, migrated_database):
    database = tmp_path / "invite.sqlite"
    shutil.copyfile(migrated_database, database)
    env = {"QUIZAPP_SECRET_KEY": "invite-race", "QUIZAPP_DATABASE_URL": f"sqlite:///{database}", "QUIZAPP_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    flask = [sys.executable, "-m", "flask", "--app", "quizapp"]
    invite = subprocess.run([*flask, "teachers", "invite"], cwd=PROJECT_ROOT, env=dict(os.environ, **env), check=True, capture_output=True, text=True)
    code = invite.stdout.split("invite=")[1].split()[0]
    server = Server(tmp_path, "invite", **env).start(workers=2, extra=["--worker-class", "gthread", "--threads", "4"])
    try:
        browsers = [Browser(server.url) for _ in range(8)]
        tokens = []
        for browser in browsers:
            html = browser.get(f"/en/teach/signup?invite={code}")[2]
            tokens.append(re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1))
        barrier, statuses = threading.Barrier(8), []

        def sign_up(n):
            data = {"csrf_token": tokens[n], "invite": code, "name": f"T{n}", "email": f"t{n}@school.example", "password": PASSWORD, "confirm": PASSWORD}
            barrier.wait()
            statuses.append(browsers[n].request("/en/teach/signup", data)[0])

        threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    assert sorted(statuses) == [302] + [403] * 7
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM teachers").fetchone()[0] == 1
        assert connection.execute("SELECT COUNT(*) FROM invites WHERE used_at IS NOT NULL").fetchone()[0] == 1


# -- logins that end on the server ---------------------------------------------------------------------------


def stolen_copy(app, client):
    """Another browser with a copy of ``client``'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_logging_out_ends_the_login_on_the_server(app):
    teacher = logged_in(app)
    thief = stolen_copy(app, teacher)
    assert is_logged_in(thief)
    teacher.post("/en/teach/logout")
    assert not is_logged_in(thief)


def test_a_password_change_ends_every_other_login_but_this_one(app):
    here, elsewhere = logged_in(app), logged_in(app)
    thief = stolen_copy(app, elsewhere)
    new = "a brand new quite long passphrase"
    response = here.post("/en/teach/account", data={"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert is_logged_in(here) and not is_logged_in(elsewhere) and not is_logged_in(thief)
    assert app.test_client().post("/en/teach/login", data={"email": "a@example.org", "password": new}).status_code == 302


def test_a_password_change_needs_the_current_password_and_keeps_what_was_typed(app):
    teacher = logged_in(app)
    response = teacher.post("/ja/teach/account", data={"current": "wrong one", "password": "a brand new quite long passphrase", "confirm": "a brand new quite long passphrase"})
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert "That is not your current password." not in response.get_data(as_text=True)  # said in Japanese


def test_log_out_everywhere_ends_all_logins(app):
    here, elsewhere = logged_in(app), logged_in(app)
    here.post("/en/teach/logout-everywhere")
    assert not is_logged_in(here) and not is_logged_in(elsewhere)
    with app.app_context():
        assert db.session.scalar(select(func.count(TeacherLogin.id))) == 0


def test_reset_password_from_the_shell_ends_stolen_logins(app):
    teacher = logged_in(app)
    thief = stolen_copy(app, teacher)
    result = app.test_cli_runner().invoke(args=["teachers", "reset-password", "a@example.org"])
    assert result.exit_code == 0
    assert not is_logged_in(teacher) and not is_logged_in(thief)


def test_a_login_ends_after_the_idle_time(make_app):
    app = make_app(WTF_CSRF_ENABLED=False, TEACHER_IDLE_MINUTES=30)
    make_teacher(app)
    teacher = logged_in(app)
    assert is_logged_in(teacher)
    with app.app_context():
        db.session.execute(db.update(TeacherLogin).values(last_seen_at=utcnow() - timedelta(minutes=31)))
        db.session.commit()
    assert not is_logged_in(teacher)


# -- throttling without lockouts or enumeration --------------------------------------------------------------


def wrong(client, email="a@example.org", address="198.51.100.20"):
    return client.post("/en/teach/login", data={"email": email, "password": "not the password"}, environ_base={"REMOTE_ADDR": address})


def test_repeated_failures_make_that_account_and_address_wait_without_locking_the_teacher_out(app):
    guesser = app.test_client()
    for _ in range(5):
        assert wrong(guesser).status_code == 422
    waiting = wrong(guesser)
    assert waiting.status_code == 429 and "Wait" in waiting.get_data(as_text=True)
    # Even the right password waits from that address: nothing is checked while waiting.
    right = guesser.post("/en/teach/login", data={"email": "a@example.org", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert right.status_code == 429
    # The teacher, from the school's address, logs in at once.
    teacher = app.test_client().post("/en/teach/login", data={"email": "a@example.org", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert teacher.status_code == 302
    # The wait is short and ends by itself.
    with app.app_context():
        db.session.execute(db.update(LoginThrottle).values(last_failure_at=utcnow() - timedelta(seconds=61)))
        db.session.commit()
    assert guesser.post("/en/teach/login", data={"email": "a@example.org", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "198.51.100.20"}).status_code == 302


def test_an_unknown_email_takes_as_long_to_refuse_as_a_known_one(make_app):
    app = make_app(WTF_CSRF_ENABLED=False, PASSWORD_HASH_METHOD="scrypt")
    make_teacher(app)
    client = app.test_client()

    def timed(email, n):
        started = time.perf_counter()
        response = wrong(client, email, address=f"192.0.2.{n}")  # a fresh address each time: never throttled
        assert response.status_code == 422
        return time.perf_counter() - started

    wrong(client, "warm@example.org", address="192.0.2.200")  # the dummy hash is made once, on first use
    known = statistics.median(timed("a@example.org", n) for n in range(5))
    unknown = statistics.median(timed(f"nobody{n}@example.org", 10 + n) for n in range(5))
    assert 0.6 < known / unknown < 1.6, (known, unknown)


# -- passwords and e-mail addresses ---------------------------------------------------------------------------


def test_weak_passwords_and_invalid_email_addresses_are_refused_in_the_form(make_app):
    client = make_app(WTF_CSRF_ENABLED=False, TEACHER_SIGNUP="open").test_client()
    for email, password, message in (
        ("tanaka@school.example", "password1234", "too easy to guess"),
        ("tanaka@school.example", "tanaka@school.example", "too easy to guess"),
        ("tanaka@@school", "correct horse battery", "valid e-mail address"),
    ):
        response = client.post("/en/teach/signup", data={"name": "Ms Tanaka", "email": email, "password": password, "confirm": password})
        assert response.status_code == 422 and message in response.get_data(as_text=True), (email, password)


def test_the_shell_refuses_weak_passwords_and_invalid_email_addresses(app):
    runner = app.test_cli_runner()
    assert "too easy to guess" in runner.invoke(args=["teachers", "create", "b@example.org", "--password", "password1234"]).output
    assert "not a valid e-mail address" in runner.invoke(args=["teachers", "create", "b@@example", "--password", PASSWORD]).output
    assert runner.invoke(args=["teachers", "create", "b@example.org", "--password", PASSWORD]).exit_code == 0


def test_deleting_a_teacher_deletes_everything_it_owns(app):
    teacher = logged_in(app)
    _live, code = create_session(teacher)
    join(app.test_client(), code, "en")
    result = app.test_cli_runner().invoke(args=["teachers", "delete", "a@example.org", "--yes"])
    assert result.exit_code == 0
    from quizapp.classroom.models import ClassSession, Participant

    with app.app_context():
        for model in (Teacher, ClassSession, Participant, TeacherLogin):
            assert db.session.scalar(select(func.count(model.id))) == 0, model


# -- cookies: Secure on HTTPS, a plain-HTTP classroom still works ----------------------------------------------


def session_cookie_header(response) -> str:
    return next(header for header in response.headers.getlist("Set-Cookie") if header.startswith("session="))


def test_cookies_are_secure_over_https_and_plain_on_a_lan_over_http(make_app):
    app = make_app()  # CSRF on, as in production
    plain = app.test_client().get("/en/join")
    assert "Secure" not in session_cookie_header(plain)
    direct = app.test_client().get("/en/join", base_url="https://kizuna.school.example")
    assert "Secure" in session_cookie_header(direct)
    proxied_app = make_app(TRUSTED_PROXIES=1)
    proxied = proxied_app.test_client().get("/en/join", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in session_cookie_header(proxied)
    public_app = make_app(PUBLIC_URL="https://kizuna.school.example")
    assert "Secure" in session_cookie_header(public_app.test_client().get("/en/join"))


def test_a_learner_joins_over_plain_http_with_csrf_on(make_app):
    app = make_app(TEACHER_SIGNUP="open")
    make_teacher(app)
    teacher = app.test_client()
    page = teacher.get("/en/teach/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert teacher.post("/en/teach/login", data={"email": "a@example.org", "password": PASSWORD, "csrf_token": token}).status_code == 302
    form = teacher.get("/en/teach/sessions/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    live = teacher.post("/en/teach/sessions/new", data={"lesson": "understanding-hikikomori/what-is-hikikomori", "mode": "live", "names": "anonymous", "csrf_token": token}).headers["Location"]
    code = re.search(r'class="join-code"[^>]*>(\w+)<', teacher.get(live).get_data(as_text=True)).group(1)
    learner = app.test_client()
    form = learner.get(f"/en/join/{code}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert learner.post(f"/en/join/{code}", data={"language": "en", "csrf_token": token}).status_code == 303


# -- shared computers ----------------------------------------------------------------------------------------------


def test_a_saved_reflection_shows_only_in_the_browser_that_wrote_it_until_it_forgets(app):
    from quizapp.content import load_library

    from .test_quizzes import right_answers

    quiz = load_library(PROJECT_ROOT / "courses").courses["understanding-hikikomori"].lesson("what-is-hikikomori").quiz
    reflection = next(question for question in quiz.questions if question.type == "reflection")
    data = {}
    for question in quiz.questions:
        data.update(right_answers(question))
    from quizapp.quizzes.widgets import field_name, save_field_name

    data[field_name(reflection)] = "Something only I should read"
    data[save_field_name(reflection)] = "y"
    writer = app.test_client()
    take = writer.get("/en/courses/understanding-hikikomori/what-is-hikikomori/quiz").headers["Location"]
    results = writer.post(take, data=data).headers["Location"]
    assert "Something only I should read" in writer.get(results).get_data(as_text=True)
    next_pupil = app.test_client()  # the URL from the history, without the writer's browser session
    html = next_pupil.get(results).get_data(as_text=True)
    assert "Something only I should read" not in html and "not shown here" in html
    assert writer.post("/en/forget").status_code == 303
    assert "Something only I should read" not in writer.get(results).get_data(as_text=True)
