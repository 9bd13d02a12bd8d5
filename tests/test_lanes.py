"""A learner's ordinary live answer and their page are served in front of Flask (quizapp/classroom/lanes.py):
the same response, the same page and the same stored row as Flask's route gives, and everything out of the
ordinary still answered by Flask, as before. CSRF is on here, as in production (the lanes check and sign
tokens as Flask-WTF does)."""

import gzip
import re
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from flask import request_started
from sqlalchemy import select

from quizapp.classroom.lanes import question_places
from quizapp.classroom.models import Participant, SessionAnswer
from quizapp.extensions import db
from quizapp.i18n import LANGUAGE_COOKIE

from .classroom_helpers import control, create_session, join, live_room, login, make_teacher
from .postgres import statement_log
from .support import another_process_holding, still_running_after
from .test_classroom import QUIZ
from .test_learner_pages import without_csrf_token as same_but_csrf
from .test_quizzes import right_answers


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, make_app):
    app = make_app() if request.param == "sqlite" else request.getfixturevalue("make_pg_app")()
    make_teacher(app)
    return app


@contextmanager
def helpers_without_csrf(app):
    """The teacher's set-up through the shared helpers (which send no CSRF token); the learners' answers
    afterwards with CSRF checked."""
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


class FlaskRequests:
    """Counts the requests that reached Flask (its request_started signal)."""

    def __init__(self, app):
        self.count = 0
        request_started.connect(self.started, app)

    def started(self, sender, **extra):
        self.count += 1


def csrf_in(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def csrf_of(client, page: str) -> str:
    return csrf_in(client.get(page).get_data(as_text=True))


def classroom(app, learners: int = 2):
    """A live session on its first question; (the teacher's client, the console, [(client, page)])."""
    with helpers_without_csrf(app):
        return live_room(app, learners)


def answer(client, page: str, question, csrf: str):
    return client.post(page, data={"question": question.id, **right_answers(question), "csrf_token": csrf})


def rows(app) -> dict:
    """Every stored answer by (learner, question): (value, score, text)."""
    with app.app_context():
        found = db.session.execute(select(Participant.token, SessionAnswer.question_id, SessionAnswer.value, SessionAnswer.score, SessionAnswer.text).join(Participant, Participant.id == SessionAnswer.participant_id)).all()
    return {(token, question): (value, score, text) for token, question, value, score, text in found}


def token_of(page: str) -> str:
    return page.rstrip("/").rsplit("/", 1)[1]


SAME_HEADERS = ("Location", "Content-Type", "Content-Length", "Vary", "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy")


def test_each_answer_is_taken_in_front_of_flask_with_flasks_response_and_row(app):
    """Question by question (single, multiple, likert: the lane's; reflection: Flask's), one learner answers
    through the lane and one through Flask (a browser without the language cookie, which Flask sets): the
    same 303, the same headers and body, the same stored value and score."""
    teacher, live, [(lane, lane_page), (flask, flask_page)] = classroom(app)
    reached = FlaskRequests(app)
    taken_by_lane = []
    for number, question in enumerate(QUIZ.questions):
        if number:
            with helpers_without_csrf(app):
                control(teacher, live, "next")
        csrf = csrf_of(lane, lane_page), csrf_of(flask, flask_page)
        before = reached.count
        by_lane = lane.post(lane_page, data={"question": question.id, **right_answers(question), "csrf_token": csrf[0]})
        taken_by_lane.append(reached.count == before)
        flask.delete_cookie(LANGUAGE_COOKIE)
        by_flask = flask.post(flask_page, data={"question": question.id, **right_answers(question), "csrf_token": csrf[1]})
        assert by_lane.status_code == by_flask.status_code == 303
        for name in SAME_HEADERS:
            expected = by_flask.headers[name].replace(token_of(flask_page), token_of(lane_page))
            assert by_lane.headers[name] == expected, name
        assert by_lane.data == by_flask.data.replace(token_of(flask_page).encode(), token_of(lane_page).encode())
        stored = rows(app)
        assert stored[(token_of(lane_page), question.id)] == stored[(token_of(flask_page), question.id)]
    assert taken_by_lane == [question.type != "reflection" for question in QUIZ.questions]


def test_a_resend_a_bad_token_an_empty_answer_and_a_revealed_question_are_answered_by_flask(app):
    teacher, live, [(learner, page), (late, late_page)] = classroom(app)
    question = QUIZ.questions[0]
    csrf, late_csrf = csrf_of(learner, page), csrf_of(late, late_page)
    assert answer(learner, page, question, "forged").status_code == 400
    assert learner.post(page, data={"question": question.id, "csrf_token": csrf}).status_code == 422  # no answer chosen
    assert rows(app) == {}
    assert answer(learner, page, question, csrf).status_code == 303
    reached = FlaskRequests(app)
    assert answer(learner, page, question, csrf).status_code == 303  # sent twice: Flask's redirect, the first answer stands
    assert reached.count == 1 and len(rows(app)) == 1
    with helpers_without_csrf(app):
        control(teacher, live, "reveal")
    refused = answer(late, late_page, question, late_csrf)
    assert refused.status_code == 409 and "revealed" in refused.get_data(as_text=True)
    assert len(rows(app)) == 1


def changed_session(app, token: str, **values) -> None:
    """Sets ``values`` on the learner's row (``removed``) or on their session's (any other)."""
    with app.app_context():
        learner = db.session.execute(select(Participant).where(Participant.token == token)).scalar_one()
        for name, value in values.items():
            setattr(learner if name == "removed" else learner.session, name, value)
        db.session.commit()


@pytest.mark.parametrize(
    "change",
    [
        {"removed": True},
        {"open_until": datetime(2020, 1, 1, tzinfo=UTC)},
        {"question_index": 1},
        {"lesson_id": "another-lesson"},
        {"mode": "self"},
        {"state": "lobby"},
        {"revealed": True},
    ],
    ids=lambda change: next(iter(change)),
)
def test_the_lane_stores_nothing_when_the_learner_or_their_session_no_longer_takes_this_answer(app, change):
    """The lane's one statement checks the learner and their session in its WHERE: when any check fails, it
    stores nothing and Flask answers (and refuses the answer, or stores it its own way)."""
    _teacher, _live, [(learner, page), (other, other_page)] = classroom(app)
    question = QUIZ.questions[0]
    csrf, other_csrf = csrf_of(learner, page), csrf_of(other, other_page)
    changed_session(app, token_of(page), **change)
    reached = FlaskRequests(app)
    answer(learner, page, question, csrf)
    assert reached.count == 1
    if change != {"mode": "self"}:  # a self-paced session takes the answer through Flask's own route
        assert (token_of(page), question.id) not in rows(app)
    if "removed" in change:  # the other learner's session is unchanged: their answer is the lane's
        assert answer(other, other_page, question, other_csrf).status_code == 303 and reached.count == 1
        assert (token_of(other_page), question.id) in rows(app)


def test_on_https_the_lane_asks_for_a_referrer_from_this_host_as_flask_wtf_does(app):
    _teacher, _live, [(learner, page)] = classroom(app, learners=1)
    question = QUIZ.questions[0]
    https = {"base_url": "https://localhost"}  # the test client's cookies are for localhost
    token = csrf_of(learner, page)
    form = {"question": question.id, **right_answers(question), "csrf_token": token}
    assert learner.post(page, data=form, **https).status_code == 400  # no Referer: refused
    assert learner.post(page, data=form, headers={"Referer": "https://evil.example.net/"}, **https).status_code == 400
    reached = FlaskRequests(app)
    taken = learner.post(page, data=form, headers={"Referer": f"https://localhost{page}"}, **https)
    assert taken.status_code == 303 and reached.count == 0
    assert list(rows(app)) == [(token_of(page), question.id)]


# -- the learner's page ---------------------------------------------------------------------------------------

def rendered_by_flask(app, client, page: str):
    """The learner's page with every cache off, so the lane stands aside and Flask renders it afresh."""
    app.config["PAGE_CACHE"] = False
    try:
        return client.get(page)
    finally:
        app.config["PAGE_CACHE"] = True


def served(app, client, page: str, **headers):
    """(the response, whether it came from the lane)."""
    reached = FlaskRequests(app)
    response = client.get(page, headers=headers)
    request_started.disconnect(reached.started, app)
    return response, reached.count == 0


def test_a_learners_page_comes_from_the_lane_with_the_bytes_and_headers_flask_gives(app):
    """Waiting, the open question (the learner's own option order) and answered: once Flask has kept the
    step's skeleton (and the learner's order's field), the lane serves it: equal to a fresh render but for
    the CSRF token, which is the learner's own and accepted with their answer."""
    teacher = app.test_client()
    with helpers_without_csrf(app):
        login(teacher)
        live, code = create_session(teacher)
        seats = []
        for _ in range(3):
            client = app.test_client()
            seats.append((client, join(client, code, "en")))
    (first, first_page), (second, second_page), (third, third_page) = seats
    steps = []
    for action in (None, "start"):
        if action:
            with helpers_without_csrf(app):
                control(teacher, live, action)
        first.get(first_page)  # Flask renders the step and keeps its skeleton
        for client, page in ((second, second_page), (third, third_page)):
            client.get(page)  # Flask fills it, keeping this learner's option order's field
            response, by_lane = served(app, client, page)
            fresh = rendered_by_flask(app, client, page)
            assert by_lane and response.status_code == fresh.status_code == 200
            assert same_but_csrf(response.get_data(as_text=True)) == same_but_csrf(fresh.get_data(as_text=True))
            for name in ("Content-Type", "Vary", *SECURITY_HEADERS_NAMES):
                assert response.headers[name] == fresh.headers[name], name
            steps.append(response.get_data(as_text=True))
    assert "fieldset" not in steps[0] and "fieldset" in steps[2]
    question = QUIZ.questions[0]
    csrf = csrf_in(steps[3])
    assert answer(third, third_page, question, csrf).status_code == 303  # the lane's CSRF token is accepted
    second_csrf = csrf_in(steps[2])
    assert answer(second, second_page, question, second_csrf).status_code == 303
    second.get(second_page)  # Flask keeps the "answered" skeleton
    answered, by_lane = served(app, third, third_page)
    assert by_lane and same_but_csrf(answered.get_data(as_text=True)) == same_but_csrf(rendered_by_flask(app, third, third_page).get_data(as_text=True))
    zipped, by_lane = served(app, third, third_page, **{"Accept-Encoding": "gzip"})
    assert by_lane and zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == answered.data


SECURITY_HEADERS_NAMES = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy")


def test_the_lane_leaves_a_reveal_a_pseudonym_another_language_and_a_missing_cookie_to_flask(app):
    teacher = app.test_client()
    with helpers_without_csrf(app):
        login(teacher)
        live, code = create_session(teacher)
        plain, named = app.test_client(), app.test_client()
        plain_page = join(plain, code, "en")
        control(teacher, live, "start")
    plain.get(plain_page)
    plain.get(plain_page)
    assert served(app, plain, plain_page)[1]  # the ordinary case, for contrast
    other_language = plain_page.replace("/en/", "/ja/")
    assert not served(app, plain, other_language)[1]  # switched with the language menu: Flask records it
    assert not served(app, app.test_client(), plain_page)[1]  # no session cookie yet: Flask sets it
    with helpers_without_csrf(app):
        control(teacher, live, "reveal")
    assert not served(app, plain, plain_page)[1]
    with helpers_without_csrf(app):
        _live, named_code = create_session(teacher, names="pseudonyms")
        named_page = join(named, named_code, "en", pseudonym="Otter 12")
    named.get(named_page)
    assert not served(app, named, named_page)[1] and "Otter 12" in named.get(named_page).get_data(as_text=True)


def test_each_learner_sees_their_own_countrys_help_lines_from_the_lane(app):
    """A session that names no country shows each learner the lines of their browser's region (or of the
    country they chose on the help page): the lane finds the skeleton made for that country, never another."""
    teacher = app.test_client()
    with helpers_without_csrf(app):
        login(teacher)
        _live, code = create_session(teacher)
        japan, britain, chosen = app.test_client(), app.test_client(), app.test_client()
        pages = {client: join(client, code, "en") for client in (japan, britain, chosen)}
    chosen.set_cookie("help_country", "JP")
    headers = {japan: {"Accept-Language": "en-JP"}, britain: {"Accept-Language": "en-GB"}, chosen: {"Accept-Language": "en-GB"}}
    # Flask makes Japan's and Britain's pages; the chosen country's is Japan's, from the lane; then all three.
    visits = [(japan, False), (britain, False), (chosen, True), (japan, True), (britain, True), (chosen, True)]
    for client, from_lane in visits:
        response, by_lane = served(app, client, pages[client], **headers[client])
        assert ("tel:110" in response.get_data(as_text=True)) == (client is not britain)
        assert by_lane == from_lane


def test_on_postgresql_a_lane_answer_is_one_round_trip_and_a_lane_page_one(make_pg_app, postgres):
    """As the server logs them: the answer is one INSERT … SELECT (autocommit, so no BEGIN or COMMIT), the
    page one read (the learner, their session and their answers)."""
    app = make_pg_app()
    make_teacher(app)
    statements_during = statement_log(app, postgres)
    _teacher, _live, [(learner, page), (other, other_page)] = classroom(app)
    other.get(other_page)  # Flask keeps the question's skeleton and this order's field
    learner.get(page)
    csrf = csrf_of(learner, page)  # and the learner's own order
    assert served(app, learner, page)[1]
    assert statements_during(lambda: learner.get(page)) == ["SELECT"]
    assert statements_during(lambda: answer(learner, page, QUIZ.questions[0], csrf)) == ["INSERT"]
    assert len(rows(app)) == 1


def test_on_sqlite_an_answer_waits_for_its_write_turn_and_is_then_stored(make_app):
    """While another process (another gunicorn worker) has the lanes' write turn, the answer's INSERT waits
    for it; it is stored, once, when the turn is free."""
    app = make_app()
    make_teacher(app)
    _teacher, _live, [(learner, page)] = classroom(app, learners=1)
    question, csrf = QUIZ.questions[0], csrf_of(learner, page)
    with app.app_context():
        lock_path = db.engine.url.database + ".lock"
    with another_process_holding(lock_path):
        waiting, outcome = still_running_after(0.5, lambda: answer(learner, page, question, csrf).status_code)
        assert waiting and rows(app) == {}
    assert outcome() == 303 and len(rows(app)) == 1


def test_the_answer_lane_knows_a_question_only_by_an_id_no_other_quiz_question_has(make_app):
    """The lane scores the answer for the lesson that the form's question id names before it reads the
    session; an id that two quiz questions share (the shipped courses' "reflect") is left to Flask."""
    library = make_app().extensions["quizapp.content"].library
    every = Counter(question.id for course in library.courses.values() for lesson in course.lessons if lesson.quiz for question in lesson.quiz.questions)
    places = question_places(library)
    assert every["reflect"] > 1 and set(places) == {question_id for question_id, count in every.items() if count == 1}
    for question_id, (course_id, lesson_id, index, question) in places.items():
        assert library.courses[course_id].lesson(lesson_id).quiz.questions[index] is question and question.id == question_id
