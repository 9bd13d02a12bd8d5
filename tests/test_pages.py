"""Every page in every shipped language: renders, right lang/dir, no untranslated UI or content."""

import re
from html import unescape

import pytest
from babel.messages.pofile import read_po

from quizapp.content import load_library

from .support import PROJECT_ROOT, SHIPPED

LIBRARY = load_library(PROJECT_ROOT / "courses")


def page_paths():
    paths = ["/", "/help", "/help?country=JP", "/help?country=NZ", "/join", "/teach/login"]
    for course in LIBRARY.courses.values():
        paths.append(f"/courses/{course.id}/")
        for lesson in course.lessons:
            paths.append(f"/courses/{course.id}/{lesson.id}/")
            paths.append(f"/courses/{course.id}/{lesson.id}/guide")
    return paths


def ui_sources() -> list[str]:
    """UI strings long enough that finding one verbatim on a translated page means it was not translated."""
    with open(PROJECT_ROOT / "translations/messages.pot", "rb") as fileobj:
        template = read_po(fileobj)
    sources = []
    for message in template:
        for msgid in message.id if isinstance(message.id, tuple) else [message.id]:
            text = re.sub(r"%\(\w+\)s", "", msgid).strip()
            if len(text) >= 12:
                sources.append(text)
    return sources


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_library_has_courses():
    assert LIBRARY.errors == ()
    assert LIBRARY.courses


@pytest.mark.parametrize("tag", SHIPPED)
def test_every_page_renders_in_every_language(client, tag):
    for path in page_paths():
        response = client.get(f"/{tag}{path}")
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        direction = "rtl" if tag == "ar" else "ltr"
        assert f'<html lang="{tag}" dir="{direction}">' in html, path


@pytest.mark.parametrize("tag", [tag for tag in SHIPPED if tag != "en"])
def test_no_untranslated_ui_string_or_content_on_any_page(client, tag):
    sources = ui_sources()
    for path in page_paths():
        html = client.get(f"/{tag}{path}").get_data(as_text=True)
        assert 'class="untranslated"' not in html, f"content falls back to English on /{tag}{path}"
        text = visible_text(html)
        leaked = [source for source in sources if source in text]
        assert not leaked, f"untranslated UI text on /{tag}{path}: {leaked}"


def test_library_lists_course_facts(client):
    html = client.get("/en/").get_data(as_text=True)
    course = next(iter(LIBRARY.courses.values()))
    assert course.title.source in html
    assert course.summary.source in html
    assert f"{len(course.lessons)} lessons" in html
    facts = html[html.index("Fully available in") :]
    for name in ("English", "日本語", "Español", "العربية"):
        assert name in facts


def test_course_card_names_self_study_time_and_class_time_apart(client):
    html = client.get("/en/").get_data(as_text=True)
    for course in LIBRARY.courses.values():
        card = html[html.index(course.title.source) :]
        assert f"<dt>Self-study</dt>\n  <dd>about {course.minutes} minutes, reading and quizzes</dd>" in card
        assert f"<dt>In class</dt>\n  <dd>{len(course.lessons)} classes of {course.class_minutes} minutes</dd>" in card


def test_lesson_page_shows_objectives_warning_sources_and_help(client):
    course = next(iter(LIBRARY.courses.values()))
    lesson = course.lessons[0]
    html = client.get(f"/en/courses/{course.id}/{lesson.id}/").get_data(as_text=True)
    for objective in lesson.objectives:
        assert objective.source in html
    assert lesson.content_warning.source in html
    for source in lesson.sources:
        assert f'id="source-{source.id}"' in html
    assert 'href="#source-' in html
    assert 'href="/en/help"' in html
    assert 'rel="next"' in html


def test_help_page_lists_country_lines_and_the_directory(client):
    html = client.get("/en/help?country=JP").get_data(as_text=True)
    assert "0120-279-338" in html and 'href="tel:0120279338"' in html
    assert "findahelpline.com" in html
    html = client.get("/en/help?country=HN").get_data(as_text=True)
    assert "We do not list a help line in Honduras yet" in html
    assert "findahelpline.com" in html


def test_help_page_takes_the_country_from_the_browsers_region_only(client):
    html = client.get("/en/help", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "116 123" in html
    html = client.get("/ja/help", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "0120-279-338" not in html  # the interface language alone says nothing about the country


def test_every_page_links_to_help(client):
    for path in page_paths():
        assert 'href="/en/help"' in client.get(f"/en{path}").get_data(as_text=True), path


def test_pages_stay_small(client):
    for path in page_paths():
        body = client.get(f"/ar{path}").get_data()
        assert len(body) < 30_000, (path, len(body))


def test_links_every_page_shares_follow_its_language_and_mount_point(make_app):
    # Templates remember these URLs per worker (web.install_fixed_urls): the key is the language and the
    # mount point, so a page never gets another language's or another prefix's links.
    client = make_app(PAGE_CACHE=False).test_client()
    for tag, root in (("ja", ""), ("ja", "/kizuna"), ("es", ""), ("ja", "")):
        html = client.get(f"/{tag}/help", base_url=f"http://localhost{root}").get_data(as_text=True)
        assert f'href="{root}/{tag}/join"' in html and f'href="{root}/{tag}/"' in html
        assert re.search(rf'href="{root}/static/css/app\.[0-9a-f]+\.css"', html)
        menu = re.findall(r'<li><a href="([^"]+)" lang="([^"]+)"', html)
        assert len(menu) >= 10 and all(href == f"{root}/{lang}/help" for href, lang in menu)
