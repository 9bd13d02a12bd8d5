"""The same behaviour on PostgreSQL, the database for several app servers: sessions, answers once,
quiz attempts once, stats and retention."""

import pytest

from . import test_classroom, test_quiz_stats, test_quizzes
from .classroom_helpers import login, with_two_teachers
from .support import DATA


@pytest.fixture
def pg_app(make_pg_app):
    return with_two_teachers(make_pg_app(WTF_CSRF_ENABLED=False, TEACHER_SIGNUP="open"))


@pytest.fixture
def pg_teacher(pg_app):
    client = pg_app.test_client()
    login(client)
    return client


@pytest.mark.parametrize(
    "scenario",
    [
        test_classroom.test_full_live_session_with_three_learners_in_three_languages,
        test_classroom.test_answer_is_recorded_once_however_often_sent,
        test_classroom.test_answers_after_the_reveal_are_refused_with_a_message,
        test_classroom.test_stale_control_changes_nothing,
        test_classroom.test_survey_change_is_shown_only_when_five_learners_answered_both,
        test_classroom.test_csv_numbers_equal_the_screen,
        test_classroom.test_teacher_b_cannot_see_or_change_teacher_a_session,
        test_classroom.test_retention_deletes_exactly_the_expired_sessions,
        test_classroom.test_code_guessing_is_rate_limited_per_client,
    ],
    ids=lambda scenario: scenario.__name__.removeprefix("test_"),
)
def test_classroom_on_postgres(pg_app, pg_teacher, scenario):
    arguments = {"app": pg_app, "teacher": pg_teacher}
    scenario(**{name: arguments[name] for name in scenario.__code__.co_varnames[: scenario.__code__.co_argcount]})


@pytest.mark.parametrize(
    "scenario",
    [
        test_quizzes.test_resent_post_stores_one_attempt,
        test_quizzes.test_immediate_feedback_one_question_at_a_time,
        test_quizzes.test_attempt_is_anonymous_and_reflection_stored_only_with_consent,
    ],
    ids=lambda scenario: scenario.__name__.removeprefix("test_"),
)
def test_quizzes_on_postgres(make_pg_app, scenario):
    app = make_pg_app(COURSES_DIR=str(DATA / "courses"), WTF_CSRF_ENABLED=False)
    scenario(app.test_client(), app)


def test_stats_on_postgres(make_pg_app):
    app = make_pg_app(COURSES_DIR=str(DATA / "courses"), WTF_CSRF_ENABLED=False)
    client = app.test_client()
    for language, answers in test_quiz_stats.SEED:
        url = client.get(f"/{language}/courses/sample-course/first-lesson/quiz").headers["Location"]
        assert client.post(url, data=dict(answers, q_reflect="")).status_code == 303
    test_quiz_stats.test_stats_match_seeded_attempts_exactly(app)
