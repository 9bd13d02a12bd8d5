"""A throwaway PostgreSQL server for the tests that prove the app runs on it (as it will at scale).

Debian's server, started as the postgres user in a temporary folder on its own port, fsync off; stopped
and deleted when the test run ends. `make test` installs the server where it is missing.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .servers import free_port


def pg_bin(name: str) -> str:
    """A PostgreSQL server program: on PATH, else Debian's versioned folder."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed: run `make test`, which installs it")
    return found


class PostgresServer:
    """initdb + pg_ctl start on 127.0.0.1, a new database per test."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="kizuna-pg-"))
        self.port = free_port()
        self.count = 0

    def _as_postgres(self, *command, **kwargs):
        # initdb refuses to run as root; the server must not either.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *command], check=True, capture_output=True, **kwargs)

    def start(self) -> "PostgresServer":
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        data = self.dir / "data"
        self._as_postgres(pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._as_postgres(pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        deadline = time.monotonic() + 20
        while subprocess.run([pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start")
            time.sleep(0.1)
        return self

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        self.count += 1
        name = f"kizuna_{self.count}"
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._as_postgres(pg_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
