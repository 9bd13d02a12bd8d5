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


# -- interface translations are untrusted text -------------------------------------------------------------

HIJACK = '<meta http-equiv="refresh" content="0;url=https://evil.example/">参加'


def test_a_ui_translation_with_markup_is_dropped_at_start_up_and_the_source_shows(make_app, write_catalog, caplog):
    translations = write_catalog("ja", "messages", {(None, "Join a session"): HIJACK, (None, "Skip to content"): "本文へ移動"})
    app = make_app(TRANSLATIONS_DIR=str(translations))
    html = app.test_client().get("/ja/join").get_data(as_text=True)
    assert "http-equiv" not in html and "evil.example" not in html
    assert "Join a session" in html  # the source text, for this entry only
    assert "本文へ移動" in html  # the rest of the language keeps working
    assert any("Dropped the ja translation of 'Join a session'" in record.getMessage() for record in caplog.records)


def test_a_ui_translation_with_an_unknown_placeholder_cannot_break_a_page(make_app, write_catalog):
    translations = write_catalog("ja", "messages", {(None, "Go to %(url)s and type the code"): "%(address)s を開いてください"})
    app = make_app(TRANSLATIONS_DIR=str(translations))
    assert app.test_client().get("/ja/join").status_code == 200


def test_ui_translations_are_escaped_even_if_markup_slipped_into_a_catalog(make_app):
    from babel.support import Translations

    app = make_app()
    planted = Translations()
    planted._catalog = {"Join a session": '<b onmouseover="alert(1)">参加</b>'}  # as if loaded without the check
    with app.app_context():
        app.extensions["babel"].instance.domain_instance.cache[("ja", "messages")] = planted
    html = app.test_client().get("/ja/join").get_data(as_text=True)
    assert "&lt;b onmouseover=&#34;alert(1)&#34;&gt;参加&lt;/b&gt;" in html
    assert "<b onmouseover" not in html


def test_translate_check_refuses_markup_in_an_interface_translation(tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from quizapp.catalogs import Catalogs

    catalogs = Catalogs(tmp_path, tmp_path / "translations", ["en", "ja"], "en")
    template = Catalog()
    translated = Catalog(locale="ja")
    for msgid, msgstr in (("Join", HIJACK), ("Next", '次" onmouseover="x'), ("Back", "戻る<!-- x -->"), ("Fine", "よし")):
        template.add(msgid)
        translated.add(msgid, msgstr)
    path = catalogs.po_path("ja", "messages")
    path.parent.mkdir(parents=True)
    with open(path, "wb") as fileobj:
        write_po(fileobj, translated)
    problems = [str(problem) for problem in catalogs.check_catalog("ja", "messages", template)]
    for msgid in ("Join", "Next", "Back"):
        assert any(f"entry '{msgid}':" in problem and "markup" in problem for problem in problems), problems
    assert not [problem for problem in problems if "'Fine'" in problem]
