"""Locale negotiation, the URL prefix, the language cookie and the language picker."""

import re

import pytest

from .support import DECLARED, SHIPPED

LESSON = "/courses/understanding-hikikomori/what-is-hikikomori/"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("ja-JP,ja;q=0.9,en;q=0.5", "/ja/"),
        ("es-MX,es;q=0.8", "/es/"),
        ("ar-EG", "/ar/"),
        ("fr-FR,fr;q=0.9", "/en/"),
        ("de-DE,ar;q=0.7", "/ar/"),
        ("", "/en/"),
    ],
)
def test_root_redirects_to_negotiated_language(client, accept, expected):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert "Accept-Language" in response.headers["Vary"]


def test_cookie_beats_accept_language(client):
    client.set_cookie("lang", "es")
    response = client.get("/", headers={"Accept-Language": "ja"})
    assert response.headers["Location"] == "/es/"


def test_visiting_a_language_remembers_it(client):
    response = client.get("/ar/", headers={"Accept-Language": "ja"})
    assert "lang=ar" in response.headers["Set-Cookie"]
    assert client.get("/", headers={"Accept-Language": "ja"}).headers["Location"] == "/ar/"


def test_remembered_language_sets_no_new_cookie(client):
    client.set_cookie("lang", "ja")
    assert "Set-Cookie" not in client.get("/ja/").headers


def test_unknown_language_prefix_is_not_found(client):
    assert client.get("/fr/").status_code == 404
    assert client.get("/xx" + LESSON).status_code == 404


@pytest.mark.parametrize(("tag", "direction"), [("en", "ltr"), ("ja", "ltr"), ("es", "ltr"), ("ar", "rtl")])
def test_url_prefix_sets_html_lang_and_dir(client, tag, direction):
    html = client.get(f"/{tag}{LESSON}").get_data(as_text=True)
    assert f'<html lang="{tag}" dir="{direction}">' in html


def test_language_picker_keeps_the_page_and_names_languages_in_their_own_language(client):
    html = client.get(f"/ja{LESSON}").get_data(as_text=True)
    start = html.index('class="language-picker"')
    picker = html[start : html.index("</nav>", start)]
    links = dict(re.findall(r'<a href="([^"]+)" lang="([^"]+)"', picker))
    assert links == {f"/{tag}{LESSON}": tag for tag in SHIPPED}
    for tag in SHIPPED:
        assert f">{DECLARED[tag].native_name}</a>" in picker


def test_language_picker_keeps_query_string(client):
    html = client.get("/en/help?country=JP").get_data(as_text=True)
    assert 'href="/ja/help?country=JP"' in html


def test_numbers_and_dates_are_formatted_by_babel(client):
    html = client.get("/es/help?country=JP").get_data(as_text=True)
    assert "26 de diciembre de 2025" in html
