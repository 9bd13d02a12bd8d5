"""Static files are the same bytes for every visitor: nothing about them depends on a cookie."""

import re

import pytest


@pytest.fixture
def visitor(app):
    """A client holding a session cookie (the join form put its CSRF token in it), as most visitors do."""
    client = app.test_client()
    response = client.get("/en/join")
    assert "Set-Cookie" in response.headers and "Cookie" in response.vary  # a page that uses the session says so
    return client


def stylesheet(client) -> str:
    return re.search(r'href="(/static/css/app\.[0-9a-f]{8}\.css)"', client.get("/en/").get_data(as_text=True)).group(1)


def test_static_files_do_not_vary_by_cookie_nor_set_one(visitor):
    for path in (stylesheet(visitor), "/static/css/app.css", "/static/js/live.js"):
        with visitor.get(path) as response:  # a file's stream: closed on leaving
            assert response.status_code == 200, path
            assert "Cookie" not in response.vary, path
            assert "Set-Cookie" not in response.headers, path


def test_pages_that_use_the_session_still_vary_by_cookie(visitor):
    response = visitor.get("/en/join")
    assert "Cookie" in response.vary
