"""The page and write routes: req/s under wrk as a ratio to hello-world (interleaved rounds), the gunicorn
workers' CPU per request, CPU per request in process (Flask's test client, ``time.process_time``), and every
page's size over the wire.

Rounds run hello, route, hello, route, … hello: each route's ratio in a round is its req/s over the mean of
the two hello runs around it, and the figure is the median over rounds. A route whose requests can be used
once (an answer per learner and question, an attempt per token) gets a fresh pool each round, sized from
hello's rate so that it cannot run dry unnoticed (requests.lua reports a wrap), and its answers are counted
in the database afterwards: every 303 must be a stored answer.
"""

import http.client
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from quizapp.quizzes.service import new_token

from . import wrk
from .targets import BY_KEY, Target
from .wrk import Request


@dataclass
class Batch:
    """The requests of one run, and how to count what they stored (for the answer routes)."""

    requests: list
    stored: Callable[[], int] | None = None


@dataclass
class Route:
    """One measured route: on which app ("sqlite" or "postgres"), with which headers, expecting which statuses."""

    target: Target
    app: str
    expected: frozenset
    make: Callable[[int], Batch]  # n: requests wanted (pool routes); others return their one request
    headers: tuple = ()
    pool: bool = False

    @property
    def key(self) -> str:
        return self.target.key


def fixed(path: str) -> Callable[[int], Batch]:
    return lambda _n: Batch([Request(path)])


def form_pairs(form: dict) -> tuple:
    """A form as (name, value) pairs, lists spread out as a browser sends them."""
    return tuple((name, item) for name, value in form.items() for item in (value if isinstance(value, list) else [value]))


def answers(classroom, question, form: dict, csrf: str) -> Callable[[int], Batch]:
    """n learners, each in a live session on ``question``, each answering it once."""

    def make(n: int) -> Batch:
        sessions = classroom.live_sessions(n)
        classroom.start([session_id for session_id, _code, _tokens in sessions])
        data = (("question", question.id), *form_pairs(form), ("csrf_token", csrf))
        requests = [Request(f"/en/s/{token}", "POST", data) for _id, _code, tokens in sessions for token in tokens]
        return Batch(requests, lambda: classroom.answer_count([session_id for session_id, _code, _tokens in sessions]))

    return make


def attempts(quiz_path: str, form: dict, csrf: str) -> Callable[[int], Batch]:
    """n whole-quiz submissions, each a new attempt (a new token)."""
    data = (*form_pairs(form), ("csrf_token", csrf))
    return lambda n: Batch([Request(f"{quiz_path}/{new_token()}", "POST", data) for _ in range(n)])


@dataclass
class Figures:
    """One route's runs: (its run, hello's run before, hello's run after, answers stored, requests in the pool)."""

    runs: list = field(default_factory=list)
    cpu_in_process_ms: float | None = None
    errors: list = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        ratios = [run.rate / statistics.fmean([before.rate, after.rate]) for run, before, after, *_ in self.runs if before.rate and after.rate]
        return statistics.median(ratios) if ratios else None

    @property
    def rate(self) -> float:
        return statistics.median(run.rate for run, *_ in self.runs)

    @property
    def hello_rate(self) -> float:
        return statistics.median(statistics.fmean([before.rate, after.rate]) for _run, before, after, *_ in self.runs)

    @property
    def cpu_under_gunicorn_ms(self) -> float | None:
        requests = sum(run.requests for run, *_ in self.runs)
        return 1000 * sum(run.server_cpu_s for run, *_ in self.runs) / requests if requests else None


def interleaved(routes, servers: dict, hello, rounds: int, seconds: int, connections: int, workdir: Path) -> tuple[dict, list, list]:
    """Every route ``rounds`` times between hello runs; (figures by key, hello's runs, the runs made again
    because one worker took all their connections: ``wrk.skewed``)."""
    hello_file = wrk.write_requests(workdir / "hello.requests", [Request("/")])
    hello_pids = wrk.worker_pids(hello)

    def say_hello():
        (run,) = until_shared(lambda: (wrk.run(hello.url, hello_file, seconds, connections, hello_pids),), hello_pids, repeated)
        hellos.append(run)
        return run

    def try_route(route, server, pids):
        # A fresh batch each try: a pool's requests (answers, attempts) may be sent once only.
        batch = route.make(int(before.rate * seconds * 1.25) + 4 * connections if route.pool else 1)
        path = wrk.write_requests(workdir / f"{route.key}.requests", batch.requests, route.headers)
        run = wrk.run(server.url, path, seconds, connections, pids)
        stored = batch.stored() if batch.stored else None
        figures[route.key].errors += run_errors(run, stored, route.pool)
        return run, stored, len(batch.requests)

    hellos, repeated = [], []
    figures = {route.key: Figures() for route in routes}
    before = say_hello()
    for _round in range(rounds):
        for route in routes:
            server = servers[route.app]
            pids = wrk.worker_pids(server)
            run, stored, pool_size = until_shared(lambda route=route, server=server, pids=pids: try_route(route, server, pids), pids, repeated)
            after = say_hello()
            figures[route.key].runs.append((run, before, after, stored, pool_size))
            before = after
    return figures, hellos, repeated


def until_shared(attempt, pids, repeated: list) -> tuple:
    """``attempt()`` (a tuple whose first item is a wrk run), made again while one worker took the run whole
    (``wrk.skewed``), at most ``wrk.TRIES`` times; the runs made again are added to ``repeated``."""
    for _try in range(wrk.TRIES):
        outcome = attempt()
        if not wrk.skewed(outcome[0], pids):
            break
        repeated.append(outcome[0])
    return outcome


def run_errors(run, stored: int | None, pool: bool) -> list[str]:
    """What went wrong in one run: error statuses, failed connections, a pool that ran dry, lost answers."""
    errors = []
    if run.bad_status:
        errors.append(f"{run.bad_status} responses with a 4xx or 5xx status")
    for kind in ("connect", "timeout"):
        if run.socket_errors.get(kind):
            errors.append(f"{run.socket_errors[kind]} socket {kind} errors")
    if pool and run.wrapped:
        errors.append("the pool of unique requests ran out (the figure would time duplicates)")
    if stored is not None and stored < run.requests - run.bad_status:
        errors.append(f"{run.requests - run.bad_status - stored} answers answered 303 but not stored")
    return errors


def cpu_in_process(app, route: Route, count: int) -> tuple[float, list[str]]:
    """CPU milliseconds per request through Flask's test client (no HTTP, no gunicorn), and any errors."""
    client = app.test_client(use_cookies=False)
    warm_up = 5
    batch = route.make(count + warm_up)
    requests = batch.requests if route.pool else batch.requests * (count + warm_up)
    headers = dict(route.headers)
    errors = []
    for request in requests[:warm_up]:
        send(client, request, headers)
    started = time.process_time()
    for request in requests[warm_up:]:
        status = send(client, request, headers)
        if status not in route.expected:
            errors.append(f"in process: HTTP {status}")
    elapsed = time.process_time() - started
    return 1000 * elapsed / len(requests[warm_up:]), errors[:3]


def send(client, request: Request, headers: dict) -> int:
    if request.method == "GET":
        return client.get(request.path, headers=headers).status_code
    return client.post(request.path, data=request.body, headers=headers, content_type="application/x-www-form-urlencoded").status_code


def hello_cpu_in_process(count: int) -> float:
    """The baseline's CPU per request in process."""
    from .hello import create_app

    client = create_app().test_client()
    for _ in range(5):
        client.get("/")
    started = time.process_time()
    for _ in range(count):
        client.get("/")
    return 1000 * (time.process_time() - started) / count


def every_page(library, languages, quiz_token: str, learner_token: str) -> list[str]:
    """Every page a visitor or learner can open, in every offered language."""
    paths = []
    for tag in languages:
        paths += [f"/{tag}/", f"/{tag}/help", f"/{tag}/translations", f"/{tag}/s/{learner_token}"]
        for course in library.courses.values():
            paths.append(f"/{tag}/courses/{course.id}/")
            for lesson in course.lessons:
                base = f"/{tag}/courses/{course.id}/{lesson.id}/"
                paths += [base, base + "guide"]
                if lesson.quiz is not None:
                    paths.append(f"{base}quiz/{quiz_token}")
    return paths


def sizes_over_the_wire(port: int, paths, cookie: str) -> tuple[list[tuple[int, str]], list[str]]:
    """(gzip body bytes, path) of every page as a browser gets it from `make run` (the app compresses), and
    the pages that did not answer 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sizes, errors = [], []
    for path in paths:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip", "Cookie": cookie})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            errors.append(f"{path}: HTTP {response.status}")
        else:
            sizes.append((len(body), path))
    connection.close()
    return sizes, errors


def reader(tag: str) -> tuple:
    """The headers of a returning reader's browser: its language cookie, its languages, gzip."""
    return (("Cookie", f"lang={tag}"), ("Accept-Language", tag), ("Accept-Encoding", "gzip"))


def route_table(classrooms: dict, library, cookie: str, csrf: str, quiz_token: str, learner_token: str, learner_etag: str) -> list[Route]:
    """The routes of issue 15's table, in its order."""
    from .classroom_burst import answer_form
    from .fixtures import COURSE, LESSON

    course = library.courses[COURSE]
    quiz = course.lesson(LESSON).quiz
    first = quiz.questions[0]
    lesson = f"/courses/{COURSE}/{LESSON}/"
    quiz_path = f"/en{lesson}quiz"
    session_cookie = (("Cookie", cookie),)
    whole_quiz = {}
    for question in quiz.questions:
        whole_quiz.update(answer_form(question))
    ok = frozenset({200})
    return [
        # A reader's browser after its first page: it sends back the language cookie that page set.
        Route(BY_KEY["ratio_lesson_en"], "sqlite", ok, fixed(f"/en{lesson}"), reader("en")),
        Route(BY_KEY["ratio_lesson_ja"], "sqlite", ok, fixed(f"/ja{lesson}"), reader("ja")),
        Route(BY_KEY["ratio_lesson_ar"], "sqlite", ok, fixed(f"/ar{lesson}"), reader("ar")),
        Route(BY_KEY["ratio_home"], "sqlite", ok, fixed("/en/"), reader("en")),
        Route(BY_KEY["ratio_course"], "sqlite", ok, fixed(f"/en/courses/{COURSE}/"), reader("en")),
        Route(BY_KEY["ratio_help"], "sqlite", ok, fixed("/en/help"), reader("en")),
        Route(BY_KEY["ratio_quiz_get"], "sqlite", ok, fixed(f"{quiz_path}/{quiz_token}"), session_cookie),
        Route(BY_KEY["ratio_learner_page"], "sqlite", ok, fixed(f"/en/s/{learner_token}"), session_cookie),
        Route(BY_KEY["ratio_state_poll"], "sqlite", frozenset({304}), fixed(f"/s/{learner_token}/state"), (*session_cookie, ("If-None-Match", learner_etag))),
        Route(BY_KEY["ratio_answer_sqlite"], "sqlite", frozenset({303}), answers(classrooms["sqlite"], first, answer_form(first), csrf), session_cookie, pool=True),
        Route(BY_KEY["ratio_answer_postgres"], "postgres", frozenset({303}), answers(classrooms["postgres"], first, answer_form(first), csrf), session_cookie, pool=True),
        Route(BY_KEY["ratio_quiz_post"], "sqlite", frozenset({303}), attempts(quiz_path, whole_quiz, csrf), session_cookie, pool=True),
    ]
