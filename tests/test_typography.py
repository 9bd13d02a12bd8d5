"""Localized typography: lists joined by each language's CLDR pattern, punctuation left to the locale (no
Latin ", " or ": " glued between translated pieces), and bidi isolates where names and numbers meet text of
the other direction."""

import re

import pytest
from markupsafe import Markup

from quizapp.content import load_library
from quizapp.typography import bdi, format_list

from .classroom_helpers import control, create_session, join, login, with_two_teachers
from .support import PROJECT_ROOT

LIBRARY = load_library(PROJECT_ROOT / "courses")
TEMPLATES = sorted((PROJECT_ROOT / "quizapp").glob("**/templates/**/*.html"))


@pytest.mark.parametrize(
    ("locale", "joined"),
    [("en", "A, B, and C"), ("ja", "A、B、C"), ("ar", "A وB وC"), ("es", "A, B y C")],
)
def test_lists_follow_each_languages_cldr_pattern(locale, joined):
    assert format_list(["A", "B", "C"], locale=locale) == joined


def test_alternatives_use_the_languages_or():
    assert format_list(["110", "119"], style="or", locale="ja") == "110または119"
    assert format_list(["110", "119"], style="or", locale="ar") == "110 أو 119"


def test_list_items_are_escaped_once_and_markup_is_kept():
    joined = format_list(["<b>", Markup("<i>x</i>"), "&"], locale="en")
    assert isinstance(joined, Markup)
    assert joined == "&lt;b&gt;, <i>x</i>, and &amp;"
    assert format_list([], locale="en") == ""


def test_bdi_isolates_text_and_escapes_it():
    assert bdi("سارة <3>") == "<bdi>سارة &lt;3&gt;</bdi>"
    assert bdi("English", "en") == '<bdi lang="en">English</bdi>'


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(PROJECT_ROOT / "quizapp")))
def test_templates_leave_list_and_label_punctuation_to_the_locale(path):
    """A translated ", " cannot say "and"; "Quiz: <title>" glued in a template is "クイズ: …" in Japanese,
    where a translator would write "クイズ：…". Whole sentences with placeholders, or |format_list, instead."""
    source = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)  # comments may quote examples
    assert '_(", ")' not in source
    assert "、" not in source
    assert not re.search(r"\}\}: |\}\}:<|\{% if not loop\.last %\}[,;、]", source), "punctuation glued between translated pieces"


def test_course_facts_read_as_japanese_and_arabic_lists_and_durations(client):
    course = LIBRARY.courses["understanding-hikikomori"]
    lessons, minutes = len(course.lessons), course.minutes
    japanese = client.get("/ja/").get_data(as_text=True)
    assert f"<dd>{lessons}レッスン</dd>" in japanese
    assert f"<dd>約{minutes}分（読む時間とクイズ）</dd>" in japanese  # self-study, named as such
    assert f"<dd>{course.class_minutes}分の授業を{lessons}回</dd>" in japanese  # in class, named as such
    assert "English</bdi>、<bdi" in japanese  # the languages a course is complete in
    arabic = client.get("/ar/").get_data(as_text=True)
    assert re.search(rf"<dd>{lessons} حصص، مدة كل منها {course.class_minutes} دقيقة</dd>", arabic)
    assert "English</bdi> و<bdi" in arabic
    assert ", " not in re.sub(r"<[^>]+>", "", arabic[arabic.index("<dl") : arabic.index("</dl>")])


def test_several_answers_are_a_list_not_a_comma_run(make_app):
    """The results of a multiple-answer question list the right answers as <li>, whatever the language."""
    html = results_page(make_app(WTF_CSRF_ENABLED=False).test_client(), "ja")
    assert '<ul class="answer-list">' in html
    assert "、</li>" not in html


def results_page(client, tag: str) -> str:
    """The results of the first real quiz with a multiple-answer question, answered right."""
    from .test_quizzes import right_answers

    for course in LIBRARY.courses.values():
        for lesson in course.lessons:
            quiz = lesson.quiz
            if quiz and quiz.feedback == "end" and any(question.type == "multiple" for question in quiz.questions):
                url = client.get(f"/{tag}/courses/{course.id}/{lesson.id}/quiz").headers["Location"]
                data = {}
                for question in quiz.questions:
                    data.update(right_answers(question))
                response = client.post(url, data=data)
                assert response.status_code == 303, response.status_code
                return client.get(response.headers["Location"]).get_data(as_text=True)
    raise LookupError("no quiz with a multiple-answer question and feedback at the end")


@pytest.fixture
def classroom(make_app):
    app = with_two_teachers(make_app(WTF_CSRF_ENABLED=False))
    teacher = app.test_client()
    login(teacher)
    return app, teacher


def test_pseudonyms_and_language_names_are_isolated_where_they_meet_text(classroom):
    app, teacher = classroom
    live, code = create_session(teacher, names="pseudonyms")
    arabic_learner = app.test_client()
    page = join(arabic_learner, code, "ar", pseudonym="سارة ٣")
    join(app.test_client(), code, "en", pseudonym="Alex 2")
    waiting = arabic_learner.get(page).get_data(as_text=True)
    assert "<bdi>سارة ٣</bdi>" in waiting  # "You are …" and the welcome
    console = teacher.get(live.replace("/en/", "/ar/")).get_data(as_text=True)
    assert '<bdi class="language-name" lang="en">English</bdi>' in console
    assert '<bdi class="language-name" lang="ar">العربية</bdi>' in console
    assert "<bdi>Alex 2</bdi>" in console
    control(teacher, live, "start")
    control(teacher, live, "end")
    report = teacher.get(live + "report").get_data(as_text=True)
    assert "<td><bdi>سارة ٣</bdi></td>" in report


def test_every_template_that_joins_a_list_uses_the_filter():
    """The places that used to join with ", " now go through |format_list (a guard against a quiet revert)."""
    joined = [path.name for path in TEMPLATES if "|format_list" in path.read_text(encoding="utf-8")]
    assert {"_course_facts.html", "live.html", "macros.html"} <= set(joined)

