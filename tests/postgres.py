"""A throwaway PostgreSQL server for the tests that prove the app runs on it (as it will at scale): the one
in quizapp.testing, which the benchmark uses too; and what that server logs of an app's statements."""

import re

from sqlalchemy import text
from sqlalchemy.engine import make_url

from quizapp.extensions import db
from quizapp.testing import PostgresServer, pg_bin

__all__ = ["PostgresServer", "pg_bin", "statement_log"]

# "LOG:  statement: BEGIN", "LOG:  execute <unnamed>: SELECT …", "LOG:  execute _pg3_0: SELECT …" (a ping is ";")
LOGGED = re.compile(r"LOG:  (?:statement|execute [^:]+): (\S+)")


def statement_log(app, server):
    """Make ``server`` log every statement ``app``'s database receives; a function giving the first word of
    each statement logged while a callable runs (BEGIN and COMMIT included: round trips as the server sees
    them)."""
    with app.app_context():
        name = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
        db.session.execute(text(f"ALTER DATABASE {name} SET log_statement = 'all'"))
        db.session.commit()
        db.engine.dispose()  # new connections take the setting
    log = server.dir / "log"

    def statements_during(action) -> list[str]:
        start = log.stat().st_size
        action()
        with open(log, encoding="utf-8", errors="replace") as file:
            file.seek(start)
            found = (LOGGED.search(line) for line in file.read().splitlines())
        return [match.group(1).upper() for match in found if match]

    return statements_during
