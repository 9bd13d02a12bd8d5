"""A throwaway PostgreSQL server for the tests that prove the app runs on it (as it will at scale): the one
in quizapp.testing, which the benchmark uses too."""

from quizapp.testing import PostgresServer, pg_bin

__all__ = ["PostgresServer", "pg_bin"]
