"""Benchmark: a burst of learners joining and answering in many live sessions at once.

Starts the app under gunicorn on a throwaway PostgreSQL (or SQLite) database, has a teacher open
SESSIONS live sessions, then LEARNERS learners (spread over the sessions and the shipped languages)
join, load their page, answer the first question, and poll the state URL. Every request is timed.
The same load generator also times a static file from the same server in the same run, as the
baseline: on 2 cores the client competes with the server, so compare ratios, not absolute numbers.
At the end it checks in the database that every answer was stored exactly once.

    .venv/bin/python bench/classroom_burst.py [--learners 1000] [--sessions 33] [--db postgres]
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.postgres import PostgresServer  # noqa: E402
from tests.servers import Server  # noqa: E402

LESSON = "understanding-hikikomori/what-is-hikikomori"
LANGUAGES = ("en", "ja", "es", "ar")
PASSWORD = "benchmark password"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Client:
    """One keep-alive HTTP connection with its own cookies (one learner, or the teacher)."""

    def __init__(self, host, port):
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.cookies = {}

    def request(self, method, path, data=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect, as a browser does.
                self.connection.close()
                if attempt == 2:
                    raise
        text = response.read().decode()
        elapsed = time.perf_counter() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text, elapsed


class Timings:
    """Latencies by request kind, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_kind = {}
        self.errors = []

    def add(self, kind, elapsed, status, expected):
        with self.lock:
            self.by_kind.setdefault(kind, []).append(elapsed)
            if status not in expected:
                self.errors.append((kind, status))

    def summary(self):
        rows = {}
        for kind, values in sorted(self.by_kind.items()):
            values = sorted(values)
            rows[kind] = {
                "requests": len(values),
                "p50_ms": round(1000 * values[len(values) // 2], 1),
                "p95_ms": round(1000 * values[int(len(values) * 0.95) - 1], 1),
                "max_ms": round(1000 * values[-1], 1),
                "mean_ms": round(1000 * statistics.fmean(values), 1),
            }
        return rows


def flask(env, *args):
    subprocess.run([sys.executable, "-m", "flask", "--app", "quizapp", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def setup_sessions(server, count):
    teacher = Client("127.0.0.1", server.port)
    _s, _h, html, _e = teacher.request("GET", "/en/teach/login")
    teacher.request("POST", "/en/teach/login", {"email": "bench@example.org", "password": PASSWORD, "csrf_token": CSRF.search(html).group(1)})
    sessions = []
    for _ in range(count):
        _s, _h, html, _e = teacher.request("GET", "/en/teach/sessions/new")
        status, headers, _t, _e = teacher.request("POST", "/en/teach/sessions/new", {"lesson": LESSON, "mode": "live", "names": "anonymous", "csrf_token": CSRF.search(html).group(1)})
        live = urllib.parse.urlparse(headers["Location"]).path
        _s, _h, html, _e = teacher.request("GET", live)
        code = re.search(r'class="join-code"[^>]*>(\w+)<', html).group(1)
        sessions.append((live, code))
    return teacher, sessions


def control(teacher, live, action):
    _s, _h, html, _e = teacher.request("GET", live)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    teacher.request("POST", live + "control", {"action": action, "version": version, "csrf_token": CSRF.search(html).group(1)})


def learner_joins(server, code, language, timings):
    client = Client("127.0.0.1", server.port)
    status, _h, html, elapsed = client.request("GET", f"/{language}/join/{code}")
    timings.add("join page", elapsed, status, {200})
    status, headers, _t, elapsed = client.request("POST", f"/{language}/join/{code}", {"language": language, "csrf_token": CSRF.search(html).group(1)})
    timings.add("join (POST)", elapsed, status, {303})
    return client, urllib.parse.urlparse(headers["Location"]).path


def learner_answers(client, page, timings, polls):
    token = page.rsplit("/", 1)[1]
    status, _h, html, elapsed = client.request("GET", page)
    timings.add("learner page", elapsed, status, {200})
    question = re.search(r'name="question" value="([\w-]+)"', html).group(1)
    choice = re.search(r'name="(q_\w+)" required type="radio" value="([\w-]+)"', html)
    data = {"question": question, choice.group(1): choice.group(2), "csrf_token": CSRF.search(html).group(1)}
    status, _h, _t, elapsed = client.request("POST", page, data)
    timings.add("answer (POST)", elapsed, status, {303})
    status, _h, _t, elapsed = client.request("POST", page, data)  # the double click
    timings.add("answer resent", elapsed, status, {303})
    etag = None
    for _ in range(polls):
        status, headers, _t, elapsed = client.request("GET", f"/s/{token}/state", headers={"If-None-Match": etag} if etag else {})
        etag = headers.get("ETag", etag)
        timings.add("state poll", elapsed, status, {200, 304})
    status, _h, _t, elapsed = client.request("GET", "/static/css/app.css")
    timings.add("baseline: static file", elapsed, status, {200})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=33)
    parser.add_argument("--concurrency", type=int, default=64, help="learners acting at the same moment")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--polls", type=int, default=3)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kizuna-bench-"))
    postgres = PostgresServer().start() if args.db == "postgres" else None
    url = postgres.new_database() if postgres else f"sqlite:///{workdir / 'bench.sqlite'}"
    env = dict(os.environ, QUIZAPP_SECRET_KEY="bench", QUIZAPP_DATABASE_URL=url)
    flask(env, "db", "upgrade")
    flask(env, "teachers", "create", "bench@example.org", "--password", PASSWORD)
    server = Server(workdir, "bench", QUIZAPP_SECRET_KEY="bench", QUIZAPP_DATABASE_URL=url)
    try:
        server.start(workers=args.workers, extra=["--worker-class", "gthread", "--threads", str(args.threads)])
        teacher, sessions = setup_sessions(server, args.sessions)
        timings = Timings()
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            jobs = [pool.submit(learner_joins, server, sessions[n % len(sessions)][1], LANGUAGES[n % len(LANGUAGES)], timings) for n in range(args.learners)]
            learners = [job.result() for job in jobs]
        joined = time.perf_counter() - started
        for live, _code in sessions:
            control(teacher, live, "start")
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            for job in [pool.submit(learner_answers, client, page, timings, args.polls) for client, page in learners]:
                job.result()
        answered = time.perf_counter() - started
        stored = count_answers(env)
        summary = {
            "learners": args.learners,
            "sessions": args.sessions,
            "database": args.db,
            "gunicorn": f"{args.workers} workers x {args.threads} threads",
            "join_burst_s": round(joined, 2),
            "answer_burst_s": round(answered, 2),
            "answers_stored": stored,
            "answers_lost": args.learners - stored,
            "errors": timings.errors[:10],
            "latency": timings.summary(),
        }
        print(json.dumps(summary, indent=2))
        return 0 if stored == args.learners and not timings.errors else 1
    finally:
        server.stop()
        if postgres:
            postgres.stop()


def count_answers(env):
    code = "from quizapp import create_app; from quizapp.extensions import db; from sqlalchemy import text; app = create_app(); ctx = app.app_context(); ctx.push(); print(db.session.execute(text('select count(*) from session_answers')).scalar())"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return int(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
