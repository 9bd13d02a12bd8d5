"""The queries on the hot paths find their rows through an index, on SQLite and on PostgreSQL.

Each path runs the app's own code (joining, the state polls, an answer, the report, the purges, the login
throttle) while the SQL it sends is recorded; then the database explains every recorded statement. A plan
that reads a whole table fails the test, so a query or an index changed without the other shows up here.
See docs/PERFORMANCE.md for the plans and what each index is for.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from quizapp.classroom import service
from quizapp.classroom.lanes import answer_once
from quizapp.classroom.models import ClassSession
from quizapp.classroom.report import build_report
from quizapp.content_access import content
from quizapp.extensions import db
from quizapp.quizzes.retention import purge_attempts
from quizapp.teachers import models as accounts
from quizapp.timeutil import utcnow

from .classroom_helpers import LESSON, login, make_teacher

# Tables a plan may read whole, and why. (Invitations: a handful of rows, purged once used or expired.)
SMALL_TABLES = {"invites"}


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, make_app):
    """The app on a migrated database, with a teacher and a live session two learners joined."""
    settings = {"WTF_CSRF_ENABLED": False}
    app = make_app(**settings) if request.param == "sqlite" else request.getfixturevalue("make_pg_app")(**settings)
    make_teacher(app)
    with app.app_context():
        teacher = db.session.scalar(sa.select(accounts.Teacher))
        course = content().course(LESSON.split("/")[0])
        session = service.create_session(teacher, course, course.lesson(LESSON.split("/")[1]), "live", True, True)
        for language in ("en", "ja"):
            service.join(session, language, "Otter 12")
    return app


class Recorder:
    """Every SELECT, UPDATE and DELETE the app sends while recording, with its parameters."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[tuple[str, object]] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self.record)

    def record(self, connection, cursor, statement, parameters, context, executemany):
        if self.on and not executemany and statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            self.statements.append((statement, parameters))

    def run(self, path) -> list[tuple[str, object]]:
        self.statements, self.on = [], True
        try:
            path()
        finally:
            self.on = False
        return self.statements

    def close(self):
        event.remove(self.engine, "before_cursor_execute", self.record)


def plan(statement: str, parameters) -> str:
    """The database's plan for one recorded statement (not run). PostgreSQL is told to avoid sequential
    scans, so that one still chosen means no index can serve the query (on tables this small, it would
    otherwise prefer them anyway)."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        text = "\n".join(row[3] for row in rows)
    else:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        text = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters).all())
    db.session.rollback()
    return text


def whole_table_reads(text: str, dialect: str) -> list[str]:
    """The lines of a plan that read a whole table of ours (SQLite's SCAN, PostgreSQL's Seq Scan)."""
    tables = set(db.metadata.tables) - SMALL_TABLES
    found = []
    for line in text.splitlines():
        words = line.replace("->", "").split()
        if dialect == "sqlite" and words[:1] == ["SCAN"] and words[1] in tables:
            found.append(line.strip())
        if dialect == "postgresql" and words[:2] == ["Seq", "Scan"] and words[3] in tables:
            found.append(line.strip())
    return found


def the_session() -> SimpleNamespace:
    """The session, its learners, lesson and first question, loaded before recording starts."""
    session = db.session.scalar(sa.select(ClassSession))
    course = content().course(session.course_id)
    lesson = course.lesson(session.lesson_id)
    return SimpleNamespace(session=session, learners=list(session.participants), course=course, lesson=lesson, question=lesson.quiz.questions[0])


def joining(live):
    service.too_many_failures("203.0.113.9")
    service.count_failure("203.0.113.9")
    service.join(service.joinable(live.session.code), "es", "Fox 33")


def state_polls(live):
    service.version_for_token(live.learners[0].token)
    service.answer_count(live.session, live.question.id)
    service.finished_count(live.session)
    service.session_by_projector_token(service.projector_token(live.session))


def answering(live):
    service.learner_answering(live.learners[0].token, live.question.id)
    learner = service.participant_by_token(live.learners[0].token)
    service.answers_of(learner)
    service.answered_questions(learner)
    service.record_answer(learner, SimpleNamespace(question_id=live.question.id, value="a", score=1.0, text=None))
    service.record_survey(learner, "pre", {"s1": 3})


def console_and_report(live):
    service.room(live.session, live.question.id)
    service.answers_to(live.session, live.question.id)
    service.languages_joined(live.session)
    service.remove_participant(live.session, live.learners[1].id)
    build_report(live.session, live.lesson, live.course.survey)


def purges(live):
    service.purge_expired(30)
    purge_attempts(90)
    accounts.purge_account_leftovers()


def deleting_a_session(live):
    service.delete_session(live.session)


def recorded(path) -> list[tuple[str, object]]:
    """The statements ``path`` sends for the session (in an app context)."""
    live = the_session()
    recorder = Recorder(db.engine)
    try:
        return recorder.run(lambda: path(live))
    finally:
        recorder.close()


@pytest.mark.parametrize("path", [joining, state_polls, answering, console_and_report, purges, deleting_a_session], ids=lambda path: path.__name__)
def test_hot_queries_read_no_whole_table(app, path):
    with app.app_context():
        statements = recorded(path)
        assert statements, "the path sent no query: is it still the one it names?"
        dialect = db.engine.dialect.name
        problems = {statement: plan(statement, parameters) for statement, parameters in statements}
        problems = {statement: text for statement, text in problems.items() if whole_table_reads(text, dialect)}
        assert not problems, "\n\n".join(f"{statement}\n{text}" for statement, text in problems.items())


def test_login_throttle_and_logins_read_no_whole_table(app):
    client = app.test_client()
    with app.app_context():
        recorder = Recorder(db.engine)
        try:
            statements = recorder.run(lambda: (client.post("/en/teach/login", data={"email": "a@example.org", "password": "wrong"}), login(client), client.get("/en/teach/")))
        finally:
            recorder.close()
        dialect = db.engine.dialect.name
        assert any("login_throttles" in statement for statement, _ in statements)
        for statement, parameters in statements:
            text = plan(statement, parameters)
            assert not whole_table_reads(text, dialect), f"{statement}\n{text}"


def sqlite_plans(app, path) -> str:
    """Every plan of ``path`` on SQLite, one after another."""
    with app.app_context():
        return "\n".join(plan(statement, parameters) for statement, parameters in recorded(path))


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_the_answers_to_the_question_on_screen_are_counted_from_one_index(app):
    # The console and the projector poll this every few seconds: the index holds the question too, so
    # a session of 250 learners and 20 questions does not read 5,000 answers to count 250.
    plans = sqlite_plans(app, state_polls)
    assert "ix_session_answers_session_id_question_id (session_id=? AND question_id=?)" in plans


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_the_purge_finds_unended_sessions_by_their_age(app):
    with app.app_context():
        db.session.execute(sa.update(ClassSession).values(created_at=utcnow() - timedelta(days=400)))
        db.session.commit()
    plans = sqlite_plans(app, purges)
    assert "ix_class_sessions_ended_at_open_until_created_at (ended_at=? AND open_until=? AND created_at<?)" in plans
    assert "ix_class_sessions_open_until (open_until<?)" in plans


def test_every_foreign_key_leads_an_index_for_its_cascade(app):
    """Deleting a parent finds its children (to delete them, or to clear the reference) through an index
    whose first column is the foreign key; SQLite and PostgreSQL otherwise read the whole child table."""
    with app.app_context():
        inspector = sa.inspect(db.engine)
        unindexed = []
        for table in inspector.get_table_names():
            leading = {index["column_names"][0] for index in inspector.get_indexes(table)}
            leading |= {constraint["column_names"][0] for constraint in inspector.get_unique_constraints(table)}
            leading.add(inspector.get_pk_constraint(table)["constrained_columns"][0])
            for foreign_key in inspector.get_foreign_keys(table):
                if foreign_key["constrained_columns"][0] not in leading and table not in SMALL_TABLES:
                    unindexed.append(f"{table}.{foreign_key['constrained_columns'][0]}")
        assert unindexed == []


def test_the_answer_lanes_one_statement_reads_no_whole_table(app):
    """The lane's INSERT … SELECT (quizapp/classroom/lanes.py) finds the learner by token and their session
    by its key, whatever the tables hold."""
    with app.app_context():
        live = the_session()
        dialect = db.engine.dialect
        compiled = answer_once(dialect.name).compile(dialect=dialect)
        values = compiled.construct_params(
            {
                "token": live.learners[0].token,
                "course_id": live.course.id,
                "lesson_id": live.lesson.id,
                "question_index": 0,
                "question_id": live.question.id,
                "value": None,
                "score": 1.0,
                "answered_at": utcnow(),
            }
        )
        parameters = tuple(values[name] for name in compiled.positiontup) if compiled.positional else values
        text = plan(compiled.string, parameters)
        assert "participants" in text and not whole_table_reads(text, dialect.name), text
