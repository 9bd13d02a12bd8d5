"""Access logs keep learners anonymous: gunicorn, run with `make run`'s configuration, logs no address and
no secret from a URL, only each route's shape."""

import re
import urllib.parse

import pytest

from quizapp.logs import anonymous_path

from .servers import Browser, Server
from .test_room import console_of, server_database  # noqa: F401 - the fixture


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/ja/s/Abc-def_1234567890", "/ja/s/<learner>"),
        ("/s/Abc-def_1234567890/state", "/s/<learner>/state"),
        ("/en/show/Secret_projector-token-123/state", "/en/show/<projector>/state"),
        ("/es/courses/c/l/quiz/AttemptToken123/results", "/es/courses/c/l/quiz/<attempt>/results"),
        ("/ar/join/KKY36R", "/ar/join/<code>"),
        ("/j/KKY36R", "/j/<code>"),
        ("/en/courses/c/l/", "/en/courses/c/l/"),
        ("/en/teach/sessions/4/state", "/en/teach/sessions/4/state"),
    ],
)
def test_token_paths_are_logged_by_their_shape(path, logged):
    assert anonymous_path(path) == logged


def test_gunicorn_with_make_runs_settings_logs_no_address_and_no_secret(tmp_path, server_database):  # noqa: F811
    server = Server(tmp_path, "logs", **server_database).start(extra=["--config", "deploy/gunicorn.conf.py"])
    try:
        console = console_of(server)
        code = re.search(r'class="join-code"[^>]*>(\w+)<', console).group(1)
        share = urllib.parse.urlsplit(re.search(r'class="share-link">([^<]+)<', console).group(1).replace("&amp;", "&"))
        projector = re.search(r'href="(/en/show/[^"]+)"', console).group(1)
        learner = Browser(server.url)
        form_page = urllib.parse.urlsplit(learner.get(f"{share.path}?{share.query}")[1]["Location"])
        status, headers, _ = learner.post(f"{form_page.path}?{form_page.query}", {"language": "en"})
        assert status == 303
        page = urllib.parse.urlsplit(headers["Location"]).path
        token = page.rsplit("/", 1)[1]
        learner.get(page)
        learner.get(f"/s/{token}/state")
        Browser(server.url).get(projector)
        attempt = urllib.parse.urlsplit(Browser(server.url).get("/en/courses/understanding-hikikomori/what-is-hikikomori/quiz")[1]["Location"]).path
        Browser(server.url).get(attempt)
    finally:
        server.stop()
    log = server.log_path.read_text()
    assert "/en/s/<learner>" in log and "/s/<learner>/state" in log and "/en/show/<projector>" in log and "/quiz/<attempt>" in log
    secret_projector = projector.rsplit("/", 1)[1]
    for secret in (token, code, secret_projector, attempt.rsplit("/", 1)[1], share.query.split("k=")[1]):
        assert secret not in log, secret
    assert "127.0.0.1 " not in log and '"GET' in log
