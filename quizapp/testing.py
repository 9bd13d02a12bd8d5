"""Real servers for the tests and the benchmark (as ``flask.testing`` serves Flask's users): a throwaway
PostgreSQL cluster and the app under gunicorn, each on a free port. The app itself never imports this.

PostgreSQL is Debian's server, started as the postgres user in a temporary folder (fsync off unless asked to
be durable, as the benchmark does), and deleted when stopped; `make test` and `make bench` install it where it
is missing.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

from .config import checkout_root


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bin(name: str) -> str:
    """A PostgreSQL server program: on PATH, else Debian's versioned folder."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed: run `make test`, which installs it")
    return found


class PostgresServer:
    """initdb + pg_ctl start on 127.0.0.1, and a new database whenever asked."""

    # Durability traded for speed: the tests' data is thrown away anyway.
    FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

    def __init__(self, durable: bool = False):
        """``durable``: PostgreSQL's own defaults (fsync, synchronous commit), as a production server runs."""
        self.dir = Path(tempfile.mkdtemp(prefix="kizuna-pg-"))
        self.port = free_port()
        self.count = 0
        self.durable = durable

    def _as_postgres(self, *command, **kwargs):
        # initdb refuses to run as root; the server must not either.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *command], check=True, capture_output=True, **kwargs)

    def start(self) -> "PostgresServer":
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        data = self.dir / "data"
        self._as_postgres(pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir}" + ("" if self.durable else f" {self.FAST}")
        self._as_postgres(pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        deadline = time.monotonic() + 20
        while subprocess.run([pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start")
            time.sleep(0.1)
        return self

    def new_database(self, template: str | None = None) -> str:
        """A fresh database, empty or a copy of ``template`` (a URL of ours nothing is connected to); its
        SQLAlchemy URL."""
        self.count += 1
        name = f"kizuna_{self.count}"
        copy = f" TEMPLATE {template.rsplit('/', 1)[1]}" if template else ""
        self.psql(f"CREATE DATABASE {name}{copy}")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def psql(self, sql: str) -> str:
        """Run ``sql`` as the superuser; its output, unaligned and without headers."""
        command = ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-At", "-c", sql]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()

    def settings(self, *names: str) -> dict[str, str]:
        """The server's settings by name, as running (``SHOW``): e.g. fsync, synchronous_commit."""
        return {name: self.psql(f"SHOW {name}") for name in names}

    def pid(self) -> int:
        """The postmaster's process id (its backends are its children)."""
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        try:
            self._as_postgres(pg_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class Server:
    """`gunicorn quizapp:create_app()` on a free port, with the given environment, run from the checkout
    (from the current folder for an installed package). A subclass may serve another ``app`` and wait for
    another ``ready_path``; ``started_in`` is the seconds from launch to the first 200 there."""

    app = "quizapp:create_app()"
    ready_path = "/en/"

    def __init__(self, workdir, name: str, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(workdir) / f"{name}.log"
        self.env = dict(os.environ, **env)
        self.process = None

    def start(self, workers: int = 1, extra=(), host: str = "127.0.0.1") -> "Server":
        """Serve; ``host="0.0.0.0"`` listens on every interface, as `HOST=0.0.0.0 make run` does (requests
        from the tests still go to 127.0.0.1 only)."""
        log = open(self.log_path, "wb")  # noqa: SIM115 - the process writes to it until stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), *extra, "--bind", f"{host}:{self.port}", self.app],
            cwd=checkout_root(),
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        launched = time.monotonic()
        deadline = launched + 30
        while True:
            try:
                urllib.request.urlopen(self.url + self.ready_path, timeout=2).close()
                self.started_in = time.monotonic() - launched
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()}") from None
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def memory(self) -> dict:
        """The proportional set size of gunicorn's master and of each worker now, in bytes (see
        ``gunicorn_memory``). Ask after serving the pages whose memory should count (a lesson in every
        language, a session's pages): a worker builds its caches as it serves."""
        return gunicorn_memory(self.process.pid)


def process_pss(pid: int) -> int:
    """A process's proportional set size in bytes (psutil's ``memory_full_info().pss``, from the kernel's
    smaps): each page counted once, split between the processes sharing it. Unlike RSS, whatever workers
    share with the master that forked them (a preloaded app) is not counted in full in each of them."""
    return psutil.Process(pid).memory_full_info().pss


def gunicorn_memory(master_pid: int) -> dict:
    """``{"master": pss, "workers": [pss, …]}`` in bytes for a gunicorn master and its workers (its child
    processes), measured now."""
    master = psutil.Process(master_pid)
    return {"master": process_pss(master_pid), "workers": [process_pss(worker.pid) for worker in master.children()]}


def right_answer_form(question) -> dict:
    """Form data answering ``question`` right (mid-scale for an opinion, nothing for a reflection), as a
    learner's page sends it: for the tests and the benchmark."""
    from .quizzes.widgets import field_name

    name = field_name(question)
    if question.type in ("single", "myth_fact"):
        return {name: next(option.id for option in question.options if option.correct)}
    if question.type == "multiple":
        return {name: [option.id for option in question.options if option.correct]}
    if question.type == "ordering":
        return {name: [option.id for option in question.options]}
    if question.type == "likert":
        return {name: "3"}
    return {name: ""}
