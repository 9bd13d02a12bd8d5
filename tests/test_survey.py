"""Versioned surveys (courses/surveys/<id>.yml): a session keeps the version it was created with; the report
adds up knowledge, attitude and behaviour scores (reverse statements turned round) behind the 5-learner
threshold, with the "adapted from …, not a validated instrument" label on screen and in the CSV."""

import csv
import io

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quizapp.classroom.models import ClassSession
from quizapp.content import load_library
from quizapp.content.extract import texts_in_file
from quizapp.extensions import db

from .classroom_helpers import control, create_session, join, login, make_teacher
from .test_database import insert_rows

LESSON = "sample-course/first-lesson"
LABEL = "Adapted from MAKS and RIBS: reworded, not a validated instrument."
FIRST = f"""# A survey version: never edited once a session has used it.
title: Test survey, first version
adapted_from: "{LABEL}"
labels: [Strongly disagree, Disagree, Not sure, Agree, Strongly agree]
statements:
  - id: k-plain
    score: knowledge
    text: Treatments can help people living with a mental-health condition.
  - id: k-reversed
    score: knowledge
    reverse: true
    text: People living with a mental-health condition never get better.
  - id: b-plain
    score: behaviour
    text: I would work alongside someone living with a mental-health condition.
"""
SECOND = """title: Test survey, second version
labels: [Strongly disagree, Disagree, Not sure, Agree, Strongly agree]
statements:
  - id: a-new
    score: attitude
    text: A statement only the second version asks.
"""


def name_survey(tree, survey_id: str) -> None:
    """Point the sample course at ``survey_id`` (its ``survey:`` line), as an author would."""
    path = tree / "sample-course" / "course.yml"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("survey:")]
    path.write_text("\n".join(lines + [f"survey: {survey_id}"]) + "\n")


@pytest.fixture
def survey_tree(course_tree):
    """The sample library with two survey versions; the course asks the first."""
    (course_tree / "surveys").mkdir()
    (course_tree / "surveys" / "test-survey-1.yml").write_text(FIRST)
    (course_tree / "surveys" / "test-survey-2.yml").write_text(SECOND)
    name_survey(course_tree, "test-survey-1")
    return course_tree


@pytest.fixture
def survey_app(make_app, survey_tree):
    app = make_app(COURSES_DIR=str(survey_tree), WTF_CSRF_ENABLED=False)
    make_teacher(app)
    return app


def teacher_of(app):
    client = app.test_client()
    login(client)
    return client


def answer_both(app, teacher, live, code, before: list[dict], after: list[dict]) -> None:
    """Learners, each in their own browser, answer the survey before (``before[n]``) and after (``after[n]``)."""
    pages = []
    for answers in before:
        client = app.test_client()
        page = join(client, code, "en")
        assert client.post(page, data={"phase": "pre", **{f"s_{k}": str(v) for k, v in answers.items()}}).status_code == 303
        pages.append((client, page))
    control(teacher, live, "start")
    control(teacher, live, "end")
    for (client, page), answers in zip(pages, after, strict=True):
        assert client.post(page, data={"phase": "post", **{f"s_{k}": str(v) for k, v in answers.items()}}).status_code == 303


def csv_rows(teacher, live) -> list[list[str]]:
    return list(csv.reader(io.StringIO(teacher.get(live + "report.csv").get_data(as_text=True))))


# Hand-computed: knowledge per learner is the mean of k-plain and k-reversed turned round (6 - answer).
#   before: k-plain 2 2 3 1 2, k-reversed 4 4 3 5 4 (turned: 2 2 3 1 2) -> 2 2 3 1 2 -> mean 2
#   after:  k-plain 4 4 5 3 4, k-reversed 2 1 2 3 2 (turned: 4 5 4 3 4) -> 4 4.5 4.5 3 4 -> mean 4, change +2
#   (not turned round, both means would be 3: no change at all)
#   behaviour: before 3 3 3 3 3 -> 3; after 3 4 3 4 3 -> 3.4, change +0.4
BEFORE = [{"k-plain": kp, "k-reversed": kr, "b-plain": 3} for kp, kr in [(2, 4), (2, 4), (3, 3), (1, 5), (2, 4)]]
AFTER = [{"k-plain": kp, "k-reversed": kr, "b-plain": b} for kp, kr, b in [(4, 2, 3), (4, 1, 4), (5, 2, 3), (3, 3, 4), (4, 2, 3)]]


def test_scores_count_reverse_statements_the_other_way_round(survey_app):
    teacher = teacher_of(survey_app)
    live, code = create_session(teacher, LESSON, survey=True)
    answer_both(survey_app, teacher, live, code, BEFORE, AFTER)
    rows = csv_rows(teacher, live)
    assert ["score", "Knowledge", "5", "2", "4", "2"] in rows
    assert ["score", "Intended behaviour", "5", "3", "3.4", "0.4"] in rows
    assert not any(row[:2] == ["score", "Attitudes"] for row in rows)  # no attitude statement, no attitude score
    report = teacher.get(live + "report").get_data(as_text=True)
    assert '<th scope="row">Knowledge</th><td class="number">5</td>' in report
    assert '<td class="number">2</td><td class="number">4</td>\n        <td class="number">+2</td>' in report


def test_scores_and_the_label_are_in_the_csv_and_on_the_screen(survey_app):
    teacher = teacher_of(survey_app)
    live, code = create_session(teacher, LESSON, survey=True)
    answer_both(survey_app, teacher, live, code, BEFORE, AFTER)
    rows = csv_rows(teacher, live)
    assert ["adapted_from", LABEL] in rows
    assert ["score", "name", "respondents", "before", "after", "change"] in rows
    assert ["survey", "statement", "respondents", "before", "after", "change"] in rows  # the statements stay
    report = teacher.get(live + "report").get_data(as_text=True)
    assert LABEL in report and "Scores" in report and "By statement" in report


def test_the_threshold_hides_scores_below_five_learners(survey_app):
    teacher = teacher_of(survey_app)
    live, code = create_session(teacher, LESSON, survey=True)
    answer_both(survey_app, teacher, live, code, BEFORE[:4], AFTER[:4])
    rows = csv_rows(teacher, live)
    assert not any(row and row[0] in ("score", "adapted_from", "survey") for row in rows)
    report = teacher.get(live + "report").get_data(as_text=True)
    assert "4 learners answered the survey both before and after." in report
    assert "Knowledge" not in report and LABEL not in report


def test_a_session_keeps_the_survey_it_was_created_with(make_app, survey_tree):
    app = make_app(COURSES_DIR=str(survey_tree), WTF_CSRF_ENABLED=False)
    make_teacher(app)
    teacher = teacher_of(app)
    live, code = create_session(teacher, LESSON, survey=True)
    answer_both(app, teacher, live, code, BEFORE, AFTER)
    name_survey(survey_tree, "test-survey-2")  # the course moves on to a new version
    changed = make_app(COURSES_DIR=str(survey_tree), WTF_CSRF_ENABLED=False)  # the same database, the library read again
    teacher = teacher_of(changed)
    report = teacher.get(live + "report").get_data(as_text=True)
    assert "Treatments can help people living with a mental-health condition." in report
    assert "A statement only the second version asks." not in report
    assert ["score", "Knowledge", "5", "2", "4", "2"] in csv_rows(teacher, live)
    new_live, new_code = create_session(teacher, LESSON, survey=True)
    learner = changed.test_client()
    assert "A statement only the second version asks." in learner.get(join(learner, new_code, "en")).get_data(as_text=True)
    with changed.app_context():
        assert [s.survey_id for s in db.session.scalars(sa.select(ClassSession).order_by(ClassSession.id))] == ["test-survey-1", "test-survey-2"]


def test_a_session_without_the_survey_records_none(survey_app):
    teacher = teacher_of(survey_app)
    create_session(teacher, LESSON, survey=False)
    with survey_app.app_context():
        assert db.session.scalar(sa.select(ClassSession.survey_id)) is None


def test_the_migration_backfills_sessions_with_their_courses_retired_survey(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'before-0009.sqlite'}")
    with app.app_context():
        upgrade(revision="0008")
        insert_rows()  # sessions 1 (with the survey) and 2 (without) of a course "c" no survey file names
        sessions = sa.table("class_sessions", *(sa.column(name) for name in ("id", "code", "teacher_id", "course_id", "lesson_id", "mode", "with_survey", "pseudonyms", "state", "question_index", "revealed", "version", "created_at")))
        base = {"teacher_id": 1, "lesson_id": "l", "mode": "live", "pseudonyms": False, "state": "ended", "question_index": 0, "revealed": False, "version": 1, "created_at": "2026-05-01 12:30:00"}
        db.session.execute(sa.insert(sessions), [
            base | {"id": 3, "code": "NPQRST", "course_id": "understanding-hikikomori", "with_survey": True},
            base | {"id": 4, "code": "UVWXYZ", "course_id": "reaching-out", "with_survey": False},
            base | {"id": 5, "code": "ABCDEG", "course_id": "stigma-and-mental-health", "with_survey": True},
        ])
        db.session.commit()
        upgrade()
        found = dict(db.session.execute(sa.text("SELECT id, survey_id FROM class_sessions")).all())
        assert found == {1: None, 2: None, 3: "understanding-hikikomori-2025", 4: None, 5: "stigma-and-mental-health-2025"}
        db.session.rollback()
        downgrade(revision="0008")
        assert "survey_id" not in {column["name"] for column in sa.inspect(db.engine).get_columns("class_sessions")}


def test_the_retired_versions_keep_the_statement_ids_old_sessions_answered():
    from .support import PROJECT_ROOT

    surveys = load_library(PROJECT_ROOT / "courses").surveys
    for course_id, first_ids in [("understanding-hikikomori", "many-reasons"), ("stigma-and-mental-health", "equal-respect"), ("reaching-out", "can-help")]:
        survey = surveys[f"{course_id}-2025"]
        assert survey.retired and survey.statements[0].id == first_ids


# -- the parser and the extractor ---------------------------------------------------------------------------


def errors_of(tree) -> list[str]:
    return [str(error) for error in load_library(tree).errors]


def test_a_course_naming_an_unknown_survey_is_an_error_at_its_line(survey_tree):
    name_survey(survey_tree, "no-such-survey")
    course = survey_tree / "sample-course" / "course.yml"
    line = course.read_text().splitlines().index("survey: no-such-survey") + 1
    assert any(error.startswith(f"{course}:{line}: survey 'no-such-survey' is not in courses/surveys/") for error in errors_of(survey_tree))


def test_a_course_may_not_name_a_retired_survey(survey_tree):
    path = survey_tree / "surveys" / "test-survey-1.yml"
    path.write_text(path.read_text().replace("title:", "retired: true\ntitle:", 1))
    assert any("survey 'test-survey-1' is retired" in error for error in errors_of(survey_tree))


def test_a_course_folders_own_survey_file_is_an_error(survey_tree):
    (survey_tree / "sample-course" / "survey.yml").write_text(SECOND)
    assert any("survey.yml is no longer read: move it to courses/surveys/" in error for error in errors_of(survey_tree))


def test_a_statement_with_an_unknown_score_is_an_error(survey_tree):
    path = survey_tree / "surveys" / "test-survey-2.yml"
    path.write_text(SECOND.replace("score: attitude", "score: feelings"))
    assert any(error.startswith(f"{path}:5: unknown score 'feelings'") for error in errors_of(survey_tree))


def test_the_extractor_yields_a_survey_under_its_own_context(survey_tree):
    units = list(texts_in_file(survey_tree / "surveys" / "test-survey-1.yml"))
    contexts = {unit.source: unit.context for unit in units}
    assert contexts["Treatments can help people living with a mental-health condition."] == "surveys/test-survey-1"
    assert contexts[LABEL] == "surveys/test-survey-1"
    assert contexts["Strongly agree"] == "scale"  # the labels stay shared with every opinion question
