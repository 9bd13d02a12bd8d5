"""`make bench`: every figure of issue 15 beside its target, PASS or FAIL, in one run (see bench/__init__.py).

    .venv/bin/python -m bench [--tiny] [--record] [--strict] [--workers 3] [--threads 4] [--fast-postgres]
                              [--only routes,languages,burst]

The exit status is 1 only on errors (an error status, a lost answer, a failed request or a broken run), not
on a FAIL: a slower figure is news for the note, a lost answer is a bug. ``--strict`` fails on a FAIL too.
"""

import argparse
import asyncio
import contextlib
import os
import secrets
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from quizapp.content import load_library
from quizapp.quizzes.service import new_token
from quizapp.testing import PostgresServer, Server

from . import memory, pages, wrk
from .classroom_burst import READING_S, burst, courses_with_ten_questions, offered_languages, reading_range
from .fixtures import COURSE, LESSON, ROOT, Classroom, copy_sqlite, migrate
from .report import Report, commit, machine, now, record

GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


@dataclass(frozen=True)
class Mode:
    """How long and how big: the full run (≤ 10 minutes on 2 cores) or a tiny one for the tests."""

    rounds: int
    seconds: int  # per wrk run
    connections: int
    in_process: int  # requests per route through the test client
    language_copies: int
    language_seconds: int  # at most, per server, to serve every page twice per worker
    learners: int
    sessions: int
    questions: int
    poll_s: float
    reading_s: tuple  # a learner reads a question for between these many seconds before answering


FULL = Mode(rounds=3, seconds=2, connections=16, in_process=200, language_copies=4, language_seconds=30, learners=1000, sessions=33, questions=10, poll_s=2.0, reading_s=READING_S)
TINY = Mode(rounds=1, seconds=1, connections=8, in_process=10, language_copies=2, language_seconds=2, learners=24, sessions=3, questions=2, poll_s=1.0, reading_s=(0.1, 0.3))


class HelloServer(Server):
    """The baseline under the same gunicorn settings."""

    app = "bench.hello:create_app()"
    ready_path = "/"


def make_run_server(workdir: Path, name: str, workers: int, threads: int, server_class=Server, **env) -> Server:
    """gunicorn as `make run` starts it: deploy/gunicorn.conf.py, WORKERS workers of THREADS threads."""
    server = server_class(workdir, name, THREADS=str(threads), **env)
    return server.start(workers=workers, extra=["--config", str(GUNICORN_CONFIG)])


@contextlib.contextmanager
def isolated_environment(workdir: Path):
    """Neither the caller's QUIZAPP_* settings nor the checkout's instance/ (its database, its settings) reach
    the servers or the apps in this process; the instance folder is a temporary one."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith(("QUIZAPP_", "FLASK_")):
            del os.environ[name]
    os.environ["QUIZAPP_INSTANCE_PATH"] = str(workdir / "instance")
    os.environ["QUIZAPP_SECRET_KEY"] = secrets.token_hex(16)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def say(message: str) -> None:
    """Progress, on standard error (the figures go to standard output)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Bench:
    """One run: its folder, its servers, its figures."""

    def __init__(self, workdir: Path, args, mode: Mode, stack: contextlib.ExitStack):
        self.workdir, self.args, self.mode, self.stack = workdir, args, mode, stack
        self.repeated_runs = []  # wrk runs made again because one worker took all their connections
        self.report = Report()
        self.starts: list[float] = []
        self.cpu_in_process: dict[str, float] = {}
        self.library = load_library(ROOT / "courses")
        self.languages = offered_languages()

    def server(self, name: str, server_class=Server, **env) -> Server:
        """A make-run server, stopped when the run ends (or at once with ``stop``); what it logged as an
        error is kept for the report before its folder goes."""
        server = make_run_server(self.workdir, name, self.args.workers, self.args.threads, server_class, **env)
        self.stack.callback(self.logged_errors, name, server)
        self.stack.callback(server.stop)
        return server

    def logged_errors(self, name: str, server: Server) -> None:
        """The server's logged errors (a 500's traceback), on standard error, and counted as errors."""
        lines = server.log_path.read_text(errors="replace").splitlines() if server.log_path.exists() else []
        errors = [n for n, line in enumerate(lines) if "[ERROR]" in line or line.startswith("Traceback")]
        if errors:
            self.report.errors.append(f"the {name} server logged {len(errors)} errors (the first on standard error)")
            say(f"the {name} server logged:\n" + "\n".join(lines[max(0, errors[0] - 1) : errors[0] + 60]))

    def run(self) -> Report:
        say("databases: PostgreSQL " + ("without fsync (--fast-postgres)" if self.args.fast_postgres else "with its default durability") + ", SQLite; migrating")
        self.postgres = PostgresServer(durable=not self.args.fast_postgres).start()
        self.stack.callback(self.postgres.stop)
        template = self.workdir / "template.sqlite"
        migrate(f"sqlite:///{template}")
        pg_template = self.postgres.new_database()
        migrate(pg_template)
        urls = {"sqlite": copy_sqlite(template, self.workdir / "app.sqlite"), "postgres": self.postgres.new_database(template=pg_template)}
        burst_urls = {"sqlite": copy_sqlite(template, self.workdir / "burst.sqlite"), "postgres": self.postgres.new_database(template=pg_template)}
        classrooms = {name: Classroom(url) for name, url in urls.items()}
        for classroom in classrooms.values():
            self.stack.callback(classroom.dispose)
        durability = {name: classroom.durability() for name, classroom in classrooms.items()}
        parts = self.args.only
        if "routes" in parts:
            self.routes_and_memory(urls, classrooms)
        if "languages" in parts:
            self.memory_per_language(urls["sqlite"])
        if self.starts:
            self.start_time()
        if "burst" in parts:
            self.bursts(burst_urls)
        self.conditions(durability)
        return self.report

    def routes_and_memory(self, urls: dict, classrooms: dict) -> None:
        """Page weight, CPU per request, req/s ratios and memory per worker, on the same three servers."""
        sqlite = classrooms["sqlite"]
        session_id, _code, (learner,) = sqlite.live_sessions(1)[0]
        sqlite.start([session_id])
        cookie, csrf = sqlite.browser()
        etag = sqlite.app.test_client().get(f"/s/{learner}/state").headers["ETag"]
        quiz_token = new_token()
        routes = pages.route_table(classrooms, self.library, cookie, csrf, quiz_token, learner, etag)

        say("servers: hello-world and the app on SQLite and on PostgreSQL, with make run's settings")
        hello = self.server("hello", HelloServer)
        servers = {name: self.server(f"app-{name}", QUIZAPP_DATABASE_URL=url) for name, url in urls.items()}
        self.starts += [server.started_in for server in servers.values()]
        self.page_weight(servers["sqlite"], pages.every_page(self.library, self.languages, quiz_token, learner), cookie)
        self.cpu_per_request(routes, classrooms)
        self.requests_per_second(routes, servers, hello)
        self.worker_memory(servers["sqlite"], hello)
        for server in (hello, *servers.values()):
            server.stop()

    def page_weight(self, server: Server, paths: list, cookie: str) -> None:
        say(f"every page over the wire, gzip ({len(paths)} pages)")
        sizes, errors = pages.sizes_over_the_wire(server.port, paths, cookie)
        self.report.errors += errors
        if sizes:
            largest, path = max(sizes)
            self.report.values["page_max_kb"] = largest / 1024
            self.report.notes["page_max_kb"] = f"{path}; {len(sizes)} pages, median {statistics.median(size for size, _ in sizes) / 1024:.1f} KB"

    def cpu_per_request(self, routes: list, classrooms: dict) -> None:
        say(f"CPU per request in process ({self.mode.in_process} requests per route)")
        self.hello_cpu_in_process = pages.hello_cpu_in_process(self.mode.in_process)
        for route in routes:
            self.cpu_in_process[route.key], errors = pages.cpu_in_process(classrooms[route.app].app, route, self.mode.in_process)
            self.report.errors += [f"{route.target.label}: {error}" for error in errors]

    def requests_per_second(self, routes: list, servers: dict, hello: Server) -> None:
        mode, report = self.mode, self.report
        say(f"wrk: {mode.rounds} rounds of hello, route, hello, route … ({mode.seconds} s each, {mode.connections} connections)")
        figures, hellos, self.repeated_runs = pages.interleaved(routes, servers, hello, mode.rounds, mode.seconds, mode.connections, self.workdir)
        hello_in_gunicorn = 1000 * sum(run.server_cpu_s for run in hellos) / max(1, sum(run.requests for run in hellos))
        for route in routes:
            figure = figures[route.key]
            report.values[route.key] = figure.ratio
            in_gunicorn = figure.cpu_under_gunicorn_ms
            report.notes[route.key] = (
                f"{figure.rate:.0f} req/s (hello {figure.hello_rate:.0f}); CPU/request {self.cpu_in_process[route.key]:.2f} ms in process (hello {self.hello_cpu_in_process:.2f})"
                + (f", {in_gunicorn:.2f} ms in gunicorn (hello {hello_in_gunicorn:.2f})" if in_gunicorn is not None else "")
            )
            report.errors += [f"{route.target.label}: {error}" for error in figure.errors]

    def worker_memory(self, server: Server, hello: Server) -> None:
        say("memory per worker after load (PSS)")
        app_mb, hello_mb = memory.worker_pss_mb(server), memory.worker_pss_mb(hello)
        self.report.values["memory_worker_mb"] = max(app_mb)
        master = server.memory()["master"] / memory.MB
        self.report.notes["memory_worker_mb"] = f"workers {', '.join(f'{mb:.1f}' for mb in app_mb)} MB, master {master:.1f} MB; hello-world workers {memory.mean_mb(hello_mb):.1f} MB"

    def memory_per_language(self, url: str) -> None:
        copies = self.mode.language_copies
        say(f"memory per added language: the app with {copies} copies of the {memory.COPIED} catalog as more languages")
        translations, added = memory.translations_with_copies(self.workdir / "translations", copies)
        quiz_token = new_token()
        results = {}
        for name, languages, env in (
            ("shipped", self.languages, {}),
            ("copies", (*self.languages, *added), {"QUIZAPP_TRANSLATIONS_DIR": str(translations), "QUIZAPP_LANGUAGES_FILE": str(translations / "languages.yml")}),
        ):
            server = self.server(f"languages-{name}", QUIZAPP_DATABASE_URL=url, **env)
            if name == "shipped":
                self.starts.append(server.started_in)
            requests = memory.pages_in(self.library, languages, quiz_token)
            served, failed = memory.load_every_page(server, requests, self.args.workers, self.mode.language_seconds, self.mode.connections, self.workdir, name)
            if failed:
                self.report.errors.append(f"memory per language ({name}): {failed} responses with a 4xx or 5xx status")
            results[name] = (memory.mean_mb(memory.worker_pss_mb(server)), served / len(requests))
            server.stop()
        (shipped, shipped_visits), (more, more_visits) = results["shipped"], results["copies"]
        # Two servers' PSS differ by a few hundred KB from run to run; below that a language costs nothing
        # measurable, and a negative "cost" would only be that noise.
        self.report.values["memory_per_language_mb"] = max(0.0, (more - shipped) / copies)
        self.report.notes["memory_per_language_mb"] = (
            f"mean worker PSS {shipped:.1f} MB with {len(self.languages)} languages, {more:.1f} MB with {copies} more ({', '.join(added)}), "
            f"after {shipped_visits:.1f} and {more_visits:.1f} requests per page"
        )

    def start_time(self) -> None:
        self.report.values["start_s"] = statistics.median(self.starts)
        self.report.notes["start_s"] = f"median of {len(self.starts)} starts: " + ", ".join(f"{start:.2f}" for start in self.starts) + " s"

    def bursts(self, urls: dict) -> None:
        mode = self.mode
        courses = courses_with_ten_questions(self.workdir / "courses", mode.questions)
        quiz = load_library(courses).courses[COURSE].lesson(LESSON).quiz
        for name, url in urls.items():
            say(f"burst on {name}: {mode.learners} learners in {mode.sessions} sessions, {mode.questions} questions, polls every {mode.poll_s:g} s, reading {self.reading_text()}")
            classroom = Classroom(url, COURSES_DIR=str(courses))
            server = self.server(f"burst-{name}", QUIZAPP_DATABASE_URL=url, QUIZAPP_COURSES_DIR=str(courses))
            database_pids = [self.postgres.pid()] if name == "postgres" else []
            try:
                result = asyncio.run(burst(server, classroom, quiz, mode.learners, mode.sessions, mode.questions, mode.poll_s, self.languages, database_pids, self.reading_s))
            finally:
                server.stop()
                classroom.dispose()
            self.burst_figures(name, result)

    @property
    def reading_s(self) -> tuple:
        return self.args.reading or self.mode.reading_s

    def reading_text(self) -> str:
        low, high = self.reading_s
        return "0 s (a stampede: every answer the instant its page arrives)" if high == 0 else f"{low:g} to {high:g} s before answering"

    def burst_figures(self, name: str, result) -> None:
        key = f"burst_{name}_p95_ms"
        timings = result.timings
        self.report.values[key] = timings.percentile("answer (POST)", 0.95)
        p99 = timings.percentile("answer (POST)", 0.99)
        saturated = " (saturated: its latencies include its own queueing)" if result.client_cpu_share > 0.8 else ""
        tail = f"p99 {p99:.0f} ms; " if p99 is not None else ""
        sign = "=" if result.sent == result.stored else "≠"
        self.report.notes[key] = (
            f"{tail}{len(result.errors)} errors; answers sent {result.sent} {sign} stored {result.stored}; load generator {100 * result.client_cpu_share:.0f} % of a core{saturated}"
        )
        self.report.errors += [f"burst on {name}: {error}" for error in result.errors[:10]]
        self.report.details.append(
            f"Burst on {result.database}: {result.learners} learners in {result.sessions} sessions joined in {result.join_s:.1f} s; "
            f"{result.questions} questions took {result.questions_s:.1f} s; gunicorn used {result.server_cpu_s:.1f} CPU s"
            + (f", the database {result.database_cpu_s:.1f} CPU s" if result.database_cpu_s else "")
            + f", the load generator {100 * result.client_cpu_share:.0f} % of a core; the machine was {100 * result.machine_busy:.0f} % busy."
        )
        self.report.details.append("")
        self.report.details.append("| request | count | p50 ms | p95 ms | p99 ms | max ms |")
        self.report.details.append("|---|---|---|---|---|---|")
        for kind, row in timings.summary().items():
            self.report.details.append(f"| {kind} | {row['requests']} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {row['max_ms']:.0f} |")
        self.report.details.append("")

    def conditions(self, durability: dict) -> None:
        mode = self.mode
        self.report.conditions += [
            f"gunicorn as `make run` starts it ({GUNICORN_CONFIG.relative_to(ROOT)}, {self.args.workers} workers × {self.args.threads} threads) for the app and for a bare Flask hello-world.",
            f"req/s: wrk, {mode.rounds} interleaved rounds of {mode.seconds} s per route, {mode.connections} keep-alive connections, no gzip asked (nginx compresses in production); ratio = route / mean of the hello runs before and after it, median over rounds. "
            f"A run in which one worker did more than {wrk.SKEWED_SHARE:.0%} of the CPU (it had accepted all of wrk's connections) is run again, at most {wrk.TRIES} tries: {len(self.repeated_runs)} runs were.",
            f"CPU per request in process: {mode.in_process} requests through Flask's test client (time.process_time); in gunicorn: the workers' CPU time during the wrk runs.",
            f"Databases: {durability['sqlite']}; {durability['postgres']}.",
            f"Burst: {mode.learners} learners in {mode.sessions} sessions, {mode.questions} questions, polls every {mode.poll_s:g} s, each learner reading {self.reading_text()}.",
        ]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a few seconds per figure (the tests run this)")
    parser.add_argument("--record", action="store_true", help="rewrite the figures in docs/PERFORMANCE.md and add a line to bench/history.csv")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a FAIL too, not only on errors")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "3")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "4")))
    parser.add_argument("--fast-postgres", action="store_true", help="PostgreSQL without fsync or synchronous commit (as the tests run it)")
    parser.add_argument("--reading", type=reading_range, default=None, help="seconds a learner reads a question before answering in the burst: MIN,MAX (default 2,8), or 0 for a stampede")
    parser.add_argument("--only", type=parts, default=PARTS, help="measure only these parts, comma-separated (" + ",".join(PARTS) + "); the others print n/a. Not with --record")
    args = parser.parse_args(argv)
    if args.record and args.only != PARTS:
        parser.error("--record records a whole run: leave out --only")
    return args


# The parts of a run: the routes (page weight, CPU per request, req/s, memory per worker), memory per added
# language, and the two bursts. --only runs some of them, to iterate on one figure in less than ten minutes.
PARTS = ("routes", "languages", "burst")


def parts(value: str) -> tuple:
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [part for part in chosen if part not in PARTS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(PARTS)}")
    return chosen


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # A terminated run (`timeout`, a closed terminal) still stops its servers and deletes its folder.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    mode = TINY if args.tiny else FULL
    began = time.monotonic()
    when, revision, host = now(), commit(), machine()
    with tempfile.TemporaryDirectory(prefix="kizuna-bench-") as folder, isolated_environment(Path(folder)), contextlib.ExitStack() as stack:
        report = Bench(Path(folder), args, mode, stack).run()
    report.duration_s = time.monotonic() - began
    report.conditions.insert(0, f"Kizuna benchmark{' (tiny)' if args.tiny else ''}, {when}, commit {revision}: {host}.")
    print(report.text(), flush=True)
    if args.record:
        command = "make bench-record" if os.environ.get("MAKELEVEL") else "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
        record(report, command, when, revision, host)
        say("recorded in docs/PERFORMANCE.md and bench/history.csv")
    if report.errors:
        return 1
    return 1 if args.strict and report.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
