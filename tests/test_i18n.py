"""Locale negotiation, the URL prefix, the language cookie and the language picker."""

import re

import pytest
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from quizapp.i18n import best_offered

from .support import DECLARED, SHIPPED

LESSON = "/courses/understanding-hikikomori/what-is-hikikomori/"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("ja-JP,ja;q=0.9,en;q=0.5", "/ja/"),
        ("es-MX,es;q=0.8", "/es/"),
        ("ar-EG", "/ar/"),
        ("nl-NL,nl;q=0.9", "/en/"),
        ("nl-NL,ar;q=0.7", "/ar/"),
        ("", "/en/"),
    ],
)
def test_root_redirects_to_negotiated_language(client, accept, expected):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert "Accept-Language" in response.headers["Vary"]


TEN = ("en", "ja", "es", "ar", "ko", "zh-Hans", "fr", "de", "it", "pt-BR")
# Issue 17's table: every Chinese reads Simplified Chinese (Traditional readers are told a translation of their
# own is welcome), every Portuguese Brazilian Portuguese, Korean ko.
NEGOTIATION = [
    ("zh", "zh-Hans"),
    ("zh-CN", "zh-Hans"),
    ("zh-SG", "zh-Hans"),
    ("zh-TW", "zh-Hans"),
    ("zh-HK", "zh-Hans"),
    ("zh-Hant-TW", "zh-Hans"),
    ("pt", "pt-BR"),
    ("pt-PT", "pt-BR"),
    ("ko-KR", "ko"),
    ("fr-CA,fr;q=0.9", "fr"),
    ("nl-NL,de-AT;q=0.5", "de"),
    ("it-CH", "it"),
    ("en-US,zh-TW;q=0.8", "en"),
]


@pytest.mark.parametrize(("accept", "expected"), NEGOTIATION)
def test_the_ten_languages_are_negotiated_by_language_then_region(accept, expected):
    preferred = [value for value, _quality in parse_accept_header(accept, LanguageAccept)]
    assert best_offered(preferred, TEN) == expected


@pytest.mark.parametrize(("accept", "expected"), [case for case in NEGOTIATION if case[1] in SHIPPED])
def test_root_sends_each_browser_to_its_offered_language(client, accept, expected):
    assert client.get("/", headers={"Accept-Language": accept}).headers["Location"] == f"/{expected}/"


def test_a_traditional_chinese_reader_is_told_a_translation_of_their_own_is_welcome(client):
    note = "A Traditional Chinese translation would be very welcome."
    taiwan = client.get("/zh-Hans/", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    china = client.get("/zh-Hans/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    hong_kong = client.get("/zh-Hans/", headers={"Accept-Language": "zh-HK,zh;q=0.8"}).get_data(as_text=True)
    english = client.get("/en/", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    # The Simplified Chinese catalog may translate the note: look for its link to the translations page.
    link = 'href="/zh-Hans/translations"'
    assert taiwan.count(link) > china.count(link) and hong_kong.count(link) > china.count(link)
    assert note not in english


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
    assert client.get("/nl/").status_code == 404  # a real language, but not one Kizuna serves
    assert client.get("/xx" + LESSON).status_code == 404


@pytest.mark.parametrize(("tag", "direction"), [(tag, "rtl" if tag == "ar" else "ltr") for tag in DECLARED])
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
