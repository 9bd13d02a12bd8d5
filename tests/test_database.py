"""The database itself enforces what the models declare, on SQLite as on PostgreSQL: foreign keys and
their cascades, CHECK constraints on enumerated columns, constraint names from the naming convention;
and the migrations get any database there, fresh or made before the convention, without losing a row."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from flask_migrate.cli import db as db_cli
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.schema import DEFAULT_NAMING_CONVENTION

from quizapp.classroom import service as classroom
from quizapp.classroom.models import ClassSession
from quizapp.database import DriverStatement
from quizapp.extensions import db
from quizapp.quizzes.retention import purge_attempts

NOW = datetime(2026, 5, 1, 12, 30, tzinfo=timezone.utc)

# Rows in every table, parents first, in the columns revision 0003 created: two teachers, two sessions
# (session 1 with two learners, session 2 with one), their answers and surveys, a quiz attempt.
ROWS = {
    "teachers": [
        {"id": 1, "email": "a@example.org", "name": "Teacher A", "password_hash": "hash-a", "created_at": NOW},
        {"id": 2, "email": "b@example.org", "name": "Teacher B", "password_hash": "hash-b", "created_at": NOW},
    ],
    "invites": [
        {"id": 1, "code_hash": "used", "created_at": NOW, "expires_at": NOW, "used_by": 1},
        {"id": 2, "code_hash": "open", "created_at": NOW, "expires_at": NOW, "used_by": None},
    ],
    "class_sessions": [
        {"id": 1, "code": "ABCDEF", "teacher_id": 1, "course_id": "c", "lesson_id": "l", "mode": "live", "with_survey": True, "pseudonyms": True,
         "open_until": None, "state": "question", "question_index": 2, "revealed": True, "version": 7, "created_at": NOW, "ended_at": None},
        {"id": 2, "code": "GHJKLM", "teacher_id": 2, "course_id": "c", "lesson_id": "l", "mode": "self", "with_survey": False, "pseudonyms": False,
         "open_until": NOW, "state": "lobby", "question_index": 0, "revealed": False, "version": 1, "created_at": NOW, "ended_at": None},
    ],
    "participants": [
        {"id": 1, "session_id": 1, "token": "token-1", "pseudonym": "Fox", "language": "ja", "joined_at": NOW, "finished_at": None, "pre_survey": "answered", "post_survey": None},
        {"id": 2, "session_id": 1, "token": "token-2", "pseudonym": None, "language": "ar", "joined_at": NOW, "finished_at": NOW, "pre_survey": "skipped", "post_survey": "answered"},
        {"id": 3, "session_id": 2, "token": "token-3", "pseudonym": None, "language": "en", "joined_at": NOW, "finished_at": None, "pre_survey": None, "post_survey": None},
    ],
    "session_answers": [
        {"id": 1, "session_id": 1, "participant_id": 1, "question_id": "q1", "value": ["a", "b"], "score": 1.0, "text": "ありがとう", "answered_at": NOW},
        {"id": 2, "session_id": 1, "participant_id": 2, "question_id": "q1", "value": "b", "score": 0.0, "text": None, "answered_at": NOW},
        {"id": 3, "session_id": 2, "participant_id": 3, "question_id": "q1", "value": {"order": [2, 1]}, "score": 0.5, "text": None, "answered_at": NOW},
    ],
    "survey_responses": [
        {"id": 1, "session_id": 1, "participant_id": 1, "phase": "pre", "statement_id": "s1", "value": 4},
        {"id": 2, "session_id": 1, "participant_id": 1, "phase": "post", "statement_id": "s2", "value": 2},
        {"id": 3, "session_id": 2, "participant_id": 3, "phase": "pre", "statement_id": "s1", "value": 5},
    ],
    "join_attempts": [{"id": 1, "client": "keyed-hash", "window": 123, "failures": 3}],
    "quiz_attempts": [{"id": 1, "token": "attempt-1", "course_id": "c", "lesson_id": "l", "language": "es", "started_at": NOW, "completed_at": NOW, "score": 0.5}],
    "quiz_answers": [{"id": 1, "attempt_id": 1, "question_id": "q1", "value": [1, 2], "score": 0.5, "text": None, "answered_at": NOW}],
}

# What the naming convention must produce: every constraint and index of revision 0004, by table, as 0008
# left them (it replaced three indexes with wider ones and dropped two that unique constraints made redundant).
CONVENTION_NAMES = {
    "teachers": {"pk_teachers", "uq_teachers_email"},
    "invites": {"pk_invites", "uq_invites_code_hash", "fk_invites_used_by_teachers"},
    "class_sessions": {
        "pk_class_sessions", "uq_class_sessions_code", "fk_class_sessions_teacher_id_teachers",
        "ck_class_sessions_state", "ck_class_sessions_mode", "ix_class_sessions_teacher_id", "ix_class_sessions_open_until",
        "ix_class_sessions_ended_at_open_until_created_at",
    },
    "participants": {
        "pk_participants", "uq_participants_token", "fk_participants_session_id_class_sessions",
        "ck_participants_pre_survey", "ck_participants_post_survey", "ix_participants_session_id",
    },
    "session_answers": {
        "pk_session_answers", "uq_session_answers_participant_question", "fk_session_answers_session_id_class_sessions",
        "fk_session_answers_participant_id_participants", "ix_session_answers_session_id_question_id",
    },
    "survey_responses": {
        "pk_survey_responses", "uq_survey_responses_participant_phase_statement", "fk_survey_responses_session_id_class_sessions",
        "fk_survey_responses_participant_id_participants", "ck_survey_responses_phase", "ix_survey_responses_session_id",
    },
    "join_attempts": {"pk_join_attempts", "uq_join_attempts_client_window", "ix_join_attempts_window"},
    "quiz_attempts": {"pk_quiz_attempts", "uq_quiz_attempts_token", "ix_quiz_attempts_course_id", "ix_quiz_attempts_started_at"},
    "quiz_answers": {"pk_quiz_answers", "uq_quiz_answers_attempt_question", "fk_quiz_answers_attempt_id_quiz_attempts"},
}


def insert_rows() -> None:
    """ROWS, typed by the models' columns but naming only 0003's, so it works at 0003 and at head."""
    for name, records in ROWS.items():
        columns = db.metadata.tables[name].c
        table = sa.table(name, *(sa.column(key, columns[key].type) for key in records[0]))
        db.session.execute(sa.insert(table), records)
    db.session.commit()


def snapshot() -> dict:
    """Every row of every table in 0003's columns (later revisions add some), as the database returns them."""
    rows = {}
    for name, records in ROWS.items():
        query = sa.select(*map(sa.column, records[0])).select_from(sa.table(name)).order_by(sa.column("id"))
        rows[name] = [tuple(row) for row in db.session.execute(query)]
    db.session.rollback()  # hold no lock while a migration alters the tables
    return rows


def ids(table: str) -> list[int]:
    found = list(db.session.scalars(sa.text(f"SELECT id FROM {table} ORDER BY id")))
    db.session.rollback()
    return found


def constraint_names(engine) -> dict[str, set]:
    """Per table, the names of its primary key, unique, foreign key and CHECK constraints and indexes."""
    inspector = sa.inspect(engine)
    names = {}
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        found = {inspector.get_pk_constraint(table)["name"]}
        found |= {constraint["name"] for constraint in inspector.get_unique_constraints(table)}
        found |= {constraint["name"] for constraint in inspector.get_foreign_keys(table)}
        found |= {constraint["name"] for constraint in inspector.get_check_constraints(table)}
        # PostgreSQL lists the index behind each unique constraint too.
        found |= {index["name"] for index in inspector.get_indexes(table) if not index.get("duplicates_constraint")}
        names[table] = found
    return names


def model_names() -> dict[str, set]:
    """Per table, the names the models (through the naming convention) give their constraints and indexes."""
    return {table.name: {constraint.name for constraint in table.constraints} | {index.name for index in table.indexes} for table in db.metadata.sorted_tables}


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def migrated_app(backend, make_app, request):
    """The app on a database migrated from empty to head: SQLite's is a copy of the session's migrated file."""
    if backend == "sqlite":
        return make_app()
    return request.getfixturevalue("make_pg_app")()


@pytest.fixture
def make_legacy_app(backend, make_app, request, tmp_path, monkeypatch):
    """The app on a database migrated to 0003 before the naming convention existed, as deployed ones were.

    Alembic names the unnamed constraints of ``op.create_table`` with the target metadata's naming
    convention, so the convention is taken away while 0002 and 0003 run.
    """

    def factory():
        url = f"sqlite:///{tmp_path / 'legacy.sqlite'}" if backend == "sqlite" else request.getfixturevalue("postgres").new_database()
        app = make_app(DATABASE_URL=url)
        with app.app_context():
            with monkeypatch.context() as patch:
                patch.setattr(db.metadata, "naming_convention", DEFAULT_NAMING_CONVENTION)
                upgrade(revision="0003")
            teachers = sa.inspect(db.engine).get_pk_constraint("teachers")["name"]
            assert teachers == (None if backend == "sqlite" else "teachers_pkey")
        return app

    return factory


@pytest.fixture(params=["migrated-from-empty", "upgraded-from-0003-before-the-convention"])
def app_at_head(request, make_legacy_app):
    if request.param == "migrated-from-empty":
        return request.getfixturevalue("migrated_app")
    app = make_legacy_app()
    with app.app_context():
        insert_rows()
        upgrade()
    return app


def test_deleting_a_session_deletes_its_learners_answers_and_surveys_by_cascade(migrated_app):
    with migrated_app.app_context():
        insert_rows()
        classroom.delete_session(db.session.get(ClassSession, 1))  # one DELETE: the database does the rest
        assert ids("class_sessions") == [2]
        assert ids("participants") == [3]
        assert ids("session_answers") == [3]
        assert ids("survey_responses") == [3]


def test_purging_expired_sessions_leaves_nothing_of_their_learners(migrated_app):
    with migrated_app.app_context():
        insert_rows()
        db.session.execute(sa.text("UPDATE class_sessions SET ended_at = :ended WHERE id = 1"), {"ended": NOW})
        db.session.commit()
        assert classroom.purge_expired(30, now=NOW + timedelta(days=31)) == 2  # session 2 closed (open_until) then too
        assert [ids(table) for table in ("class_sessions", "participants", "session_answers", "survey_responses")] == [[], [], [], []]


def test_deleting_a_teacher_deletes_their_sessions_and_logins_and_frees_their_invitation(migrated_app):
    with migrated_app.app_context():
        insert_rows()
        login = {"teacher_id": 1, "token_hash": "login-hash", "created_at": NOW, "last_seen_at": NOW}
        db.session.execute(sa.insert(db.metadata.tables["teacher_logins"]), login)
        db.session.commit()
    result = migrated_app.test_cli_runner().invoke(args=["teachers", "delete", "a@example.org", "--yes"])
    assert result.exit_code == 0, result.output
    with migrated_app.app_context():
        assert ids("teachers") == [2]
        assert ids("class_sessions") == [2]
        assert ids("participants") == [3]
        assert ids("session_answers") == [3]
        assert ids("teacher_logins") == []
        assert db.session.execute(sa.text("SELECT id, used_by FROM invites ORDER BY id")).all() == [(1, None), (2, None)]


def test_purging_old_quiz_attempts_deletes_their_answers_by_cascade(migrated_app):
    with migrated_app.app_context():
        insert_rows()
        assert purge_attempts(90, now=NOW + timedelta(days=91)) == 1
        assert ids("quiz_attempts") == [] and ids("quiz_answers") == []
        assert ids("quiz_answer_tallies") != []


def test_sqlite_refuses_a_row_pointing_at_nothing(make_app):
    app = make_app()
    with app.app_context():
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            db.session.execute(sa.text("INSERT INTO participants (session_id, token, language, joined_at) VALUES (99, 't', 'en', '2026-05-01')"))
            db.session.commit()


@pytest.mark.parametrize(
    ("table", "column", "allowed", "refused"),
    [
        ("class_sessions", "state", "ended", "paused"),
        ("class_sessions", "mode", "self", "group"),
        ("participants", "pre_survey", None, "maybe"),
        ("participants", "post_survey", "skipped", "later"),
        ("survey_responses", "phase", "post", "mid"),
    ],
    ids=lambda value: value if isinstance(value, str) else "none",
)
def test_database_refuses_a_value_outside_the_enumeration(migrated_app, table, column, allowed, refused):
    with migrated_app.app_context():
        insert_rows()
        update = sa.text(f"UPDATE {table} SET {column} = :value WHERE id = 1")
        db.session.execute(update, {"value": allowed})
        db.session.commit()
        with pytest.raises(IntegrityError) as refusal:
            db.session.execute(update, {"value": refused})
            db.session.commit()
        db.session.rollback()
        assert f"ck_{table}_{column}" in str(refusal.value.orig)
        value = db.session.scalar(sa.text(f"SELECT {column} FROM {table} WHERE id = 1"))
        assert value == allowed


def test_constraint_names_follow_the_naming_convention(app_at_head):
    with app_at_head.app_context():
        names = constraint_names(db.engine)
        for table, expected in CONVENTION_NAMES.items():
            assert expected <= names[table], table
        # Nothing unnamed or differently named anywhere, including what later revisions add.
        assert names == model_names()


def test_migrated_database_matches_the_models_as_db_check_sees_it(app_at_head):
    with app_at_head.app_context():
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)
        assert differences == []
        result = app_at_head.test_cli_runner().invoke(db_cli, ["check"])
        assert result.exit_code == 0, result.output


def test_upgrade_from_0003_keeps_every_row(make_legacy_app):
    app = make_legacy_app()
    with app.app_context():
        insert_rows()
        before = snapshot()
        assert [len(rows) for rows in before.values()] == [len(records) for records in ROWS.values()]
        upgrade()
        assert snapshot() == before
        assert "ck_class_sessions_state" in constraint_names(db.engine)["class_sessions"]


def test_downgrade_to_0003_keeps_every_row_and_upgrading_again_restores_the_names(make_legacy_app):
    app = make_legacy_app()
    with app.app_context():
        legacy = constraint_names(db.engine)
        insert_rows()
        before = snapshot()
        upgrade()
        downgrade(revision="0003")
        assert snapshot() == before
        assert constraint_names(db.engine) == legacy
        upgrade()
        assert snapshot() == before
        assert constraint_names(db.engine) == model_names()


def test_migrations_leave_the_apps_sqlite_connections_enforcing_foreign_keys(make_app):
    app = make_app()
    with app.app_context():
        upgrade()  # at head already: env.py still switches foreign keys off on its connection, and back on
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1


def test_migrating_sqlite_fails_loudly_when_a_row_points_at_nothing(make_app):
    app = make_app()
    with app.app_context():
        connection = sqlite3.connect(db.engine.url.database)  # foreign keys off, as during a migration
        with connection:
            connection.execute("INSERT INTO participants (session_id, token, language, joined_at) VALUES (99, 't', 'en', '2026-05-01')")
        connection.close()
        config = app.extensions["migrate"].migrate.get_config()
        with pytest.raises(RuntimeError, match=r"(?s)foreign_key_check found 1 row.*participants row 1 -> class_sessions"):
            command.upgrade(config, "head")


def test_a_driver_statement_refuses_a_bind_the_driver_would_not_get_as_sqlalchemy_gives_it():
    """psycopg gets the binds as they are, so a type SQLAlchemy converts first (a Date, say) is refused when
    the statement is made, not stored wrong later; JSON is wrapped as SQLAlchemy's dialect wraps it."""
    dialect = postgresql.psycopg.dialect()
    with pytest.raises(TypeError, match="when"):
        DriverStatement(sa.select(sa.bindparam("when", type_=sa.Date)), dialect)
    made = DriverStatement(sa.select(sa.bindparam("value", type_=sa.JSON), sa.literal("live")), dialect)
    assert made.json == {"value"} and list(made.constants.values()) == ["live"]


def test_a_driver_statement_gives_its_row_and_the_json_sqlalchemy_would_store(make_pg_app):
    app = make_pg_app()
    statement = DriverStatement(sa.select(sa.bindparam("value", type_=sa.JSON), sa.bindparam("n", type_=sa.Integer) + 1), postgresql.psycopg.dialect())
    with app.app_context():
        assert statement.first(db.engine, {"value": {"a": ["ü", 1]}, "n": 41}) == ({"a": ["ü", 1]}, 42)


def test_a_driver_statement_on_a_connection_that_died_raises_and_leaves_it_out_of_the_pool(make_pg_app):
    """The error is SQLAlchemy's (the lanes catch it and leave the request to Flask), and the next statement
    gets a live connection, not the dead one again."""
    app = make_pg_app()
    statement = DriverStatement(sa.select(sa.func.pg_backend_pid()), postgresql.psycopg.dialect())
    with app.app_context():
        pid = statement.first(db.engine, {})[0]
        other = sa.create_engine(db.engine.url)  # not a connection of the app's pool: the dead one is there
        with other.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.dispose()
        with pytest.raises(sa.exc.DBAPIError):
            statement.first(db.engine, {})
        assert statement.first(db.engine, {})[0] != pid
