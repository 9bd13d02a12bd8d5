"""`flask courses stats`: figures per question and language match a seeded set of attempts exactly."""

import json

import pytest

from .support import DATA

SEED = [
    ("en", {"q_pick_one": "wrong", "q_pick_many": ["a", "c"], "q_myth": "fact", "q_steps": ["one", "two", "three", "four"], "q_opinion": "4"}),
    ("en", {"q_pick_one": "right", "q_pick_many": ["a", "b"], "q_myth": "myth", "q_steps": ["four", "three", "two", "one"], "q_opinion": "2"}),
    ("en", {"q_pick_one": "wrong", "q_pick_many": ["c", "d"], "q_myth": "myth", "q_steps": ["one", "two", "three", "four"], "q_opinion": "5"}),
    ("ja", {"q_pick_one": "none", "q_pick_many": ["a", "b"], "q_myth": "myth", "q_steps": ["one", "two", "three", "four"], "q_opinion": "1"}),
]


@pytest.fixture
def seeded(make_app):
    app = make_app(COURSES_DIR=str(DATA / "courses"), WTF_CSRF_ENABLED=False)
    client = app.test_client()
    for language, answers in SEED:
        url = client.get(f"/{language}/courses/sample-course/first-lesson/quiz").headers["Location"]
        assert client.post(url, data=dict(answers, q_reflect="")).status_code == 303
    return app


def row(lesson, question, kind, language, answers, correct, wrong, wrong_count, opinion):
    return {
        "course_id": "sample-course",
        "lesson_id": lesson,
        "question_id": question,
        "type": kind,
        "language": language,
        "answers": answers,
        "percent_correct": correct,
        "wrong_option": wrong,
        "wrong_option_count": wrong_count,
        "average_opinion": opinion,
    }


def test_stats_match_seeded_attempts_exactly(seeded):
    result = seeded.test_cli_runner().invoke(args=["courses", "stats", "sample-course", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    lesson = "first-lesson"
    assert rows == [
        row(lesson, "pick-one", "single", "en", 3, pytest.approx(100 / 3), "wrong", 2, None),
        row(lesson, "pick-one", "single", "ja", 1, 0.0, "none", 1, None),
        row(lesson, "pick-many", "multiple", "en", 3, pytest.approx(100 / 3), "c", 2, None),
        row(lesson, "pick-many", "multiple", "ja", 1, 100.0, None, 0, None),
        row(lesson, "myth", "myth_fact", "en", 3, pytest.approx(200 / 3), "fact", 1, None),
        row(lesson, "myth", "myth_fact", "ja", 1, 100.0, None, 0, None),
        row(lesson, "steps", "ordering", "en", 3, pytest.approx(200 / 3), None, 0, None),
        row(lesson, "steps", "ordering", "ja", 1, 100.0, None, 0, None),
        row(lesson, "opinion", "likert", "en", 3, None, None, 0, pytest.approx(11 / 3)),
        row(lesson, "opinion", "likert", "ja", 1, None, None, 0, 1.0),
        row(lesson, "reflect", "reflection", "en", 3, None, None, 0, None),
        row(lesson, "reflect", "reflection", "ja", 1, None, None, 0, None),
    ]


def test_stats_table_is_readable(seeded):
    result = seeded.test_cli_runner().invoke(args=["courses", "stats"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "most chosen wrong option" in lines[0]
    pick_one_en = next(line for line in lines if " pick-one " in line and " en " in line)
    assert pick_one_en.split() == ["first-lesson", "pick-one", "single", "en", "3", "33.3%", "wrong", "(2)", "-"]
    opinion_en = next(line for line in lines if " opinion " in line and " en " in line)
    assert opinion_en.split()[-1] == "3.67"


def test_stats_for_an_unknown_course_is_a_usage_error(seeded):
    result = seeded.test_cli_runner().invoke(args=["courses", "stats", "nope"])
    assert result.exit_code == 2
    assert "no course 'nope'" in result.output
