"""Course text and translations are untrusted: what they plant comes out inert. Headers are strict."""

import re

from .support import SHIPPED

PLANTED_LESSON = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))\n\nOnly a paragraph [@source-b]."


def planted_app(make_app, course_tree, translations=None):
    lesson = course_tree / "sample-course/second-lesson.md"
    lesson.write_text(lesson.read_text().replace("Only a paragraph [@source-b].", PLANTED_LESSON))
    config = {"COURSES_DIR": str(course_tree)}
    if translations:
        config["TRANSLATIONS_DIR"] = str(translations)
    return make_app(**config)


def assert_inert(html: str) -> None:
    body = html[html.index("<main") :]
    assert "<script" not in body
    assert "<img" not in body
    assert 'href="javascript:' not in body
    assert not re.search(r"<[^>]+\son\w+=", body), "an event-handler attribute survived"


def test_script_and_onerror_in_a_lesson_come_out_inert(make_app, course_tree):
    app = planted_app(make_app, course_tree)
    html = app.test_client().get("/en/courses/sample-course/second-lesson/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert_inert(html)


def test_script_and_onerror_in_a_translation_come_out_inert(make_app, course_tree, write_catalog):
    context = "sample-course/second-lesson"
    translations = write_catalog(
        "ja",
        "courses",
        {
            (context, "Only a paragraph [@source-b]."): '<script>alert(4)</script><img src=x onerror=alert(5)> [x](javascript:alert(6)) 段落 [@source-b]。',
            (context, "Second lesson"): '<b onmouseover="alert(7)">第二課</b>',
        },
    )
    app = planted_app(make_app, course_tree, translations)
    html = app.test_client().get("/ja/courses/sample-course/second-lesson/").get_data(as_text=True)
    assert "段落" in html and "第二課" in html
    assert_inert(html)
    assert "<b " not in html
    assert 'href="#source-source-b"' in html


def test_security_headers_on_every_page(client):
    for tag in SHIPPED:
        response = client.get(f"/{tag}/")
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(client):
    html = client.get("/ar/courses/understanding-hikikomori/what-is-hikikomori/").get_data(as_text=True)
    assert "<script" not in html
    assert "<style" not in html
    assert " style=" not in html


def test_csrf_protection_is_on_outside_tests(make_app):
    client = make_app(TESTING=False, SECRET_KEY="x").test_client()
    response = client.post("/es/join", data={"code": "ACDEFG"})  # no token
    assert response.status_code == 400
    assert "<html lang=\"es\"" in response.get_data(as_text=True)
