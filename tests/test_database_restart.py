"""PostgreSQL restarted in the middle of a session: the app pings no connection before using it (a round trip on
every request), so the pooled connections are found dead when next used, and each request's first statement
is run again on a fresh one (quizapp/database.py). No learner or teacher sees an error page; while the
database is really away, pages still answer 503 with Retry-After (test_database_outage.py)."""

import re
import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from quizapp.classroom.models import SessionAnswer
from quizapp.extensions import db

from .classroom_helpers import control, live_room, make_teacher
from .postgres import PostgresServer
from .test_classroom import QUIZ
from .test_database_outage import pg_ctl
from .test_lanes import FlaskRequests, csrf_of
from .test_quizzes import right_answers

LEARNERS = 4


@pytest.fixture
def classroom(make_app):
    """A live session on its own PostgreSQL server (which the test restarts): the app, the teacher's client
    and console address, and learners' clients with their pages, on the first question."""
    server = PostgresServer().start()
    app = make_app(DATABASE_URL=server.new_database(), WTF_CSRF_ENABLED=False)
    with app.app_context():
        upgrade()
    make_teacher(app)
    teacher, live, learners = live_room(app, LEARNERS)
    yield app, server, teacher, live, learners
    with app.app_context():
        db.engine.dispose()
    server.stop()


def at_once(requests) -> list[int]:
    """Run each request (a function giving a status) in its own thread, released together; the statuses.
    Together, so that the pool holds (or hands out) one connection per request."""
    barrier = threading.Barrier(len(requests))
    statuses = [None] * len(requests)

    def run(index, request):
        barrier.wait()
        statuses[index] = request()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def restart(server) -> None:
    """Stop PostgreSQL (it closes every connection) and start it again."""
    pg_ctl(server, "stop")
    pg_ctl(server, "start")


def token_of(page: str) -> str:
    return page.rstrip("/").rsplit("/", 1)[1]


def answer(client, page) -> int:
    question = QUIZ.questions[0]
    return client.post(page, data={"question": question.id, **right_answers(question)}).status_code


FIRST_REQUESTS = {
    "state poll": lambda teacher, live, client, page: client.get(f"/s/{token_of(page)}/state").status_code,
    "answer": lambda teacher, live, client, page: answer(client, page),
    "learner page": lambda teacher, live, client, page: client.get(page).status_code,
    "teacher console": lambda teacher, live, client, page: teacher.get(live).status_code,
    "teacher state": lambda teacher, live, client, page: teacher.get(live + "state").status_code,
    "health check": lambda teacher, live, client, page: client.get("/healthz").status_code,
}


@pytest.mark.parametrize("first", FIRST_REQUESTS, ids=lambda name: name.replace(" ", "-"))
def test_after_a_restart_the_first_request_on_a_dead_connection_succeeds(classroom, first):
    app, server, teacher, live, learners = classroom
    client, page = learners[0]
    assert client.get(page).status_code == 200  # the pool holds a connection, which the restart kills
    restart(server)
    assert FIRST_REQUESTS[first](teacher, live, client, page) in (200, 303)


def test_after_a_restart_a_whole_class_answering_at_once_sees_no_error(classroom):
    app, server, teacher, live, learners = classroom
    # Fill the pool with as many connections as learners: all of them die in the restart.
    assert at_once([lambda client=client, page=page: client.get(page).status_code for client, page in learners]) == [200] * LEARNERS
    restart(server)
    assert at_once([lambda client=client, page=page: answer(client, page) for client, page in learners]) == [303] * LEARNERS
    assert at_once([lambda client=client, page=page: client.get(f"/s/{token_of(page)}/state").status_code for client, page in learners]) == [200] * LEARNERS
    with app.app_context():
        assert db.session.scalar(select(func.count(SessionAnswer.id))) == LEARNERS
    html = teacher.get(live).get_data(as_text=True)
    assert re.search(rf"\b{LEARNERS}\b", html)
    control(teacher, live, "reveal")


def test_after_a_restart_an_answer_the_lane_would_take_is_stored_once(classroom):
    """With CSRF on, as in production, the answer lane (quizapp/classroom/lanes.py) sends the answer itself:
    its dead connection leaves the request to Flask, which stores it; the next answer is the lane's again."""
    app, server, teacher, live, learners = classroom
    app.config["WTF_CSRF_ENABLED"] = True
    (first, first_page), (second, second_page) = learners[:2]
    first_csrf, second_csrf = csrf_of(first, first_page), csrf_of(second, second_page)  # the pool holds a connection
    restart(server)
    question = QUIZ.questions[0]
    reached = FlaskRequests(app)
    assert first.post(first_page, data={"question": question.id, **right_answers(question), "csrf_token": first_csrf}).status_code == 303
    assert reached.count == 1  # the lane's connection was dead: Flask took the answer
    assert second.post(second_page, data={"question": question.id, **right_answers(question), "csrf_token": second_csrf}).status_code == 303
    assert reached.count == 1  # taken by the lane
    with app.app_context():
        assert db.session.scalar(select(func.count(SessionAnswer.id))) == 2
