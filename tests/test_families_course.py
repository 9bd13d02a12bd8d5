"""The fourth course (issue 13): for parents, relatives and community volunteers. It renders in every
shipped language, and a group can run one of its lessons live with the survey, scores and all."""

import pytest

from quizapp.content import load_library
from quizapp.testing import right_answer_form

from .classroom_helpers import control, create_session, join, with_two_teachers
from .support import PROJECT_ROOT, SHIPPED

LIBRARY = load_library(PROJECT_ROOT / "courses")
COURSE = LIBRARY.courses["families-and-communities"]
LESSON = COURSE.lesson("keeping-in-touch")


@pytest.fixture
def app(make_app):
    return with_two_teachers(make_app(WTF_CSRF_ENABLED=False))


def test_the_course_is_for_adults_with_a_60_minute_plan_and_the_shared_survey():
    assert [lesson.id for lesson in COURSE.lessons] == [
        "noticing-early-signs", "keeping-in-touch", "looking-after-the-family", "local-support", "running-an-awareness-evening",
    ]
    assert COURSE.class_minutes == 60
    assert COURSE.survey is not None and not COURSE.survey.retired
    assert COURSE.survey is LIBRARY.courses["understanding-hikikomori"].survey


@pytest.mark.parametrize("tag", SHIPPED)
def test_every_page_of_the_course_renders_in_the_language_asked(app, tag):
    client = app.test_client()
    direction = "rtl" if tag == "ar" else "ltr"
    paths = [f"/{tag}/courses/{COURSE.id}/"]
    for lesson in COURSE.lessons:
        paths += [f"/{tag}/courses/{COURSE.id}/{lesson.id}/", f"/{tag}/courses/{COURSE.id}/{lesson.id}/guide"]
    for path in paths:
        html = client.get(path).get_data(as_text=True)
        assert f'<html lang="{tag}" dir="{direction}">' in html, path
        assert 'class="untranslated"' not in html, path
    quiz = client.get(f"/{tag}/courses/{COURSE.id}/{LESSON.id}/quiz", follow_redirects=True)
    assert quiz.status_code == 200 and 'class="untranslated"' not in quiz.get_data(as_text=True)


def test_a_group_runs_a_lesson_live_with_the_survey_and_sees_the_scores(app, teacher):
    live, code = create_session(teacher, lesson=f"{COURSE.id}/{LESSON.id}", survey=True)
    statements = COURSE.survey.statements
    learners = []
    for n, language in enumerate(("en", "ja", "es", "ar", "en")):
        client = app.test_client()
        page = join(client, code, language)
        # Five real people answer differently (identical answers from every browser are not shown).
        assert client.post(page, data={"phase": "pre", **{f"s_{s.id}": str(2 + n % 2) for s in statements}}).status_code == 303
        learners.append((client, page))
    control(teacher, live, "start")
    for question in LESSON.quiz.questions:
        for client, page in learners:
            assert client.post(page, data={"question": question.id, **right_answer_form(question)}).status_code == 303
        control(teacher, live, "next")
    control(teacher, live, "end")
    for client, page in learners:
        assert client.post(page, data={"phase": "post", **{f"s_{s.id}": "4" for s in statements}}).status_code == 303
    report = teacher.get(live + "report").get_data(as_text=True)
    assert "5 learners" in report
    for score in ("Knowledge", "Attitudes", "Intended behaviour"):
        assert f'<th scope="row">{score}</th>' in report, score
    assert "not a validated instrument" in report
