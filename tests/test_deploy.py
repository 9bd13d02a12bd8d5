"""The deployment, for real: fingerprinted static files, compression, the health check, the systemd units,
and Debian's nginx started from the shipped deploy/nginx.conf in front of a real gunicorn.

nginx runs from deploy/nginx.conf with only its ports, paths and server name replaced (every replacement
must find its target, so a changed file cannot silently escape the test), on loopback ports with a
throwaway certificate for kizuna.test, a reserved name used only as Host and SNI: every connection goes to
127.0.0.1. Clients connect from different loopback source addresses (127.0.0.2 and up), so the address
nginx sees, and forwards, differs from the address gunicorn sees (nginx's, 127.0.0.1).
"""

import gzip
import hashlib
import html
import http.client
import http.cookiejar
import json
import logging
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask, url_for

from quizapp import create_app
from quizapp.content import load_library
from quizapp.extensions import db
from quizapp.static_files import configure_static_files

from .classroom_helpers import LESSON, PASSWORD, create_session, join, login, make_teacher
from .conftest import FAST_HASH
from .servers import Browser, NoRedirect, Server, free_port
from .support import PROJECT_ROOT
from .test_quizzes import right_answers

DEPLOY = PROJECT_ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOSTNAME = "kizuna.test"
ONE_YEAR_IMMUTABLE = "public, max-age=31536000, immutable"
QUIZ = load_library(PROJECT_ROOT / "courses").courses["understanding-hikikomori"].lesson("what-is-hikikomori").quiz
LESSON_PAGE = f"/en/courses/{LESSON}/"
GZIP = {"Accept-Encoding": "gzip"}


# --- Static files: names that change with their content -------------------------------------------------


def test_static_urls_carry_the_files_content_hash(app):
    with app.test_request_context():
        css, js = url_for("static", filename="css/app.css"), url_for("static", filename="js/live.js")
    assert css == f"/static/css/app.{sha8(PROJECT_ROOT / 'static/css/app.css')}.css"
    assert js == f"/static/js/live.{sha8(PROJECT_ROOT / 'static/js/live.js')}.js"


def test_fingerprinted_file_is_cached_for_a_year_and_its_plain_name_for_an_hour(client):
    with client.application.test_request_context():
        css = url_for("static", filename="css/app.css")
    fingerprinted = load(client, css)
    assert fingerprinted.status_code == 200
    assert fingerprinted.headers["Cache-Control"] == ONE_YEAR_IMMUTABLE
    assert fingerprinted.get_data() == (PROJECT_ROOT / "static/css/app.css").read_bytes()
    plain = load(client, "/static/css/app.css")
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "public, max-age=3600"


def test_a_changed_file_gets_a_new_name_and_its_old_name_is_no_longer_immutable(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    sheet = static / "css" / "site.css"
    sheet.write_text("a{}")
    app = Flask(__name__, static_folder=str(static))
    configure_static_files(app)
    client = app.test_client()
    with app.test_request_context():
        first = url_for("static", filename="css/site.css")
    assert load(client, first).headers["Cache-Control"] == ONE_YEAR_IMMUTABLE

    sheet.write_text("a{color:red}")
    with app.test_request_context():
        second = url_for("static", filename="css/site.css")
    assert second != first
    fresh = load(client, second)
    assert fresh.get_data() == b"a{color:red}" and fresh.headers["Cache-Control"] == ONE_YEAR_IMMUTABLE
    # A page cached before the change still gets a stylesheet, the current one, but not for a year.
    stale = load(client, first)
    assert stale.status_code == 200 and stale.get_data() == b"a{color:red}"
    assert "immutable" not in stale.headers.get("Cache-Control", "")
    assert client.get("/static/css/gone.0123abcd.css").status_code == 404


def test_odd_static_names_are_404_not_errors(client):
    for path in ("/static/css/app%00.css", "/static/css/app.0123abcd%00.css", "/static/..%2Fsetup.cfg", "/static/css/../../setup.cfg", "/static/" + "a" * 5000 + ".css"):
        assert load(client, path).status_code == 404, path


def test_pages_link_fingerprinted_same_origin_assets_that_the_csp_allows(make_app):
    room = live_classroom(make_app(WTF_CSRF_ENABLED=False))
    response = room.learner.get(room.learner_page)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = response.get_data(as_text=True)
    script = re.search(r'<script src="([^"]+)"', page).group(1)
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    assert re.fullmatch(r"/static/js/live\.[0-9a-f]{8}\.js", script)
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{8}\.css", stylesheet)
    served = load(room.learner, script)
    assert served.status_code == 200 and served.mimetype in ("text/javascript", "application/javascript")
    assert served.headers["Cache-Control"] == ONE_YEAR_IMMUTABLE


# --- Compression by the app (make run, no proxy) ---------------------------------------------------------


def test_app_gzips_html_css_and_javascript_when_no_proxy_does(app):
    client = app.test_client()
    with app.test_request_context():
        assets = [url_for("static", filename="css/app.css"), url_for("static", filename="js/live.js")]
    for path in [LESSON_PAGE, "/ja/help", *assets]:
        plain = load(client, path).get_data()
        compressed = load(client, path, headers=GZIP)
        assert compressed.headers["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in compressed.headers["Vary"]
        assert gzip.decompress(compressed.get_data()) == plain, path
        assert len(compressed.get_data()) < len(plain) / 2, path
        assert "Content-Encoding" not in load(client, path).headers  # not asked: not compressed


def test_app_compresses_svg_json_and_csv_too(make_app):
    """Every type the brief lists (the classroom's JSON and CSV are small, so the threshold is lowered)."""
    room = live_classroom(make_app(WTF_CSRF_ENABLED=False, COMPRESS_MIN_SIZE=0))
    responses = {
        "svg": room.teacher.get(room.live + "qr.svg", headers=GZIP),
        "json": room.teacher.get(room.poll(room.teacher, room.live)[0], headers=GZIP),
        "csv": room.teacher.get(room.live + "report.csv", headers=GZIP),
    }
    for kind, response in responses.items():
        assert response.status_code == 200, kind
        assert response.headers["Content-Encoding"] == "gzip", kind
        gzip.decompress(response.get_data())


def test_small_responses_are_left_uncompressed(client):
    response = client.get("/healthz", headers=GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers


@pytest.mark.parametrize("min_size", [500, 0], ids=["default threshold", "state compressed too"])
def test_state_polls_still_answer_304_with_compression(make_app, min_size):
    """The learner's, the console's and the projector's state: what live.js sends (the page's ETag) and
    what an HTTP cache would send (the response's ETag) both get a bodiless, uncompressed 304."""
    room = live_classroom(make_app(WTF_CSRF_ENABLED=False, COMPRESS_MIN_SIZE=min_size))
    for client, page in [(room.learner, room.learner_page), (room.teacher, room.live), (room.learner, room.projector)]:
        poll, page_etag = room.poll(client, page)
        fresh = client.get(poll, headers=GZIP)
        assert fresh.status_code == 200, poll
        # The learner's poll is answered in front of Flask (classroom/state_poll.py) and never compressed: its
        # fourteen bytes would only grow.
        if min_size or poll.startswith("/s/"):
            assert "Content-Encoding" not in fresh.headers and fresh.headers["ETag"] == page_etag
        else:
            assert fresh.headers["Content-Encoding"] == "gzip"
        for etag in {page_etag, fresh.headers["ETag"]}:
            unchanged = client.get(poll, headers={**GZIP, "If-None-Match": etag})
            assert unchanged.status_code == 304, (poll, etag)
            assert unchanged.get_data() == b"" and "Content-Encoding" not in unchanged.headers


# --- The health check -----------------------------------------------------------------------------------


def test_health_check_says_ok_without_cookies_or_language(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/en/healthz").status_code == 404


def test_health_check_is_503_with_retry_after_while_the_database_is_away_and_logs_it_once(make_app, tmp_path, migrated_database, caplog):
    database = tmp_path / "not-yet" / "kizuna.sqlite"  # SQLite cannot open a file in a missing folder
    client = make_app(DATABASE_URL=f"sqlite:///{database}").test_client()
    with caplog.at_level(logging.INFO):
        for _probe in range(5):
            response = client.get("/healthz")
            assert response.status_code == 503
            assert response.get_json() == {"status": "unavailable", "database": "unavailable"}
            assert int(response.headers["Retry-After"]) > 0
        database.parent.mkdir()
        shutil.copyfile(migrated_database, database)
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz").status_code == 200
    health = [record for record in caplog.records if record.name == "quizapp.health"]
    assert len(health) == 2, [record.getMessage() for record in health]  # it went away; it came back
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_health_check_is_503_when_postgresql_refuses(make_app):
    client = make_app(DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/kizuna").test_client()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.headers["Retry-After"]


# --- The systemd units ----------------------------------------------------------------------------------


def test_systemd_units_are_valid(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    folder = tmp_path
    env_file = folder / "kizuna.env"
    env_file.write_text("")
    units = []
    for name in ("kizuna.service", "kizuna-purge.service", "kizuna-purge.timer"):
        text = (DEPLOY / name).read_text().replace("/srv/kizuna", str(PROJECT_ROOT)).replace("/etc/kizuna/kizuna.env", str(env_file))
        (folder / name).write_text(text)
        units.append(str(folder / name))
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True)
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout + result.stderr


def test_app_server_unit_runs_gunicorn_as_make_run_does_where_nginx_looks():
    unit, run = gunicorn_command(), make_run_gunicorn_command()
    assert unit["app"] == run["app"] == "quizapp:create_app()"
    assert Path(unit["--config"]) == PROJECT_ROOT / run["--config"] == DEPLOY / "gunicorn.conf.py"
    environment, defaults = unit_environment(), make_defaults()
    assert (environment["WORKERS"], environment["THREADS"]) == (defaults["WORKERS"], defaults["THREADS"])
    assert f"server {environment['HOST']}:{environment['PORT']};" in (DEPLOY / "nginx.conf").read_text()
    assert environment["QUIZAPP_TRUSTED_PROXIES"] == "1"


def test_purge_timer_runs_the_purge_command_daily(tmp_path, migrated_database):
    timer = (DEPLOY / "kizuna-purge.timer").read_text()
    assert re.search(r"^OnCalendar=daily$", timer, re.M) and re.search(r"^Persistent=true$", timer, re.M)
    command = shlex.split(unit_value(DEPLOY / "kizuna-purge.service", "ExecStart").replace("/srv/kizuna", str(PROJECT_ROOT)))
    assert command[1:] == ["--app", "quizapp", "sessions", "purge"]
    database = tmp_path / "purge.sqlite"
    shutil.copyfile(migrated_database, database)
    env = dict(os.environ, QUIZAPP_SECRET_KEY="purge-test", QUIZAPP_DATABASE_URL=f"sqlite:///{database}")
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# --- nginx in front of gunicorn -------------------------------------------------------------------------


def test_nginx_gzips_html_and_css(deployment):
    page = deployment.fetch(LESSON_PAGE, headers=GZIP)
    assert page.status == 200 and page.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.body)
    css = deployment.fetch(deployment.stylesheet, headers=GZIP)
    assert css.status == 200 and css.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(css.body) == (PROJECT_ROOT / "static/css/app.css").read_bytes()


def test_nginx_serves_fingerprinted_css_itself_for_a_year(deployment):
    css = deployment.fetch(deployment.stylesheet)
    assert css.status == 200 and css.body == (PROJECT_ROOT / "static/css/app.css").read_bytes()
    assert css.headers["Cache-Control"] == ONE_YEAR_IMMUTABLE
    assert css.headers["Content-Type"].startswith("text/css") and css.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in css.headers  # the app puts one on everything it sends: nginx sent this
    plain = deployment.fetch("/static/css/app.css")
    assert plain.status == 200 and plain.headers["Cache-Control"] == "public, max-age=3600"


def test_https_responses_carry_hsts(deployment):
    for path in (LESSON_PAGE, deployment.stylesheet, "/static/css/app.css", "/en/no-such-page"):
        response = deployment.fetch(path)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000", path


def test_plain_http_redirects_to_the_same_address_over_https(deployment):
    connection = http.client.HTTPConnection("127.0.0.1", deployment.http_port, timeout=10)
    connection.request("GET", "/en/courses/?from=http", headers={"Host": HOSTNAME})
    response = connection.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOSTNAME}/en/courses/?from=http"
    connection.close()


def test_unknown_host_names_get_no_answer(deployment):
    connection = http.client.HTTPConnection("127.0.0.1", deployment.http_port, timeout=10)
    connection.request("GET", "/", headers={"Host": "attacker.example"})
    with pytest.raises(http.client.RemoteDisconnected):
        connection.getresponse()
    with pytest.raises(ssl.SSLError), socket.create_connection(("127.0.0.1", deployment.https_port), timeout=10) as sock:
        deployment.tls.wrap_socket(sock, server_hostname="attacker.example")


def test_app_sees_https_and_the_address_learners_used(deployment, journey):
    """X-Forwarded-Proto: every cookie set over HTTPS is Secure, the session cookie set by a teacher's login
    and by a learner's join included. X-Forwarded-Host: the console prints the address the teacher's
    browser used (with its port) as the join address, with no warning."""
    for cookies in (journey.login_cookies, journey.join_cookies):
        assert any(cookie.startswith(f"{deployment.session_cookie}=") for cookie in cookies), cookies
        assert all("; Secure" in cookie for cookie in cookies), cookies
    assert f">{HOSTNAME}:{journey.https_port}/j<" in journey.console
    assert "cannot reach this address" not in journey.console


def test_join_limiter_counts_each_client_address_not_nginx(deployment):
    """Wrong codes are limited per client address: one client typing them does not lock out the next one
    behind the same nginx, and a forged X-Forwarded-For does not unlock the first."""
    guesser, neighbour = deployment.browser("127.0.0.3"), deployment.browser("127.0.0.4")
    for _guess in range(deployment.failures_per_window):
        assert guesser.post("/en/join", {"code": "QQQQQQ"})[0] == 422
    assert guesser.post("/en/join", {"code": "QQQQQQ"})[0] == 429
    assert neighbour.post("/en/join", {"code": "QQQQQQ"})[0] == 422
    guesser.headers["X-Forwarded-For"] = "203.0.113.9"
    assert guesser.post("/en/join", {"code": "QQQQQQ"})[0] == 429


def test_learner_journey_over_https_through_nginx(journey):
    assert journey.answered_on_console
    assert journey.report_status == 200
    question_line = next(line for line in journey.report_csv.splitlines() if line.startswith("question,"))
    assert question_line.endswith(",1,100,")  # one learner, all right


def test_state_polls_answer_304_through_nginx(deployment, journey):
    for path in (f"/s/{journey.learner_token}/state", f"/en/show/{journey.projector_token}/state"):
        fresh = deployment.fetch(path, headers=GZIP, source="127.0.0.5")
        assert fresh.status == 200, path
        again = deployment.fetch(path, headers={**GZIP, "If-None-Match": fresh.headers["ETag"]}, source="127.0.0.5")
        assert again.status == 304 and again.body == b"", path


def test_health_check_through_nginx_is_not_logged(deployment):
    response = deployment.fetch("/healthz", headers=GZIP)
    assert response.status == 200 and response.json_body() == {"status": "ok", "database": "ok"}
    assert "/healthz" not in deployment.access_log()


def test_access_log_hides_secrets_however_the_path_is_spelled(deployment):
    """nginx logs the path it decoded and normalised, so encoded, doubled or dotted spellings of a token
    path (which the app may route all the same) are masked too, and no query string is logged."""
    spellings = {
        "SECRETA1": "/en/s/SECRETA1",
        "SECRETA2": "//en//s/SECRETA2/",
        "SECRETA3": "/en/./s/SECRETA3",
        "SECRETA4": "/en/%73/SECRETA4",
        "SECRETA5": "/en%2Fs%2FSECRETA5",
        "SECRETA6": "/JOIN/SECRETA6",
        "SECRETA7": "/en/courses/a/b/quiz/SECRETA7/results",
        "SECRETA8": "/en/show/SECRETA8/qr.svg",
        "SECRETA9": "/en/teach/signup?invite=SECRETA9&next=/SECRETA9",
        "SECRETB1": "/s/SECRETB1/state",
    }
    for path in spellings.values():
        deployment.fetch(path)
    log = deployment.access_log()
    assert not [secret for secret in spellings if secret in log]
    assert '"GET /en/show/<projector>/qr.svg"' in log and '"GET /JOIN/<code>"' in log


def test_access_log_keeps_learners_anonymous(deployment, journey):
    log = deployment.access_log()
    secrets = {
        "learner token": journey.learner_token,
        "projector secret": journey.projector_token,
        "quiz attempt token": journey.attempt_token,
        "invitation code": journey.invite_code,
        "join code": journey.code,
        "join link signature": journey.signature,
    }
    for name, secret in secrets.items():
        assert secret and secret not in log, name
    for address in (*journey.client_addresses, "127.0.0.3", "127.0.0.4"):  # and the limiter test's
        assert address not in log, address
    for placeholder in ('"POST /ja/s/<learner>"', '"GET /s/<learner>/state"', '"GET /en/show/<projector>"', "/quiz/<attempt>", '"GET /j/<code>"', '"POST /en/join/<code>"', '"GET /en/teach/signup"'):
        assert placeholder in log, placeholder  # the requests were logged, without their secrets
    others = "".join(path.read_text() for path in [*deployment.folder.glob("*error*.log"), deployment.folder / "gunicorn.log"])
    assert not [name for name, secret in secrets.items() if secret in others]  # nginx's error logs, gunicorn's log


# --- Helpers: the classroom in-process ------------------------------------------------------------------


def load(client, path, **kwargs):
    """GET ``path`` with a Flask test client, read the body and close the response (a static file's
    response holds the file open until it is closed)."""
    with client.get(path, **kwargs) as response:
        response.get_data()
    return response


def local(location: str) -> str:
    """A Location header as a path and query on this server."""
    parts = urllib.parse.urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sha8(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:8]


@dataclass
class Classroom:
    teacher: object
    live: str
    learner: object
    learner_page: str
    projector: str

    @staticmethod
    def poll(client, page) -> tuple[str, str]:
        """The state URL a live page polls, and the ETag it was rendered with (what live.js sends)."""
        text = client.get(page).get_data(as_text=True)
        main = re.search(r'data-poll="([^"]+)" data-etag="([^"]+)"', text)
        return html.unescape(main.group(1)), html.unescape(main.group(2))


def live_classroom(app) -> Classroom:
    """A teacher with a live session, one learner in it, and the projector link."""
    make_teacher(app)
    teacher = app.test_client()
    login(teacher)
    live, code = create_session(teacher)
    live = urllib.parse.urlsplit(live).path
    learner = app.test_client()
    learner_page = urllib.parse.urlsplit(join(learner, code, "en")).path
    projector = re.search(r'href="([^"]*/show/[^"]+)"', teacher.get(live).get_data(as_text=True)).group(1)
    return Classroom(teacher, live, learner, learner_page, urllib.parse.urlsplit(projector).path)


# --- Helpers: the shipped files -------------------------------------------------------------------------


def unit_value(path: Path, key: str) -> str:
    return re.search(rf"^{key}=(.+)$", path.read_text(), re.M).group(1)


def gunicorn_options(arguments: list[str]) -> dict:
    """``--name value`` pairs (``True`` for a flag), and the app as ``app``."""
    *options, app = arguments
    found = {"app": app}
    for index, item in enumerate(options):
        if item.startswith("--"):
            following = options[index + 1] if index + 1 < len(options) else "--"
            found[item] = True if following.startswith("--") else following
    return found


def gunicorn_command() -> dict:
    """The options of gunicorn in deploy/kizuna.service (/srv/kizuna being this checkout)."""
    command = unit_value(DEPLOY / "kizuna.service", "ExecStart").replace("/srv/kizuna", str(PROJECT_ROOT))
    return gunicorn_options(shlex.split(command)[1:])


def unit_environment() -> dict:
    """deploy/kizuna.service's ``Environment=`` settings."""
    return dict(line.split("=", 1) for line in re.findall(r"^Environment=(.+)$", (DEPLOY / "kizuna.service").read_text(), re.M))


def make_defaults() -> dict:
    """The Makefile's ``VAR ?= value`` defaults."""
    return dict(re.findall(r"^(\w+) \?= (.+)$", (PROJECT_ROOT / "Makefile").read_text(), re.M))


def make_run_gunicorn_command() -> dict:
    """The options of gunicorn in the Makefile's `run`."""
    line = re.search(r"\$\(BIN\)/gunicorn (.+)$", (PROJECT_ROOT / "Makefile").read_text(), re.M).group(1)
    return gunicorn_options(shlex.split(line))


# --- Helpers: nginx, gunicorn and an HTTPS client -------------------------------------------------------


@dataclass
class Fetched:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json_body(self):
        return json.loads(self.body)


def loopback_connection(context: ssl.SSLContext, source: str):
    """An HTTPS connection class that dials 127.0.0.1 whatever the URL's host (kept for Host and SNI),
    from the loopback address ``source``."""

    class LoopbackHTTPSConnection(http.client.HTTPSConnection):
        def __init__(self, host, port=None, **kwargs):
            kwargs.pop("context", None)
            super().__init__(host, port, context=context, **kwargs)

        def connect(self):
            sock = socket.create_connection(("127.0.0.1", self.port), self.timeout, source_address=(source, 0))
            self.sock = context.wrap_socket(sock, server_hostname=self.host)

    return LoopbackHTTPSConnection


class HttpsBrowser(Browser):
    """servers.Browser (cookies, CSRF tokens) over HTTPS through nginx, from one loopback address."""

    def __init__(self, base, context, source):
        super().__init__(base)
        self.headers = {}
        connection = loopback_connection(context, source)

        class Handler(urllib.request.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(connection, req)

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect(), Handler(context=context))

    def request(self, path, data=None):
        self.opener.addheaders = [("User-Agent", "kizuna-test"), *self.headers.items()]
        return super().request(path, data)

    def post(self, path, data, form_page=None):
        """As a browser posts a form: with the CSRF token and the form page as Referer (over HTTPS,
        Flask-WTF refuses a form whose Referer is missing or from another origin than the request's)."""
        self.headers["Referer"] = self.base + (form_page or path)
        try:
            return super().post(path, data, form_page)
        finally:
            del self.headers["Referer"]


@dataclass
class Deployment:
    folder: Path
    http_port: int
    https_port: int
    tls: ssl.SSLContext
    failures_per_window: int
    session_cookie: str
    stylesheet: str = ""

    @property
    def base(self) -> str:
        return f"https://{HOSTNAME}:{self.https_port}"

    def browser(self, source: str) -> HttpsBrowser:
        return HttpsBrowser(self.base, self.tls, source)

    def fetch(self, path, headers=None, source="127.0.0.2") -> Fetched:
        connection = loopback_connection(self.tls, source)(HOSTNAME, self.https_port, timeout=10)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return Fetched(response.status, response.headers, response.read())
        finally:
            connection.close()

    def access_log(self) -> str:
        return (self.folder / "kizuna-access.log").read_text()


def render_nginx_site(folder: Path, http_port: int, https_port: int, app_port: int) -> str:
    """deploy/nginx.conf for this test: loopback ports, the test's certificate, log folder and app server."""
    text = (DEPLOY / "nginx.conf").read_text()
    text, ipv6 = re.subn(r"^\s*listen \[::\]:\d+[^\n]*\n", "", text, flags=re.M)
    text, plain = re.subn(r"^(\s*)listen 80\b", rf"\1listen 127.0.0.1:{http_port}", text, flags=re.M)
    text, tls = re.subn(r"^(\s*)listen 443\b", rf"\1listen 127.0.0.1:{https_port}", text, flags=re.M)
    assert ipv6 and plain and tls, "deploy/nginx.conf no longer listens on 80 and 443"
    replacements = [
        ("/etc/letsencrypt/live/kizuna.school.example/fullchain.pem", str(folder / "cert.pem")),
        ("/etc/letsencrypt/live/kizuna.school.example/privkey.pem", str(folder / "key.pem")),
        ("kizuna.school.example", HOSTNAME),
        ("/srv/kizuna/", f"{PROJECT_ROOT}/"),
        ("/var/log/nginx/", f"{folder}/"),
        ("/var/www/letsencrypt", str(folder / "acme")),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
    ]
    for old, new in replacements:
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


def write_nginx_main(folder: Path, site: Path) -> Path:
    """What Debian's /etc/nginx/nginx.conf provides, in the test's folder, around the site."""
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = folder / "nginx-main.conf"
    main.write_text(
        f"""{"user root;" if os.geteuid() == 0 else ""}
daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "nginx-main-error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {folder / "other-access.log"};
{temp}
    include {site};
}}
"""
    )
    return main


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start:\n{log.read_text() if log.exists() else ''}") from None
            time.sleep(0.05)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, migrated_database):
    """Debian's nginx from deploy/nginx.conf, in front of gunicorn as deploy/kizuna.service runs it."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed: run `make test`, which installs Debian's nginx")
    folder = tmp_path_factory.mktemp("deploy")
    database = folder / "kizuna.sqlite"
    shutil.copyfile(migrated_database, database)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{database}", "PASSWORD_HASH_METHOD": FAST_HASH})
    make_teacher(app)
    # gunicorn as deploy/kizuna.service runs it (its config file and environment), but with one worker
    # (the test has two cores) and on a free port.
    failures = 3
    environment = unit_environment() | {"WORKERS": "1", "QUIZAPP_SECRET_KEY": "deploy-test-secret", "QUIZAPP_DATABASE_URL": f"sqlite:///{database}"}
    server = Server(folder, "gunicorn", QUIZAPP_JOIN_FAILURES_PER_WINDOW=str(failures), **environment)
    server.start(workers=1, extra=["--config", gunicorn_command()["--config"]])

    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", f"/CN={HOSTNAME}",
         "-addext", f"subjectAltName=DNS:{HOSTNAME}", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    (folder / "acme").mkdir()
    http_port, https_port = free_port(), free_port()
    site = folder / "kizuna-site.conf"
    site.write_text(render_nginx_site(folder, http_port, https_port, server.port))
    main = write_nginx_main(folder, site)
    checked = subprocess.run([NGINX, "-t", "-q", "-c", str(main), "-e", str(folder / "nginx-startup.log")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    log = folder / "nginx-startup.log"
    with open(log, "ab") as output:
        nginx = subprocess.Popen([NGINX, "-c", str(main), "-e", str(log)], stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for_port(http_port, nginx, log)
        wait_for_port(https_port, nginx, log)
        tls = ssl.create_default_context(cafile=str(folder / "cert.pem"))
        deployed = Deployment(folder, http_port, https_port, tls, failures, app.config["SESSION_COOKIE_NAME"])
        page = deployed.fetch(LESSON_PAGE).body.decode()
        deployed.stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
        yield deployed
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        server.stop()
        with app.app_context():
            db.engine.dispose()


@dataclass
class Journey:
    https_port: int
    login_cookies: list = field(default_factory=list)
    join_cookies: list = field(default_factory=list)
    console: str = ""
    code: str = ""
    signature: str = ""
    learner_token: str = ""
    projector_token: str = ""
    attempt_token: str = ""
    invite_code: str = ""
    answered_on_console: bool = False
    report_status: int = 0
    report_csv: str = ""
    client_addresses: tuple = ("127.0.0.2", "127.0.0.5", "127.0.0.6", "127.0.0.7")


@pytest.fixture(scope="module")
def journey(deployment, migrated_database):
    """A live session over HTTPS through nginx: the teacher logs in and starts it, a learner types the code,
    joins in Japanese, answers; the projector shows it; the teacher reveals, ends and reads the report. Then
    a self-study quiz, an invitation link and a QR link, so every kind of secret has passed through nginx."""
    record = Journey(deployment.https_port)
    teacher = deployment.browser("127.0.0.2")
    status, headers, _ = teacher.post("/en/teach/login", {"email": "a@example.org", "password": PASSWORD})
    assert status == 302, status
    record.login_cookies = headers.get_all("Set-Cookie") or []
    status, headers, _ = teacher.post("/en/teach/sessions/new", {"lesson": LESSON, "mode": "live", "names": "anonymous"})
    assert status == 302, status
    live = urllib.parse.urlsplit(headers["Location"]).path
    record.console = teacher.get(live)[2]
    record.code = re.search(r'class="join-code"[^>]*>(\w+)<', record.console).group(1)
    projector = urllib.parse.urlsplit(html.unescape(re.search(r'href="([^"]*/show/[^"]+)"', record.console).group(1))).path
    record.projector_token = projector.rstrip("/").rsplit("/", 1)[1]

    learner = deployment.browser("127.0.0.5")
    status, headers, _ = learner.post("/en/join", {"code": record.code})
    assert status == 303, status
    join_page = local(headers["Location"])
    record.signature = urllib.parse.parse_qs(urllib.parse.urlsplit(join_page).query)["k"][0]
    status, headers, _ = learner.post(join_page, {"language": "ja"})
    assert status == 303, status
    record.join_cookies = headers.get_all("Set-Cookie") or []
    page = urllib.parse.urlsplit(headers["Location"]).path
    record.learner_token = page.rstrip("/").rsplit("/", 1)[1]
    assert learner.get(page)[0] == 200
    assert learner.get(f"/s/{record.learner_token}/state")[0] == 200
    assert teacher.get(projector)[0] == 200

    def control(action):
        version = re.search(r'name="version" value="(\d+)"', teacher.get(live)[2]).group(1)
        assert teacher.post(live + "control", {"action": action, "version": version}, form_page=live)[0] == 303

    control("start")
    question = QUIZ.questions[0]
    assert f'name="question" value="{question.id}"' in learner.get(page)[2]
    assert learner.post(page, {"question": question.id, **right_answers(question)})[0] == 303
    record.answered_on_console = "1 of 1 have answered" in teacher.get(live)[2]
    control("reveal")
    assert 'class="result"' in learner.get(page)[2]
    control("end")
    record.report_status = teacher.get(live + "report")[0]
    record.report_csv = teacher.get(live + "report.csv")[2]

    status, headers, _ = learner.get(f"/en/courses/{LESSON}/quiz")
    assert status == 302, status
    attempt = urllib.parse.urlsplit(headers["Location"]).path
    record.attempt_token = attempt.rstrip("/").rsplit("/", 1)[1]
    assert learner.get(attempt)[0] == 200

    cli_app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{deployment.folder / 'kizuna.sqlite'}"})
    printed = cli_app.test_cli_runner().invoke(args=["teachers", "invite"]).output
    record.invite_code = re.search(r"invite=([\w-]+)", printed).group(1)
    assert deployment.browser("127.0.0.6").get(f"/en/teach/signup?invite={record.invite_code}")[0] == 200
    assert deployment.browser("127.0.0.7").get(f"/j/{record.code}?k={record.signature}")[0] == 302
    return record
