"""Lesson, course, library, help and guide pages are served from stored bytes, and each input the page
depends on (quizapp/page_cache.py lists them) gives a fresh page when it changes."""

import gzip
import os
import time

import pytest

LESSON = "/en/courses/sample-course/first-lesson/"
COURSE = "/en/courses/sample-course/"


def cache_of(app):
    return app.extensions["quizapp.page_cache"]


@pytest.fixture
def debug_app(make_app, course_tree, write_catalog):
    """The sample course on a debug app (which re-reads changed course files and catalogs), with a Spanish
    course catalog to change."""
    translations = write_catalog("es", "courses", {("sample-course/first-lesson", "First lesson"): "Primera lección"})
    return make_app(COURSES_DIR=str(course_tree), TRANSLATIONS_DIR=str(translations), DEBUG=True)


@pytest.fixture
def sample_app(make_app, course_tree):
    """The sample course on a production-like app (files read once: the fast path is on)."""
    return make_app(COURSES_DIR=str(course_tree))


def touch_later(path):
    """Change a file's modification time for certain (some filesystems keep whole seconds)."""
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


@pytest.mark.parametrize("url", ["/en/", "/ja/", "/ar/courses/understanding-hikikomori/", "/en/courses/understanding-hikikomori/what-is-hikikomori/", "/en/help", "/ja/courses/understanding-hikikomori/what-is-hikikomori/guide"])
def test_a_second_visit_gets_the_same_bytes_from_the_cache_and_a_304_when_it_has_them(app, url):
    client = app.test_client()
    first = client.get(url)
    hits = cache_of(app).hits
    second = client.get(url)
    assert second.status_code == 200 and second.data == first.data
    assert cache_of(app).hits == hits + 1
    assert second.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in second.headers["Vary"]
    again = client.get(url, headers={"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_browser_that_takes_gzip_gets_the_stored_gzip_of_the_same_page(app):
    client = app.test_client()
    plain = client.get(LESSON.replace("sample-course/first-lesson", "understanding-hikikomori/what-is-hikikomori"))
    zipped = client.get(plain.request.path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]  # two representations, two validators


def test_only_the_gzip_is_kept_and_a_client_without_gzip_gets_it_inflated_byte_for_byte(sample_app):
    """Rendered, from the page cache, replayed before Flask: a client that does not take gzip (curl, a
    proxy asking for identity) gets the same bytes each time, while the cache holds the gzip alone."""
    rendered = sample_app.test_client(use_cookies=False).get(LESSON, headers={"Cookie": "lang=en"})
    client = sample_app.test_client(use_cookies=False)
    other = {"Cookie": "lang=en", "Accept-Language": "fr"}  # other raw headers, the same page: the page cache
    from_cache, replayed = client.get(LESSON, headers=other), client.get(LESSON, headers=other)
    assert cache_of(sample_app).hits >= 1 and cache_of(sample_app).responses.hits == 1
    assert rendered.data == from_cache.data == replayed.data and b"<html" in replayed.data
    assert "Content-Encoding" not in replayed.headers and int(replayed.headers["Content-Length"]) == len(replayed.data)
    (page,) = [page for _key, page in cache_of(sample_app)._items.items()]
    assert not hasattr(page, "body") and gzip.decompress(page.gzipped) == rendered.data
    assert all(finished.body is page.gzipped and finished.inflate for finished in cache_of(sample_app).responses._items.values())


def test_a_changed_course_file_changes_the_page(debug_app, course_tree):
    client = debug_app.test_client()
    assert b"A paragraph with a figure" in client.get(LESSON).data
    lesson = course_tree / "sample-course" / "first-lesson.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("A paragraph with a figure", "A rewritten paragraph with a figure"), encoding="utf-8")
    touch_later(lesson)
    assert b"A rewritten paragraph with a figure" in client.get(LESSON).data


def test_a_changed_catalog_changes_the_page(debug_app, write_catalog):
    client = debug_app.test_client()
    assert "Primera lección" in client.get(LESSON.replace("/en/", "/es/")).get_data(as_text=True)
    path = write_catalog("es", "courses", {("sample-course/first-lesson", "First lesson"): "Lección uno"}) / "es" / "LC_MESSAGES" / "courses.mo"
    touch_later(path)
    assert "Lección uno" in client.get(LESSON.replace("/en/", "/es/")).get_data(as_text=True)


def test_the_language_changes_the_page(app):
    client = app.test_client()
    english = client.get("/en/courses/understanding-hikikomori/")
    japanese = client.get("/ja/courses/understanding-hikikomori/")
    assert english.data != japanese.data and 'lang="ja"' in japanese.get_data(as_text=True)


def test_the_visitors_help_country_changes_the_support_box(app):
    client = app.test_client()
    url = "/en/courses/understanding-hikikomori/what-is-hikikomori/"
    japan = client.get(url, headers={"Accept-Language": "en-JP"}).get_data(as_text=True)
    britain = client.get(url, headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "0120-99-7777" in japan and "0120-99-7777" not in britain
    client.get("/en/help?country=GB")  # chosen on the help page: remembered in a cookie
    chosen = client.get(url, headers={"Accept-Language": "en-JP"}).get_data(as_text=True)
    assert "0120-99-7777" not in chosen


def test_lessons_done_in_this_browser_change_the_course_page(app):
    client = app.test_client()
    before = client.get("/en/courses/understanding-hikikomori/").data
    with client.session_transaction() as session:
        session["done"] = ["understanding-hikikomori/what-is-hikikomori"]
    after = client.get("/en/courses/understanding-hikikomori/").data
    assert after != before
    assert client.get("/en/courses/understanding-hikikomori/").data == after  # and that state is cached too


def test_a_flashed_message_is_shown_once_and_never_stored(app):
    client = app.test_client()
    client.get("/en/")
    forget = client.post("/en/forget", data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    message = "This device has forgotten you"
    assert message in forget.get_data(as_text=True)
    assert message not in client.get("/en/").get_data(as_text=True)


def test_turning_the_cache_off_renders_every_page_afresh(make_app):
    app = make_app(PAGE_CACHE=False)
    client = app.test_client()
    client.get("/en/")
    client.get("/en/")
    assert cache_of(app).hits == 0 and cache_of(app).misses == 0


def csrf_token(client) -> str:
    import re

    page = client.get("/en/courses/understanding-hikikomori/what-is-hikikomori/quiz", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_the_same_request_again_is_answered_before_flask_with_the_same_bytes_and_headers(sample_app):
    client = sample_app.test_client(use_cookies=False)
    headers = {"Cookie": "lang=en", "Accept-Language": "en-GB", "Accept-Encoding": "gzip"}
    first = client.get(LESSON, headers=headers)  # rendered, stored, and its finished response kept
    flask = (cache_of(sample_app).hits, cache_of(sample_app).misses)
    second = client.get(LESSON, headers=headers)
    third = client.get(LESSON, headers=headers)
    assert cache_of(sample_app).responses.hits == 2
    assert (cache_of(sample_app).hits, cache_of(sample_app).misses) == flask  # Flask never saw them
    assert third.data == second.data == first.data
    assert sorted(third.headers.items()) == sorted(second.headers.items()) == sorted(first.headers.items())
    assert third.headers["Content-Security-Policy"] and "Cookie" in third.headers["Vary"]
    not_modified = client.get(LESSON, headers={**headers, "If-None-Match": third.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert "Content-Length" not in not_modified.headers and not_modified.headers["ETag"] == third.headers["ETag"]


def test_a_replayed_page_is_never_given_to_a_request_with_other_cookies_or_languages(sample_app):
    client = sample_app.test_client(use_cookies=False)
    japan = {"Cookie": "lang=en", "Accept-Language": "en-JP"}
    for _ in range(3):
        assert "tel:110" in client.get(LESSON, headers=japan).get_data(as_text=True)
    assert cache_of(sample_app).responses.hits == 2
    britain = client.get(LESSON, headers={"Cookie": "lang=en", "Accept-Language": "en-GB"}).get_data(as_text=True)
    chosen = client.get(LESSON, headers={"Cookie": "lang=en; help_country=GB", "Accept-Language": "en-JP"}).get_data(as_text=True)
    assert "tel:110" not in britain and "tel:110" not in chosen
    assert cache_of(sample_app).responses.hits == 2


def test_a_response_that_sets_a_cookie_is_not_replayed(sample_app):
    client = sample_app.test_client(use_cookies=False)
    for _ in range(3):
        response = client.get(LESSON)  # no language cookie yet: every answer sets it
        assert "lang=en" in response.headers["Set-Cookie"]
    assert cache_of(sample_app).responses.hits == 0


def test_no_replay_while_course_files_are_watched(debug_app, course_tree):
    client = debug_app.test_client(use_cookies=False)
    headers = {"Cookie": "lang=en"}
    for _ in range(3):
        client.get(LESSON, headers=headers)
    lesson = course_tree / "sample-course" / "first-lesson.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("A paragraph with a figure", "A rewritten paragraph with a figure"), encoding="utf-8")
    touch_later(lesson)
    assert b"A rewritten paragraph" in client.get(LESSON, headers=headers).data
    assert cache_of(debug_app).responses.hits == 0


def test_lesson_views_are_bounded_and_a_page_made_again_after_its_view_went_is_the_same(make_app):
    """A worker keeps at most MAX_LESSON_VIEWS rendered lessons (the page cache holds their pages as bytes);
    one dropped and rendered again gives the same page."""
    app = make_app(PAGE_CACHE=False)  # every request renders its lesson view's page
    repository = app.extensions["quizapp.content"]
    repository._lesson_views.size = 2
    client = app.test_client()
    course = repository.library.courses["understanding-hikikomori"]
    urls = [f"/en/courses/{course.id}/{lesson.id}/" for lesson in course.lessons[:3]]
    first = client.get(urls[0]).data
    for url in urls[1:]:
        assert client.get(url).status_code == 200
    assert len(repository._lesson_views._items) == 2  # the first lesson's view went
    assert client.get(urls[0]).data == first
