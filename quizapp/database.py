"""How the app survives a dropped database connection without pinging before every use, and reads one value
in a single round trip.

A pooled connection can be dead when a request takes it: PostgreSQL was restarted, failed over, or closed
idle connections. SQLAlchemy's ``pool_pre_ping`` finds out by sending a ``SELECT 1`` at every checkout, one
more round trip on every request (one of a state poll's four). Instead the app finds out when it uses the
connection, and tries once more:

- **The first statement of a transaction** (``retry_first_statement``) that fails because its connection was
  dead is run again on a fresh one. Nothing had happened in that transaction yet, so running the statement
  again is exactly what the pre-ping would have done, whatever the request is; no idempotency needed. The
  failure marks the whole pool invalid (SQLAlchemy's ``connection_invalidated``), so the other connections
  that died with the server are replaced when next taken, not discovered one request at a time.
  A later statement is never retried (what the transaction did before it was lost with the connection): it
  fails as before, and the request answers 503 with Retry-After (errors.py), as it does while the database
  is away. Neither is a statement with changes waiting in the session (a rollback would drop them), nor a
  lazy load (its object would be expired under it); a request's first statement is neither.
- **One-value reads** (``read_scalar``, the state that every learner's page polls) run outside any
  transaction, so on PostgreSQL they are one round trip instead of three (BEGIN, SELECT, ROLLBACK), and are
  retried once the same way: a read can always be repeated.

Why here and not around views: the statement is the only place that knows whether anything has happened
yet, so one rule covers every route, the CLI and the health check, and no view needs to be idempotent.
"""

import functools
import logging

from flask import current_app
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql import sqltypes

from .extensions import db

log = logging.getLogger(__name__)

# session.info key: the transaction that already has its connection (its first statement has been sent).
CONNECTED = "quizapp.connected_transaction"
# app.extensions key: the engine for one-value reads (autocommit on PostgreSQL).
READS = "quizapp.reads"


def configure_reconnect(app) -> None:
    """Retry first statements after a dropped connection (once per process: the listeners are the session
    class's, shared by every app), and keep the engine that ``read_scalar`` uses."""
    for name, listener in (("after_begin", note_connected), ("do_orm_execute", retry_first_statement)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
    with app.app_context():
        app.extensions[READS] = reads_engine(db.engine)


def reads_engine(engine: Engine) -> Engine:
    """``engine`` in autocommit on PostgreSQL (no BEGIN and ROLLBACK around a lone SELECT). SQLite's driver
    starts no transaction for a SELECT anyway, and switching its isolation level costs more than it saves.
    The same pool either way (an option engine shares its parent's)."""
    return engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "postgresql" else engine


def note_connected(session: Session, transaction: SessionTransaction, connection) -> None:
    """``after_begin``: the transaction has a connection, so its next statements are not its first. (A
    SAVEPOINT begins inside a transaction that has one already: the outermost one is what counts.)"""
    if transaction.parent is None:
        session.info[CONNECTED] = transaction


def retry_first_statement(state: ORMExecuteState):
    """``do_orm_execute``: run the transaction's first statement, and once more on a fresh connection if the
    one it was given turns out to be dead. Any other statement runs as usual (None)."""
    session = state.session
    transaction = session.get_transaction()
    started = transaction is not None and session.info.get(CONNECTED) is transaction
    if started or state.is_relationship_load or state.is_column_load or session.new or session.dirty or session.deleted:
        return None
    try:
        return state.invoke_statement()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        log.warning("database connection lost (%s); retrying on a new connection", type(error.orig).__name__)
        session.rollback()  # gives the dead connection back; the pool replaces it and every older one
        return state.invoke_statement()


def read_scalar(statement, parameters: dict | None = None):
    """The first column of the first row of ``statement`` (or None), read outside any transaction in one
    round trip, and read again once on a fresh connection if the pooled one was dead."""
    return _read(lambda connection: connection.scalar(statement, parameters))


def read_first(statement, parameters: dict | None = None):
    """The first row of ``statement`` (or None), read as ``read_scalar`` reads."""
    return _read(lambda connection: connection.execute(statement, parameters).first())


def _read(read):
    engine = current_app.extensions[READS]
    try:
        with engine.connect() as connection:
            return read(connection)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        log.warning("database connection lost (%s); retrying on a new connection", type(error.orig).__name__)
        with engine.connect() as connection:
            return read(connection)


def insert_once(model, dialect_name: str | None = None, returning: str | None = None):
    """A Core INSERT into ``model``'s table that skips a row a unique index already holds (ON CONFLICT DO
    NOTHING, which PostgreSQL and SQLite both have): a resend stores nothing and raises nothing, so the
    transaction goes on, and no ORM object is built for a row nobody reads back. The dialect is the ORM
    session's unless named (a statement run on a Core connection); ``returning``: a column's name. Run it
    with the row as parameters: the statement is built once per process, not per answer (building it and its
    cache key cost as much as running it)."""
    return _insert_once(model, dialect_name or db.session.get_bind().dialect.name, returning)


@functools.cache
def _insert_once(model, dialect_name: str, returning: str | None):
    statement = dialect_insert(dialect_name)(model.__table__).on_conflict_do_nothing()
    return statement.returning(model.__table__.c[returning]) if returning else statement


def dialect_insert(dialect_name: str):
    """The dialect's own ``insert`` construct, the one that has ON CONFLICT."""
    return {"postgresql": postgresql, "sqlite": sqlite}[dialect_name].insert


class DriverStatement:
    """One Core statement, run on PostgreSQL by psycopg itself: for the one statement a lane sends per request.

    SQLAlchemy's execution around a statement (the Connection, its events, the execution context, the
    result, switching the pooled connection to autocommit and back) cost the answer lane more than psycopg's
    own work: 0.23 ms against 0.11 in process for the same INSERT … SELECT. Here SQLAlchemy still compiles
    the statement (once) and lends the connection from the app's one pool; psycopg sends it as a prepared
    statement in autocommit (one round trip, no BEGIN or COMMIT), and the connection goes back to the pool
    as it came. Binds are passed as psycopg adapts them, so only types it adapts as SQLAlchemy does are
    allowed, and JSON, wrapped in psycopg's ``Json`` as SQLAlchemy's psycopg dialect wraps it. A driver
    error is raised as SQLAlchemy's ``DBAPIError``, and a connection that broke is dropped from the pool.
    """

    PASSED_AS_IS = (sqltypes.String, sqltypes.Integer, sqltypes.Float, sqltypes.DateTime, sqltypes.Boolean)

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        binds = {compiled.bind_names[bind]: bind for bind in compiled.binds.values()}
        self.constants = {name: bind.effective_value for name, bind in binds.items() if not bind.required}  # mode = 'live'
        self.json = set()
        for name, bind in binds.items():
            if isinstance(bind.type, sqltypes.JSON):
                self.json.add(name)
            elif not isinstance(bind.type, self.PASSED_AS_IS):
                raise TypeError(f"{name}: {bind.type!r} is not passed to the driver as SQLAlchemy would pass it")

    def first(self, engine: Engine, parameters: dict):
        """The statement's first row (a tuple), or None."""
        from psycopg import Error
        from psycopg.types.json import Json

        values = {**self.constants, **parameters}
        for name in self.json:
            values[name] = Json(values[name])  # dumped by the connection's adapters, as SQLAlchemy set them
        pooled = engine.raw_connection()
        driver = pooled.driver_connection
        try:
            driver.autocommit = True
            try:
                with driver.cursor() as cursor:
                    cursor.execute(self.sql, values, prepare=True)
                    return cursor.fetchone() if cursor.description else None
            finally:
                driver.autocommit = False
        except Error as error:
            if driver.broken or driver.closed:
                pooled.invalidate(error)
            raise DBAPIError.instance(self.sql, values, error, Error, hide_parameters=True) from error
        finally:
            pooled.close()
