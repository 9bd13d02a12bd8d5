"""A broken course is skipped and logged; untranslated content falls back visibly; config is checked."""

import logging

import pytest

from quizapp import ConfigurationError, create_app


def test_app_starts_and_serves_other_courses_when_one_is_broken(make_app, course_tree, caplog):
    broken = course_tree / "broken-course"
    broken.mkdir()
    (broken / "course.yml").write_text("id: broken-course\ntitle: [unclosed\n")
    with caplog.at_level(logging.ERROR):
        app = make_app(COURSES_DIR=str(course_tree))
    assert any("broken-course/course.yml:2" in record.getMessage() for record in caplog.records)
    client = app.test_client()
    library = client.get("/en/").get_data(as_text=True)
    assert "Sample course" in library
    assert client.get("/en/courses/sample-course/first-lesson/").status_code == 200
    assert client.get("/en/courses/broken-course/").status_code == 404


def test_untranslated_block_falls_back_to_source_with_lang_and_mark(make_app, course_tree, write_catalog):
    context = "sample-course/first-lesson"
    translations = write_catalog("ja", "courses", {(context, "First lesson"): "第一課", (context, "First item."): "最初の項目。"})
    client = make_app(COURSES_DIR=str(course_tree), TRANSLATIONS_DIR=str(translations)).test_client()
    html = client.get("/ja/courses/sample-course/first-lesson/").get_data(as_text=True)
    assert "<h1>第一課</h1>" in html
    assert "<li>最初の項目。</li>" in html
    fallback = '<li lang="en" dir="ltr" class="untranslated">Second item with <strong>bold</strong> text. <span class="untranslated-mark" lang="ja" dir="ltr">'
    assert fallback in html


def test_fallback_in_rtl_page_keeps_source_direction(make_app, course_tree):
    client = make_app(COURSES_DIR=str(course_tree)).test_client()
    html = client.get("/ar/courses/sample-course/first-lesson/").get_data(as_text=True)
    assert '<h1 lang="en" dir="ltr" class="untranslated">First lesson' in html
    assert 'class="untranslated-mark" lang="ar" dir="rtl"' in html


def test_course_complete_only_where_every_unit_is_translated(make_app, course_tree, write_catalog):
    translations = write_catalog("ja", "courses", {("sample-course", "Sample course"): "サンプル"})
    client = make_app(COURSES_DIR=str(course_tree), TRANSLATIONS_DIR=str(translations)).test_client()
    html = client.get("/en/").get_data(as_text=True)
    facts = html[html.index("Fully available in") :]
    assert "English" in facts
    assert "日本語" not in facts


def test_missing_secret_key_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.delenv("QUIZAPP_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app({"SECRET_KEY": None, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})


def test_environment_overrides_configuration(monkeypatch, tmp_path):
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "from-env")
    monkeypatch.setenv("QUIZAPP_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite")


def test_apps_in_one_process_keep_their_own_ui_catalogs(make_app, write_catalog):
    real = make_app().test_client()
    assert "<title>コース一覧 ·" in real.get("/ja/").get_data(as_text=True)
    translations = write_catalog("ja", "messages", {(None, "Courses"): "テスト講座"})
    other = make_app(TRANSLATIONS_DIR=str(translations)).test_client()
    assert "<title>テスト講座 ·" in other.get("/ja/").get_data(as_text=True)
    assert "<title>コース一覧 ·" in real.get("/ja/").get_data(as_text=True)
