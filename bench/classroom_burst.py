"""The classroom burst: LEARNERS learners in SESSIONS live sessions, each QUESTIONS questions released by the
teacher to the whole session at once, against gunicorn with `make run`'s settings on SQLite or PostgreSQL.

Every learner is a browser of its own (bench/client.py: a keep-alive connection and cookies) doing what
static/js/live.js and a form do: join through the join page, then poll its state URL every POLL_S seconds
with the page's ETag; when it changes, fetch the page, read the question for a few seconds (READING_S: a
quick class; ``--reading 0`` answers at the instant the page arrives, a stampede no real room makes), post
the answer with the page's CSRF token and follow the 303 back to the page. The teacher, for each question, reads each session's version and presses Start or
Next (one POST per session, all sessions at once), then waits until every learner has answered.

Reported: the latency of the answer POST (p50/p95/p99/max; the target is on p95), of the other requests,
every error, answers sent (303s) against answers stored (counted in the database), and who was busy: the load
generator's own CPU share (one Python thread: near 100 % of a core, its latencies include its own queueing),
gunicorn's workers, the database's processes, and the whole machine (2 cores shared with others).

The lesson is the real what-is-hikikomori (every question type) in a copy of courses/ whose quiz has two of
its questions again under new ids, so that it has ten.

    .venv/bin/python -m bench.classroom_burst [--db sqlite|postgres] [--learners 1000] [--sessions 33] [--questions 10]
"""

import argparse
import asyncio
import random
import re
import shutil
import statistics
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from quizapp.content import load_library
from quizapp.i18n import read_languages
from quizapp.testing import right_answer_form as answer_form

from .client import Browser
from .fixtures import COURSE, LESSON, PASSWORD, ROOT, TEACHER_EMAIL, csrf_token

QUESTION = re.compile(r'name="question" value="([\w-]+)"')
PAGE_ETAG = re.compile(r'data-etag="&#34;([^&"]+)&#34;"')
JOIN_CONCURRENCY = 64  # learners joining at the same moment (the room fills in a minute, not a millisecond)
# Seconds from a question's arrival on a learner's phone to their tap on "Send my answer", drawn uniformly:
# reading a short question and four options, then choosing. A brisk class; a real one is slower (which
# spreads the answers further), so this errs towards a harder burst.
READING_S = (2.0, 8.0)


@dataclass
class Timings:
    """Latencies by request kind, and every unexpected answer."""

    by_kind: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def add(self, kind: str, response, expected) -> bool:
        self.by_kind.setdefault(kind, []).append(response.elapsed)
        if response.status not in expected:
            self.errors.append(f"{kind}: HTTP {response.status}")
            return False
        return True

    def failed(self, kind: str, exc: Exception) -> None:
        self.errors.append(f"{kind}: {type(exc).__name__} {exc}".strip())

    def percentile(self, kind: str, share: float) -> float | None:
        """The latency (ms) under which ``share`` of the requests of ``kind`` finished (nearest rank)."""
        values = sorted(self.by_kind.get(kind, ()))
        if not values:
            return None
        return 1000 * values[max(0, min(len(values) - 1, int(round(share * len(values))) - 1))]

    def summary(self) -> dict:
        return {
            kind: {
                "requests": len(values),
                "p50_ms": self.percentile(kind, 0.5),
                "p95_ms": self.percentile(kind, 0.95),
                "p99_ms": self.percentile(kind, 0.99),
                "max_ms": 1000 * max(values),
                "mean_ms": 1000 * statistics.fmean(values),
            }
            for kind, values in sorted(self.by_kind.items())
        }


@dataclass
class Result:
    """One burst: what was sent, what was stored, how long it took, who was busy."""

    database: str
    learners: int
    sessions: int
    questions: int
    join_s: float
    questions_s: float
    sent: int
    stored: int
    timings: Timings
    client_cpu_share: float  # of one core, over the questions
    server_cpu_s: float
    database_cpu_s: float
    machine_busy: float  # share of all cores, over the questions

    @property
    def lost(self) -> int:
        return self.sent - self.stored

    @property
    def errors(self) -> list:
        return self.timings.errors + ([f"{self.lost} answers sent but not stored"] if self.lost else [])


class Room:
    """What the teacher and the learners share: the question on screen and who has answered it."""

    def __init__(self, learners: int):
        self.learners = learners
        self.answered: dict[str, int] = {}
        self.everyone: dict[str, asyncio.Event] = {}
        self.sent = 0
        self.over = False

    def expect(self, question_id: str) -> asyncio.Event:
        return self.everyone.setdefault(question_id, asyncio.Event())

    def answer_stored(self, question_id: str) -> None:
        self.sent += 1
        self.answered[question_id] = self.answered.get(question_id, 0) + 1
        if self.answered[question_id] == self.learners:
            self.expect(question_id).set()


def courses_with_ten_questions(target: Path, count: int = 10) -> Path:
    """A copy of courses/ whose LESSON quiz has ``count`` questions: its own, then its first ones again under
    new ids (same texts, so the same translations)."""
    shutil.copytree(ROOT / "courses", target)
    path = target / COURSE / f"{LESSON}.quiz.yml"
    text = path.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=  - id: )", text)
    head, questions = blocks[0], blocks[1:]
    extra = []
    for block in questions[: max(0, count - len(questions))]:
        again = re.sub(r"^  - id: ([\w-]+)", r"  - id: \1-again", block, count=1)
        extra.append(again.rstrip("\n") + "\n\n")
    path.write_text(head + "".join(block if block.endswith("\n") else block + "\n" for block in questions).rstrip("\n") + "\n\n" + "".join(extra), encoding="utf-8")
    library = load_library(target)
    quiz = library.courses[COURSE].lesson(LESSON).quiz if COURSE in library.courses else None
    if quiz is None or len(quiz.questions) < count or library.errors:
        raise RuntimeError(f"the benchmark's copy of {path.name} does not parse into {count} questions: {library.errors[:3]}")
    return target


async def teacher_browsers(port: int, count: int, timings: Timings) -> tuple[list[Browser], str]:
    """The teacher, logged in over HTTP; one connection per session (the buttons are pressed at once)."""
    first = Browser("127.0.0.1", port)
    page = await first.get("/en/teach/login")
    await first.post("/en/teach/login", {"email": TEACHER_EMAIL, "password": PASSWORD, "csrf_token": csrf_token(page.text)})
    page = await first.get("/en/teach/sessions/new")
    timings.add("teacher: sign in", page, {200})
    browsers = [first]
    for _ in range(count - 1):
        browser = Browser("127.0.0.1", port)
        browser.cookies = first.cookies  # one browser, several tabs
        browsers.append(browser)
    return browsers, csrf_token(page.text)


async def press(browser: Browser, session_id: int, action: str, token: str, timings: Timings) -> None:
    """The teacher's Start or Next on one session's console, from the version the console shows."""
    base = f"/en/teach/sessions/{session_id}/"
    try:
        state = await browser.get(base + "state")
        if timings.add("teacher: state", state, {200}):
            version = re.search(r'"version":\s*(\d+)', state.text).group(1)
            timings.add("teacher: control (POST)", await browser.post(base + "control", {"action": action, "version": version, "csrf_token": token}), {303})
    except (OSError, asyncio.TimeoutError) as exc:
        timings.failed("teacher: control", exc)


async def join(port: int, code: str, language: str, gate: asyncio.Semaphore, timings: Timings):
    """A learner opens the join page, joins, and lands on their page: (browser, page path, ETag) or None."""
    browser = Browser("127.0.0.1", port)
    async with gate:
        try:
            page = await browser.get(f"/{language}/join/{code}")
            if not timings.add("join page", page, {200}):
                return None
            joined = await browser.post(f"/{language}/join/{code}", {"language": language, "csrf_token": csrf_token(page.text)})
            if not timings.add("join (POST)", joined, {303}):
                return None
            path = urllib.parse.urlsplit(joined.headers["location"]).path
            page = await browser.get(path)
            if not timings.add("learner page after joining", page, {200}):
                return None
            return browser, path, '"' + PAGE_ETAG.search(page.text).group(1) + '"'
        except (OSError, asyncio.TimeoutError) as exc:
            timings.failed("join", exc)
            return None


async def learner(browser: Browser, path: str, etag: str, quiz, room: Room, poll_s: float, reading_s: tuple, timings: Timings) -> None:
    """Poll every ``poll_s`` seconds after the last poll ended (as live.js does); when the state changes,
    fetch the page and answer the question on it, once."""
    token = path.rsplit("/", 1)[1]
    answered = set()
    await asyncio.sleep(random.uniform(0, poll_s))  # learners opened their pages at different moments
    while not room.over:
        try:
            state = await browser.get(f"/s/{token}/state", {"If-None-Match": etag})
            timings.add("state poll", state, {200, 304})
            if state.status == 200:
                etag = state.headers.get("etag", etag)
                await answer_what_is_shown(browser, path, quiz, answered, room, reading_s, timings)
        except (OSError, asyncio.TimeoutError) as exc:
            timings.failed("learner", exc)
            browser.close()
        await asyncio.sleep(poll_s)
    browser.close()


async def answer_what_is_shown(browser: Browser, path: str, quiz, answered: set, room: Room, reading_s: tuple, timings: Timings) -> None:
    page = await browser.get(path)
    if not timings.add("learner page", page, {200}):
        return
    shown = QUESTION.search(page.text)
    if shown is None or shown.group(1) in answered:
        return
    question = quiz.question(shown.group(1))
    if reading_s[1] > 0:
        await asyncio.sleep(random.uniform(*reading_s))
    form = {"question": question.id, "csrf_token": csrf_token(page.text), **answer_form(question)}
    response = await browser.post(path, form)
    if timings.add("answer (POST)", response, {303}):
        answered.add(question.id)
        room.answer_stored(question.id)
        timings.add("learner page after answering", await browser.get(path), {200})


async def burst(server, classroom, quiz, learners: int, sessions: int, questions: int, poll_s: float, languages, extra_pids=(), reading_s: tuple = READING_S) -> Result:
    """Run one burst against ``server`` (a started gunicorn) whose database ``classroom`` sees."""
    timings = Timings()
    room = Room(learners)
    rooms = classroom.empty_sessions(sessions)
    gate = asyncio.Semaphore(JOIN_CONCURRENCY)
    started = time.perf_counter()
    joined = await asyncio.gather(*(join(server.port, rooms[n % sessions][1], languages[n % len(languages)], gate, timings) for n in range(learners)))
    join_s = time.perf_counter() - started
    present = [entry for entry in joined if entry is not None]
    room.learners = len(present)
    teacher, token = await teacher_browsers(server.port, sessions, timings)
    busy = Busy(server_pids(server), extra_pids)
    tasks = [asyncio.create_task(learner(browser, path, etag, quiz, room, poll_s, reading_s, timings)) for browser, path, etag in present]
    started = time.perf_counter()
    for number, question in enumerate(quiz.questions[:questions]):
        everyone = room.expect(question.id)
        await asyncio.gather(*(press(teacher[n], session_id, "start" if number == 0 else "next", token, timings) for n, (session_id, _code) in enumerate(rooms)))
        try:
            await asyncio.wait_for(everyone.wait(), timeout=max(60.0, learners * 0.1))
        except asyncio.TimeoutError:
            timings.errors.append(f"question {number + 1}: {room.answered.get(question.id, 0)} of {room.learners} learners answered in time")
    questions_s = time.perf_counter() - started
    client, server_cpu, database_cpu, machine = busy.shares(questions_s)
    room.over = True
    await asyncio.gather(*tasks)
    for browser in teacher:
        browser.close()
    stored = classroom.answer_count([session_id for session_id, _code in rooms])
    if room.learners < learners:
        timings.errors.append(f"{learners - room.learners} learners could not join")
    return Result(classroom.durability(), learners, sessions, questions, join_s, questions_s, room.sent, stored, timings, client, server_cpu, database_cpu, machine)


def server_pids(server) -> list[int]:
    """gunicorn's master and workers."""
    master = psutil.Process(server.process.pid)
    return [master.pid, *(child.pid for child in master.children(recursive=True))]


class Busy:
    """CPU used from now on by this process (the load generator), the server, the database and the machine."""

    def __init__(self, server_pids, database_pids):
        self.server_pids = list(server_pids)
        self.database_pids = list(database_pids)
        self.client = time.process_time()
        self.server = cpu_of(self.server_pids)
        self.database = cpu_of(self.database_pids, children=True)
        self.machine = psutil.cpu_times()

    def shares(self, seconds: float) -> tuple[float, float, float, float]:
        """(client CPU share of one core, server CPU s, database CPU s, machine busy share of all cores)."""
        machine = psutil.cpu_times()
        total = sum(machine) - sum(self.machine)
        idle = (machine.idle + getattr(machine, "iowait", 0)) - (self.machine.idle + getattr(self.machine, "iowait", 0))
        return (
            (time.process_time() - self.client) / seconds if seconds else 0.0,
            cpu_of(self.server_pids) - self.server,
            cpu_of(self.database_pids, children=True) - self.database,
            1 - idle / total if total else 0.0,
        )


def cpu_of(pids, children: bool = False) -> float:
    """User + system CPU seconds of these processes (and their children) so far; gone ones count as 0."""
    total = 0.0
    for pid in pids:
        try:
            process = psutil.Process(pid)
            for each in [process, *(process.children(recursive=True) if children else [])]:
                times = each.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def offered_languages() -> tuple[str, ...]:
    """Learners join in every offered language, as translations/languages.yml declares them."""
    return tuple(tag for tag, language in read_languages(ROOT / "translations" / "languages.yml").items() if language.offered)


def reading_range(value: str) -> tuple[float, float]:
    """``2,8`` -> (2.0, 8.0); ``0`` -> (0.0, 0.0)."""
    numbers = [float(part) for part in value.split(",")]
    low, high = (numbers * 2)[:2] if len(numbers) == 1 else numbers[:2]
    if len(numbers) > 2 or low < 0 or high < low:
        raise argparse.ArgumentTypeError("MIN,MAX seconds with 0 <= MIN <= MAX, or one number")
    return low, high


def main() -> int:
    """Run one burst on its own (the whole benchmark is `python -m bench`)."""
    from .__main__ import isolated_environment, make_run_server
    from .fixtures import Classroom, migrate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=33)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--poll", type=float, default=2.0, help="seconds between a learner's polls")
    parser.add_argument("--reading", type=reading_range, default=READING_S, help="seconds a learner reads before answering: MIN,MAX (default %(default)s), or 0 for a stampede")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    from quizapp.testing import PostgresServer

    with tempfile.TemporaryDirectory(prefix="kizuna-bench-") as folder, isolated_environment(Path(folder)):
        workdir = Path(folder)
        courses = courses_with_ten_questions(workdir / "courses", args.questions)
        postgres = PostgresServer(durable=True).start() if args.db == "postgres" else None
        try:
            url = postgres.new_database() if postgres else f"sqlite:///{workdir / 'burst.sqlite'}"
            migrate(url)
            classroom = Classroom(url, COURSES_DIR=str(courses))
            server = make_run_server(workdir, "burst", args.workers, args.threads, QUIZAPP_DATABASE_URL=url, QUIZAPP_COURSES_DIR=str(courses))
            try:
                quiz = load_library(courses).courses[COURSE].lesson(LESSON).quiz
                result = asyncio.run(burst(server, classroom, quiz, args.learners, args.sessions, args.questions, args.poll, offered_languages(), [postgres.pid()] if postgres else [], args.reading))
            finally:
                server.stop()
                classroom.dispose()
        finally:
            if postgres:
                postgres.stop()
    print(result.database)
    for kind, row in result.timings.summary().items():
        print(f"{kind:32} {row['requests']:6} requests  p50 {row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f}  p99 {row['p99_ms']:7.1f}  max {row['max_ms']:7.1f} ms")
    print(f"answers sent {result.sent}, stored {result.stored}; errors: {result.errors[:10] or 'none'}")
    print(f"load generator {100 * result.client_cpu_share:.0f} % of a core; machine {100 * result.machine_busy:.0f} % busy")
    return 1 if result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
