"""Every page type of Kizuna, with the data it needs, on a real server: for the reflow test and for
`make screenshots`.

``seed(url)`` drives a running server over HTTP as a teacher and a few learners would (sessions waiting,
on a question, revealed, ended, self-paced, with a survey; a finished quiz) and returns a ``Catalogue``:
page type -> path without the language prefix (``/{lang}`` goes in front), and the cookies of the logged-in
teacher for the pages that need them. Seeding every page type takes a few seconds (about a hundred requests,
no browser); ``seed(url, wanted)`` makes only what the wanted page types need.
"""

import contextlib
import datetime
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from quizapp.content import load_library
from quizapp.quizzes.widgets import field_name

from ..servers import Browser, Server
from ..support import PROJECT_ROOT

TEACHER_EMAIL = "pages@example.org"
TEACHER_PASSWORD = "page catalogue password"
COURSE = "understanding-hikikomori"
LESSON = "what-is-hikikomori"  # its quiz shows feedback at the end, and has every kind of question we need
IMMEDIATE = "myths-and-facts"  # its quiz shows feedback after each answer
LIBRARY = load_library(PROJECT_ROOT / "courses")
# Pseudonyms in three scripts: names of the other direction must not reorder the text around them.
PSEUDONYMS = ("Alex 2", "سارة ٣", "さくら")


@dataclass
class Catalogue:
    """Page type -> path after ``/<lang>``; ``teacher`` lists the types that need the teacher's cookies."""

    pages: dict[str, str] = field(default_factory=dict)
    teacher: set[str] = field(default_factory=set)
    cookies: list[dict] = field(default_factory=list)

    def url(self, name: str, tag: str) -> str:
        return f"/{tag}{self.pages[name]}"


def create_teacher(env: dict) -> None:
    """A teacher account, as `flask teachers create` makes one (the server's environment names the database)."""
    flask = [sys.executable, "-m", "flask", "--app", "quizapp"]
    subprocess.run([*flask, "db", "upgrade"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "teachers", "create", TEACHER_EMAIL, "--name", "Ms Pages", "--password", TEACHER_PASSWORD], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)


@contextlib.contextmanager
def serving(workdir: Path):
    """gunicorn on a fresh database in ``workdir``, with the catalogue's teacher account."""
    server = Server(workdir, "pages", QUIZAPP_SECRET_KEY="page-catalogue", QUIZAPP_DATABASE_URL=f"sqlite:///{workdir / 'pages.sqlite'}")
    create_teacher(server.env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def answers(question, how: str) -> dict:
    """Form data answering ``question``: ``right``, ``wrong`` or ``partly`` (the first right option only)."""
    name = field_name(question)
    right = [option.id for option in question.options if option.correct]
    wrong = [option.id for option in question.options if not option.correct]
    if question.type in ("single", "myth_fact"):
        return {name: right[0] if how == "right" or not wrong else wrong[0]}
    if question.type == "multiple":
        return {name: right if how == "right" else right[:1] + wrong[:1] if how == "partly" else wrong[:1] or right}
    if question.type == "ordering":
        ids = [option.id for option in question.options]
        return {name: ids if how == "right" else ids[1:2] + ids[:1] + ids[2:]}
    if question.type == "likert":
        return {name: "2"}
    return {name: "I would ask how they are, and listen.", name + "__save": "y"}


def mixed_answers(questions, offset: int = 0) -> dict:
    """Answers to every question: right, partly, wrong in turn, so that results show all three."""
    data = {}
    for index, question in enumerate(questions):
        data.update(answers(question, ("right", "partly", "wrong")[(index + offset) % 3]))
    return data


class Teacher:
    """The teacher's HTTP client."""

    def __init__(self, url):
        self.client = Browser(url)
        status, headers, _html = self.client.post("/en/teach/login", {"email": TEACHER_EMAIL, "password": TEACHER_PASSWORD})
        assert status == 302, status

    def new_session(self, mode="live", names="pseudonyms", survey=False) -> tuple[str, str]:
        """A session on the lesson: (its console path without the language, its code)."""
        data = {"lesson": f"{COURSE}/{LESSON}", "mode": mode, "names": names, "country": "JP"}
        if survey:
            data["with_survey"] = "y"
        if mode == "self":
            data["open_until"] = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
        status, headers, html = self.client.post("/en/teach/sessions/new", data)
        assert status == 302, html
        console = headers["Location"].split("/en", 1)[1]
        code = re.search(r'class="join-code"[^>]*>(\w+)<', self.client.get("/en" + console)[2]).group(1)
        return console, code

    def control(self, console: str, action: str) -> None:
        html = self.client.get("/en" + console)[2]
        version = re.search(r'name="version" value="(\d+)"', html).group(1)
        status = self.client.post("/en" + console + "control", {"action": action, "version": version}, form_page="/en" + console)[0]
        assert status in (302, 303), (action, status)

    def projector(self, console: str) -> str:
        href = re.search(r'href="(/en/show/[^"]+)"', self.client.get("/en" + console)[2]).group(1)
        return href.split("/en", 1)[1]


class Learner:
    """One learner's HTTP client, joined to a session."""

    def __init__(self, url, code, language="en", pseudonym=None):
        self.client = Browser(url)
        data = {"language": language}
        if pseudonym:
            data["pseudonym"] = pseudonym
        status, headers, html = self.client.post(f"/{language}/join/{code}", data)
        assert status == 303, html
        self.page = "/s/" + headers["Location"].rsplit("/s/", 1)[1]

    def answer(self, question, how="right") -> None:
        status = self.client.post(f"/en{self.page}", {"question": question.id, **answers(question, how)}, form_page=f"/en{self.page}")[0]
        assert status == 303, status

    def answer_all(self, questions, offset=0) -> None:
        status = self.client.post(f"/en{self.page}", mixed_answers(questions, offset), form_page=f"/en{self.page}")[0]
        assert status == 303, status


def cookie_jar(client: Browser):
    """The cookie jar of a tests.servers.Browser."""
    for handler in client.opener.handlers:
        if hasattr(handler, "cookiejar"):
            return handler.cookiejar
    raise LookupError("no cookie jar")


def finished_quiz(url) -> tuple[str, str]:
    """A quiz taken to the end: (the blank quiz's path, the results' path), without the language."""
    client = Browser(url)
    base = f"/en/courses/{COURSE}/{LESSON}/quiz"
    quiz_path = client.get(base)[1]["Location"].split("/en", 1)[1]
    fresh = client.get(base)[1]["Location"].split("/en", 1)[1]
    questions = LIBRARY.courses[COURSE].lesson(LESSON).quiz.questions
    status, headers, html = client.post("/en" + quiz_path, mixed_answers(questions))
    assert status == 303, html
    return fresh, quiz_path + "/results"


def immediate_quiz(url) -> tuple[str, str]:
    """A one-at-a-time quiz: (its first question's path, the feedback on that answer's path)."""
    client = Browser(url)
    quiz_path = client.get(f"/en/courses/{COURSE}/{IMMEDIATE}/quiz")[1]["Location"].split("/en", 1)[1]
    fresh = client.get(f"/en/courses/{COURSE}/{IMMEDIATE}/quiz")[1]["Location"].split("/en", 1)[1]
    question = LIBRARY.courses[COURSE].lesson(IMMEDIATE).quiz.questions[0]
    status, headers, _html = client.post("/en" + quiz_path, {"question": question.id, **answers(question, "wrong")})
    assert status == 303, status
    return fresh, headers["Location"].split("/en", 1)[1]


PUBLIC = {
    "library": "/",
    "course": f"/courses/{COURSE}/",
    "lesson": f"/courses/{COURSE}/{LESSON}/",
    "guide": f"/courses/{COURSE}/{LESSON}/guide",
    "help": "/help?country=JP",
    "translations": "/translations",
    "join": "/join",
    "login": "/teach/login",
    "not-found": "/no-such-page",
}
QUIZ = ("quiz", "results", "quiz-immediate", "quiz-feedback")
TEACHER = ("dashboard", "new-session", "account", "console-lobby", "console-question", "report")
CLASSROOM = (
    "join-session",
    "learner-waiting",
    "learner-question",
    "learner-answered",
    "learner-reveal",
    "learner-ended",
    "learner-self-paced",
    "learner-survey",
    "console-lobby",
    "console-question",
    "projector-lobby",
    "projector-question",
    "report",
)
PAGE_TYPES = (*PUBLIC, *QUIZ, *dict.fromkeys((*CLASSROOM, *TEACHER)))


def seed(url: str, wanted=PAGE_TYPES) -> Catalogue:
    """The paths of the ``wanted`` page types, with whatever data they need made first over HTTP."""
    wanted = set(wanted)
    pages = {name: path for name, path in PUBLIC.items() if name in wanted}
    if wanted & {"quiz", "results"}:
        pages["quiz"], pages["results"] = finished_quiz(url)
    if wanted & {"quiz-immediate", "quiz-feedback"}:
        pages["quiz-immediate"], pages["quiz-feedback"] = immediate_quiz(url)
    cookies = []
    if wanted & {*TEACHER, *CLASSROOM}:
        teacher = Teacher(url)
        pages |= {"dashboard": "/teach/", "new-session": "/teach/sessions/new", "account": "/teach/account"}
        if wanted & set(CLASSROOM):
            pages |= classroom_pages(url, teacher)
        cookies = [{"name": cookie.name, "value": cookie.value, "url": url} for cookie in cookie_jar(teacher.client)]
    pages = {name: path for name, path in pages.items() if name in wanted}
    return Catalogue(pages=pages, teacher=set(TEACHER) & set(pages), cookies=cookies)


def classroom_pages(url: str, teacher: Teacher) -> dict:
    """Sessions waiting, on a question, revealed, ended, self-paced and with a survey, with learners in each."""
    questions = LIBRARY.courses[COURSE].lesson(LESSON).quiz.questions
    pages = {}
    lobby, lobby_code = teacher.new_session()
    pages["join-session"] = f"/join/{lobby_code}"
    pages["learner-waiting"] = Learner(url, lobby_code, "ja", PSEUDONYMS[2]).page
    Learner(url, lobby_code, "ar", PSEUDONYMS[1])
    Learner(url, lobby_code, "en", PSEUDONYMS[0])
    pages["console-lobby"] = lobby
    pages["projector-lobby"] = teacher.projector(lobby)

    running, running_code = teacher.new_session()
    waiting, done = Learner(url, running_code, "en", PSEUDONYMS[0]), Learner(url, running_code, "ar", PSEUDONYMS[1])
    teacher.control(running, "start")
    done.answer(questions[0], "wrong")
    pages["learner-question"], pages["learner-answered"] = waiting.page, done.page
    pages["console-question"] = running
    pages["projector-question"] = teacher.projector(running)

    revealed, revealed_code = teacher.new_session()
    learner = Learner(url, revealed_code, "en", PSEUDONYMS[0])
    teacher.control(revealed, "start")
    learner.answer(questions[0], "right")
    teacher.control(revealed, "reveal")
    pages["learner-reveal"] = learner.page

    ended, ended_code = teacher.new_session()
    learners = [Learner(url, ended_code, tag, name) for tag, name in zip(("en", "ar", "ja"), PSEUDONYMS, strict=True)]
    teacher.control(ended, "start")
    for index, question in enumerate(questions):
        for number, one in enumerate(learners):
            one.answer(question, ("right", "partly", "wrong")[(index + number) % 3])
        teacher.control(ended, "reveal")
        if index + 1 < len(questions):
            teacher.control(ended, "next")
    teacher.control(ended, "end")
    pages["learner-ended"] = learners[0].page
    pages["report"] = ended + "report"

    _self_console, self_code = teacher.new_session(mode="self")
    pages["learner-self-paced"] = Learner(url, self_code, "en", "Kai").page
    _survey_console, survey_code = teacher.new_session(survey=True)
    pages["learner-survey"] = Learner(url, survey_code, "en", PSEUDONYMS[0]).page
    return pages
