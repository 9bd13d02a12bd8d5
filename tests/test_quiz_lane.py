"""A whole quiz sent at once is stored in front of Flask (quizapp/quizzes/lane.py): the same 303, the same
session cookie, the same rows as Flask's route gives, and everything the form must judge still answered by
Flask. CSRF is on here, as in production (the lane checks tokens as Flask-WTF does)."""

import re

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.i18n import LANGUAGE_COOKIE
from quizapp.quizzes.models import QuizAnswer, QuizAttempt
from quizapp.testing import right_answer_form

from .support import DATA, another_process_holding, still_running_after
from .test_lanes import SAME_HEADERS, FlaskRequests, csrf_of
from .test_quizzes import FIRST, FULL_ANSWERS, SECOND, start

WITH_CONSENT = dict(FULL_ANSWERS, q_reflect__save="y")


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, make_app):
    settings = {"COURSES_DIR": str(DATA / "courses")}
    return make_app(**settings) if request.param == "sqlite" else request.getfixturevalue("make_pg_app")(**settings)


def learner(app, url=FIRST):
    """A learner's browser on a new attempt's page, with its CSRF token: (client, page, token)."""
    client = app.test_client()
    page = start(client, url)
    return client, page, csrf_of(client, page)


def session_of(app, client) -> dict:
    """The browser's Flask session, as the app reads its cookie."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def attempts(app) -> dict:
    """Every stored attempt by token: (course, lesson, language, score, {question: (value, score, text)})."""
    with app.app_context():
        found = {}
        for attempt in db.session.scalars(select(QuizAttempt)):
            answers = {answer.question_id: (answer.value, answer.score, answer.text) for answer in attempt.answers}
            found[attempt.token] = (attempt.course_id, attempt.lesson_id, attempt.language, attempt.score, answers)
        return found


def counts(app):
    with app.app_context():
        return db.session.scalar(select(func.count(QuizAttempt.id))), db.session.scalar(select(func.count(QuizAnswer.id)))


def token_of(page: str) -> str:
    return page.rstrip("/").rsplit("/", 1)[1]


def test_a_whole_quiz_is_stored_in_front_of_flask_with_flasks_response_cookie_and_rows(app):
    """One learner sends the quiz (every question type, a reflection kept) through the lane, one through
    Flask (a browser without the language cookie, which Flask sets): the same 303, headers and body, the same
    session afterwards, the same attempt and answers."""
    (lane, lane_page, lane_csrf), (flask, flask_page, flask_csrf) = learner(app), learner(app)
    sessions_before = session_of(app, lane), session_of(app, flask)
    reached = FlaskRequests(app)
    by_lane = lane.post(lane_page, data=dict(WITH_CONSENT, csrf_token=lane_csrf))
    assert reached.count == 0  # the lane answered
    flask.delete_cookie(LANGUAGE_COOKIE)
    by_flask = flask.post(flask_page, data=dict(WITH_CONSENT, csrf_token=flask_csrf))
    assert reached.count == 1
    assert by_lane.status_code == by_flask.status_code == 303
    lane_token, flask_token = token_of(lane_page), token_of(flask_page)
    for name in SAME_HEADERS:
        assert by_lane.headers[name] == by_flask.headers[name].replace(flask_token, lane_token), name
    assert by_lane.data == by_flask.data.replace(flask_token.encode(), lane_token.encode())
    session_cookie = app.config["SESSION_COOKIE_NAME"] + "="
    lane_cookie = [value for value in by_lane.headers.getlist("Set-Cookie") if value.startswith(session_cookie)]
    flask_cookie = [value for value in by_flask.headers.getlist("Set-Cookie") if value.startswith(session_cookie)]
    assert len(lane_cookie) == len(flask_cookie) == 1
    assert lane_cookie[0].split(";")[1:] == flask_cookie[0].split(";")[1:]  # path, HttpOnly, SameSite
    assert session_of(app, lane) == {**sessions_before[0], "own": [lane_token]}
    assert session_of(app, flask) == {**sessions_before[1], "own": [flask_token]}
    stored = attempts(app)
    assert stored[lane_token] == stored[flask_token]
    assert stored[lane_token][4]["reflect"] == (None, None, "My private thought")
    # The cookie names the token as this browser's own: its results show the reflection it kept.
    assert "My private thought" in lane.get(by_lane.headers["Location"]).get_data(as_text=True)


def test_a_resend_an_unanswered_question_a_tampered_form_and_a_forged_token_are_answered_by_flask(app):
    client, page, csrf = learner(app)
    reached = FlaskRequests(app)
    unanswered = {name: value for name, value in FULL_ANSWERS.items() if name != "q_pick_many"}
    assert client.post(page, data=dict(unanswered, csrf_token=csrf)).status_code == 422
    assert client.post(page, data=dict(FULL_ANSWERS, q_pick_one="invented", csrf_token=csrf)).status_code == 400
    assert client.post(page, data=dict(FULL_ANSWERS, q_steps=["one", "one", "two", "three"], csrf_token=csrf)).status_code == 422
    assert client.post(page, data=dict(FULL_ANSWERS, csrf_token="forged")).status_code == 400
    assert reached.count == 4 and counts(app) == (0, 0)
    stored = client.post(page, data=dict(FULL_ANSWERS, csrf_token=csrf))
    assert stored.status_code == 303 and reached.count == 4 and counts(app) == (1, 6)
    resent = client.post(page, data=dict(FULL_ANSWERS, q_pick_one="right", csrf_token=csrf))  # a double click
    assert reached.count == 5  # Flask finds the attempt and sends the learner to its results: the first one stands
    assert resent.status_code == 302 and resent.headers["Location"] == stored.headers["Location"]
    assert counts(app) == (1, 6)
    assert attempts(app)[token_of(page)][4]["pick-one"][0] == "wrong"


def test_a_reflection_over_its_length_gets_the_forms_error_from_flask(app):
    client, page, csrf = learner(app)
    reached = FlaskRequests(app)
    response = client.post(page, data=dict(WITH_CONSENT, q_reflect="x" * 5001, csrf_token=csrf))
    assert response.status_code == 422 and reached.count == 1
    assert "x" * 5001 in response.get_data(as_text=True)  # what the learner typed is kept
    assert counts(app) == (0, 0)


def test_immediate_feedback_and_a_teachers_session_are_left_to_flask(app):
    client, page, csrf = learner(app, SECOND)
    immediate = app.extensions["quizapp.content"].library.courses["sample-course"].lesson("second-lesson").quiz
    every_answer = {name: value for question in immediate.questions for name, value in right_answer_form(question).items()}
    reached = FlaskRequests(app)
    client.post(page, data=dict(every_answer, csrf_token=csrf))  # every answer at once: the lane could store them
    assert reached.count == 1
    client, page, csrf = learner(app)
    with client.session_transaction() as session:
        session["_user_id"] = "1"  # a logged-in teacher trying the quiz: Flask-Login's keys are Flask's
    reached.count = 0
    assert client.post(page, data=dict(FULL_ANSWERS, csrf_token=csrf)).status_code == 303
    assert reached.count == 1 and counts(app) == (1, 6)


def test_on_https_the_lanes_session_cookie_is_secure_as_flasks(app):
    client = app.test_client()
    base = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/en/"}}
    page = client.get(FIRST, **base).headers["Location"]
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(page, **base).get_data(as_text=True)).group(1)
    reached = FlaskRequests(app)
    response = client.post(page, data=dict(FULL_ANSWERS, csrf_token=csrf), **base)
    assert response.status_code == 303 and reached.count == 0
    assert "; Secure" in response.headers["Set-Cookie"]


def test_a_body_over_the_apps_limit_is_refused_by_flask_not_stored_by_the_lane(make_app):
    app = make_app(COURSES_DIR=str(DATA / "courses"), MAX_CONTENT_LENGTH=200)
    client, page, csrf = learner(app)
    reached = FlaskRequests(app)
    assert client.post(page, data=dict(FULL_ANSWERS, csrf_token=csrf)).status_code == 413
    assert reached.count == 1 and counts(app) == (0, 0)


def test_on_sqlite_the_lane_waits_for_its_write_turn_and_then_stores(make_app):
    """While another process (another gunicorn worker) has the write turn, the lane's transaction waits for
    it instead of sleeping in SQLite's busy handler; it is stored once the turn is free."""
    app = make_app(COURSES_DIR=str(DATA / "courses"))
    client, page, csrf = learner(app)
    with app.app_context():
        lock_path = db.engine.url.database + ".lock"
    with another_process_holding(lock_path):
        waiting, outcome = still_running_after(0.5, lambda: client.post(page, data=dict(FULL_ANSWERS, csrf_token=csrf)).status_code)
        assert waiting and counts(app) == (0, 0)
    assert outcome() == 303 and counts(app) == (1, 6)


def test_write_turns_are_for_a_sqlite_file_only(postgres):
    from sqlalchemy import create_engine

    from quizapp.lanes import WriteTurns

    assert isinstance(WriteTurns.for_engine(create_engine("sqlite:////tmp/kizuna.sqlite")), WriteTurns)
    for url in ("sqlite://", "sqlite:///:memory:", postgres.new_database()):
        assert not isinstance(WriteTurns.for_engine(create_engine(url)), WriteTurns), url


def test_without_its_lock_file_a_write_turn_is_still_taken_and_given_back(tmp_path, caplog):
    from quizapp.lanes import WriteTurns

    turns = WriteTurns(str(tmp_path / "no such folder" / "kizuna.sqlite.lock"))
    for _ in range(2):  # no error: the writes meet in SQLite's busy handler instead, and the thread lock is freed
        with turns:
            pass
    assert "SQLite's own locking only" in caplog.text
