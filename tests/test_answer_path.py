"""What the write paths cost the database: statements per request, counted as SQLAlchemy sends them (the
``before_cursor_execute`` event) on SQLite and PostgreSQL, and on PostgreSQL also as the server logs them
(BEGIN, COMMIT and any ping included). A bound here is the figure reached: a change that adds a statement
to the hottest requests fails until it is justified and the bound raised.

The guarantees that come with these paths (an answer stored once, refused after the reveal, for a question
the teacher left or from a removed learner) are proved in test_classroom.py, test_room.py and
test_two_servers.py; the concurrent ones are proved here too, since fewer statements must not mean fewer
guarantees.
"""

import threading
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from quizapp.classroom.models import Participant, SessionAnswer
from quizapp.extensions import db
from quizapp.quizzes.models import QuizAnswer, QuizAttempt

from .classroom_helpers import control, create_session, join, login, make_teacher
from .postgres import statement_log
from .support import DATA
from .test_classroom import QUIZ
from .test_quizzes import FULL_ANSWERS, right_answers

# The bounds: what each request sends now, as SQLAlchemy counts statements.
LIVE_ANSWER = ["SELECT", "INSERT"]  # the learner, their session and "answered already?" in one read; the answer
SELF_PACED_ANSWERS = ["SELECT", "SELECT", "INSERT", "UPDATE"]  # + the questions answered; finished
WHOLE_QUIZ = ["INSERT", "INSERT"]  # the attempt (ON CONFLICT DO NOTHING, RETURNING its id); its answers (one executemany)
# Immediate feedback: the route's look-ups (the attempt, then its answers once it has one), then the attempt's
# id and state, the attempt if this is its first answer, the answer, the answers so far (complete?), and the
# completion when the last question is answered.
IMMEDIATE_ANSWERS = (["SELECT", "SELECT", "INSERT", "INSERT", "SELECT"], ["SELECT", "SELECT", "SELECT", "INSERT", "SELECT", "UPDATE"])
# PostgreSQL's server sees the transaction's BEGIN and COMMIT too, and no ping: four round trips.
LIVE_ANSWER_ROUND_TRIPS = ["BEGIN", "SELECT", "INSERT", "COMMIT"]


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, make_app):
    settings = {"WTF_CSRF_ENABLED": False}
    app = make_app(**settings) if request.param == "sqlite" else request.getfixturevalue("make_pg_app")(**settings)
    make_teacher(app)
    return app


@pytest.fixture(params=["sqlite", "postgresql"])
def quiz_app(request, make_app):
    """The app on the fixture library's quizzes (one feedback at the end, one immediate)."""
    settings = {"COURSES_DIR": str(DATA / "courses"), "WTF_CSRF_ENABLED": False}
    return make_app(**settings) if request.param == "sqlite" else request.getfixturevalue("make_pg_app")(**settings)


class Statements:
    """The first word of every statement SQLAlchemy sends, and the commits, while recording."""

    def __init__(self):
        self.sent: list[str] = []
        self.commits = 0

    def statement(self, connection, cursor, statement, parameters, context, executemany):
        self.sent.append(statement.split(None, 1)[0].upper())

    def commit(self, connection):
        self.commits += 1


@contextmanager
def recording(app):
    """Record what the app's engine sends inside the block."""
    with app.app_context():
        engine = db.engine
    statements = Statements()
    event.listen(engine, "before_cursor_execute", statements.statement)
    event.listen(engine, "commit", statements.commit)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", statements.statement)
        event.remove(engine, "commit", statements.commit)


def live_question(app, teacher):
    """A live session on its first question, a learner in it, and the right answer to send."""
    live, code = create_session(teacher)
    learner = app.test_client()
    page = join(learner, code, "en")
    control(teacher, live, "start")
    question = QUIZ.questions[0]
    return learner, page, {"question": question.id, **right_answers(question)}


def stored_answers(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(SessionAnswer.id)))


def test_a_live_answer_is_one_read_and_one_insert_in_one_transaction(app, teacher):
    learner, page, answer = live_question(app, teacher)
    with recording(app) as statements:
        assert learner.post(page, data=answer).status_code == 303
    assert statements.sent == LIVE_ANSWER
    assert statements.commits == 1
    assert stored_answers(app) == 1


def test_a_resent_answer_is_one_read_and_stores_nothing(app, teacher):
    learner, page, answer = live_question(app, teacher)
    learner.post(page, data=answer)
    with recording(app) as statements:
        assert learner.post(page, data=answer).status_code == 303
    assert statements.sent == ["SELECT"]
    assert stored_answers(app) == 1


def test_a_self_paced_answer_sheet_is_stored_in_one_transaction(app, teacher):
    _live, code = create_session(teacher, mode="self", open_until=(date.today() + timedelta(days=7)).isoformat())
    learner = app.test_client()
    page = join(learner, code, "en")
    sheet = {}
    for question in QUIZ.questions:
        sheet.update(right_answers(question))
    with recording(app) as statements:
        assert learner.post(page, data=sheet).status_code == 303
    assert statements.sent == SELF_PACED_ANSWERS
    assert statements.commits == 1
    assert stored_answers(app) == len(QUIZ.questions)
    with app.app_context():
        assert db.session.scalar(select(Participant.finished_at)) is not None


def test_the_state_poll_is_one_read(app, teacher):
    learner, page, _answer = live_question(app, teacher)
    token = page.rstrip("/").rsplit("/", 1)[1]
    etag = learner.get(f"/s/{token}/state").headers["ETag"]
    with recording(app) as statements:
        assert learner.get(f"/s/{token}/state", headers={"If-None-Match": etag}).status_code == 304
    assert statements.sent == ["SELECT"]
    assert statements.commits == 0


def post_at_once(app, page, forms) -> list[int]:
    """POST each form from its own thread, all released at the same moment; the status codes."""
    barrier = threading.Barrier(len(forms))
    statuses = [None] * len(forms)

    def send(index, form):
        client = app.test_client()
        barrier.wait()
        statuses[index] = client.post(page, data=form).status_code

    threads = [threading.Thread(target=send, args=(index, form)) for index, form in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_a_double_click_from_several_tabs_at_the_same_moment_stores_the_answer_once(app, teacher):
    learner, page, answer = live_question(app, teacher)
    assert post_at_once(app, page, [answer] * 6) == [303] * 6
    assert stored_answers(app) == 1


def test_a_whole_quiz_is_stored_in_one_transaction_and_once_when_sent_at_once(quiz_app):
    app = quiz_app
    client = app.test_client()
    url = client.get("/en/courses/sample-course/first-lesson/quiz").headers["Location"]
    with recording(app) as statements:
        assert client.post(url, data=FULL_ANSWERS).status_code == 303
    assert statements.sent == WHOLE_QUIZ
    assert statements.commits == 1
    again = client.get("/en/courses/sample-course/first-lesson/quiz").headers["Location"]
    # Each goes to the results: straight away (303), or, when another one stored the attempt first, by way of
    # the quiz's address (302).
    assert set(post_at_once(app, again, [FULL_ANSWERS] * 4)) <= {302, 303}
    with app.app_context():
        assert db.session.scalar(select(func.count(QuizAttempt.id))) == 2
        assert db.session.scalar(select(func.count(QuizAnswer.id))) == 2 * len(FULL_ANSWERS)


def test_an_immediate_feedback_answer_is_stored_in_one_transaction(quiz_app):
    app = quiz_app
    client = app.test_client()
    url = client.get("/en/courses/sample-course/second-lesson/quiz").headers["Location"]
    for (question, value), expected in zip((("first", "no"), ("second", "fact")), IMMEDIATE_ANSWERS, strict=True):
        with recording(app) as statements:
            assert client.post(url, data={"question": question, f"q_{question}": value}).status_code == 303
        assert statements.sent == expected
        assert statements.commits == 1
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        assert attempt.completed_at is not None and attempt.score == 0.5


# -- PostgreSQL, as its server sees it ----------------------------------------------------------------------


@pytest.fixture
def logged_pg_app(make_pg_app, postgres):
    """An app on PostgreSQL whose server logs every statement it receives; a function giving the statements
    logged while a callable runs."""
    app = make_pg_app(WTF_CSRF_ENABLED=False)
    make_teacher(app)
    return app, statement_log(app, postgres)


def test_on_postgresql_an_answer_is_four_round_trips_and_a_poll_one(logged_pg_app):
    app, statements_during = logged_pg_app
    teacher = app.test_client()
    login(teacher)
    learner, page, answer = live_question(app, teacher)
    token = page.rstrip("/").rsplit("/", 1)[1]
    learner.get(page)  # the connection that answers has been used before: a ping would show now
    assert statements_during(lambda: learner.post(page, data=answer)) == LIVE_ANSWER_ROUND_TRIPS
    assert statements_during(lambda: learner.get(f"/s/{token}/state")) == ["SELECT"]
