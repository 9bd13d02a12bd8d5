"""No input reaches a 500.

Hypothesis drives every route in ``app.url_map``, with every method it allows (and ones it does not). URL
variables get real values (session codes, learners' tokens, the projector's token, quiz attempts, lesson ids,
this teacher's sessions and another teacher's) or generated ones. Requests carry the fields of every form the
app's own pages show for that route, plus unknown fields, with malformed values: files where text is expected,
non-ASCII digits ("²", "٣"), control characters, NUL, invalid UTF-8 (lone surrogates), values above
MAX_CONTENT_LENGTH, repeated keys, empty values, JSON instead of a form. Query strings, cookies and headers get
the same treatment. Each request comes from a visitor, a learner or a logged-in teacher, with CSRF off for part
of the run and on for the rest, where a missing or wrong token must be a 400. Beside the random search, every
field of every form is broken in each of a fixed set of ways, one at a time, so that none is left to chance.

Every example starts from the same database, restored from a snapshot, so a failure replays exactly.
"""

import io
import json
import re
import sqlite3
import urllib.parse
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

from quizapp.classroom.learner_routes import BROWSER_COOKIE, COOKIE_PREFIX
from quizapp.extensions import db
from quizapp.i18n import LANGUAGE_COOKIE

from .classroom_helpers import LESSON, PASSWORD, control, create_session, join, login, with_two_teachers
from .test_quizzes import right_answers

# Werkzeug (3.1) leaves the file parts it has read unclosed when a later part of the multipart body is
# malformed (a field name that is not UTF-8): the app gets an empty form, which is right, and the file parts
# are freed at once with a ResourceWarning. The leak is Werkzeug's, not the app's.
pytestmark = pytest.mark.filterwarnings("ignore:Unclosed file <tempfile.SpooledTemporaryFile:ResourceWarning")

ACTORS = ("visitor", "learner", "teacher")
# The time budget: examples per view function, shared by the routes that lead to it (/j, /J, /join… are
# one view); each example restores the database and sends one request, a few milliseconds.
EXAMPLES_PER_VIEW = 30
EXAMPLES_PER_VIEW_WITH_CSRF = 12
MIN_EXAMPLES_PER_ROUTE = 4
DEADLINE_MS = 2000
HUGE = 300 * 1024  # above MAX_CONTENT_LENGTH (256 KiB)
# Values that have broken web apps before: non-ASCII digits (str.isdigit() accepts them), control
# characters, NUL, a lone surrogate, line breaks in what ends up in a header, numbers past 64 bits.
NASTY = (
    "", " ", "²", "٣", "１２", "߁", "0", "-1", "1.5", "1e3", "9" * 30, "\x00", "a\x00b", "\n", "\r\n", "\t",
    "\x7f", "\x1b[2J", "\u202e", "\ufeff", "\ud800", "%", "%00", "%ff", "../../etc/passwd", "/\t/evil.example/",
    "/\n/evil.example/", "//evil.example", "\\\\evil.example", "https://evil.example/", "javascript:alert(1)",
    "<script>alert(1)</script>", "{{7*7}}", "' OR 1=1 --", "null", "[]", "true", "日本語", "🙂", "x" * 5000, "x" * HUGE,
)
# What a number field might get instead of a number: digits str.isdigit() accepts and int() refuses (or reads
# as another number), numbers past 64 bits and past int()'s 4,300 digits.
DIGITS = ("²", "¹⁰", "٣", "１２", "߁", "৩", "-1", "0x1F", "1_000", " 1", "1.0", "9" * 20, "9" * 5000)
# What url_for() treats specially: same-page links pass the query string to it.
URL_FOR_KEYWORDS = ("_anchor", "_external", "_method", "_scheme")
OTHER_METHODS = ("PUT", "DELETE", "PATCH")


# -- what the app's own pages offer ------------------------------------------------------------------------


@dataclass(frozen=True)
class FormField:
    """A field as a page shows it: its kind, the values it offers, and how many inputs share its name."""

    name: str
    kind: str
    options: tuple
    count: int


class PageParser(HTMLParser):
    """The forms (method, action, fields) and the links of a page."""

    def __init__(self):
        super().__init__()
        self.forms, self.links = [], []
        self._form = self._select = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self._form = {"method": (attributes.get("method") or "get").lower(), "action": attributes.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button", "textarea", "select") and attributes.get("name"):
            kind = attributes.get("type", "text") if tag == "input" else tag
            if tag == "button" and attributes.get("type") not in (None, "submit"):
                return
            self._form["fields"].append([attributes["name"], kind, attributes.get("value") or ""])
            self._select = self._form["fields"][-1] if tag == "select" else None
        elif tag == "option" and self._select is not None:
            self._select.append(attributes.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@dataclass(frozen=True)
class Form:
    """A form as one actor's page showed it: where it posts, and its fields."""

    actor: str
    action: str  # the path (and query) it posts to
    fields: tuple

    @property
    def names(self) -> list[str]:
        return sorted({each.name for each in self.fields})


def form_fields(raw_fields) -> tuple[FormField, ...]:
    """A form's fields by name (radios, checkboxes and same-named selects grouped)."""
    grouped = {}
    for name, kind, value, *options in raw_fields:
        if name == "csrf_token":
            continue
        entry = grouped.setdefault(name, {"kind": kind, "options": [], "count": 0})
        entry["count"] += 1
        for option in (options if kind == "select" else [value]):
            if option not in entry["options"]:
                entry["options"].append(option)
    return tuple(FormField(name, entry["kind"], tuple(entry["options"]), entry["count"]) for name, entry in grouped.items())


# -- the world every example starts from -----------------------------------------------------------------


@dataclass
class World:
    """A teacher with sessions in every state, learners in them, quiz attempts; what the pages offer."""

    app: object
    database: str
    snapshot: str
    records: list  # sets of real URL values that belong together
    pool: dict  # every real value of each URL variable
    forms: dict = field(default_factory=dict)  # rule -> the forms (Form) that post to it
    field_values: dict = field(default_factory=dict)  # form field name -> real values worth sending
    query: dict = field(default_factory=dict)  # query parameter -> real values
    cookies: dict = field(default_factory=dict)  # actor -> [(name, value)]
    tokens: dict = field(default_factory=dict)  # actor -> a valid CSRF token

    def restore(self) -> None:
        """The database exactly as it was when the world was built."""
        with closing(sqlite3.connect(self.snapshot)) as source, closing(sqlite3.connect(self.database)) as target:
            source.backup(target)

    def client(self, actor: str):
        """A fresh test client with the actor's cookies (a teacher's login, a learner's, a visitor's)."""
        client = self.app.test_client()
        for name, value in self.cookies[actor]:
            client.set_cookie(name, value)
        return client


def last_segment(location: str) -> str:
    return urllib.parse.urlsplit(location).path.rstrip("/").rsplit("/", 1)[1]


def csrf_token_of(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def build_world(app, tmp_path) -> World:
    """Build the world through the app's own pages, harvest their forms, and keep a snapshot."""
    csrf = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = False
    with_two_teachers(app)
    teacher, other, learner, visitor = (app.test_client() for _ in range(4))
    login(teacher)
    login(other, "b@example.org")
    library = app.extensions["quizapp.content"].library
    hikikomori = library.courses["understanding-hikikomori"]

    # Sessions in every state: a lobby with the survey and pseudonyms, a question on screen, self-paced,
    # ended (the learner owes the closing survey), and one of another teacher.
    lobby, lobby_code = create_session(teacher, survey=True, names="pseudonyms")
    asking, asking_code = create_session(teacher)
    self_paced, self_code = create_session(teacher, mode="self", open_until=(date.today() + timedelta(days=7)).isoformat())
    ended, ended_code = create_session(teacher, survey=True)
    others, others_code = create_session(other)
    pages = [join(learner, lobby_code, "en", pseudonym="Calm Heron"), join(learner, asking_code, "en"), join(learner, self_code, "en"), join(learner, ended_code, "en")]
    pre_survey = {"phase": "pre", **{f"s_{statement.id}": "3" for statement in hikikomori.survey.statements}}
    assert learner.post(pages[3], data=pre_survey).status_code == 303
    control(teacher, asking, "start")
    control(teacher, ended, "start")
    control(teacher, ended, "end")
    console = teacher.get(lobby).get_data(as_text=True)
    projector = re.search(r'href="[^"]*/show/([^"/]+)"', console).group(1)
    signature = re.search(r"k=([\w-]+)", console).group(1)

    # Quiz attempts: not begun, completed (feedback at the end), half-way (immediate feedback).
    quiz_url = "/en/courses/{}/{}/quiz"
    fresh = last_segment(visitor.get(quiz_url.format(*LESSON.split("/"))).headers["Location"])
    done = last_segment(visitor.get(quiz_url.format(*LESSON.split("/"))).headers["Location"])
    quiz = hikikomori.lesson("what-is-hikikomori").quiz
    answers = {}
    for question in quiz.questions:
        answers.update(right_answers(question))
    assert visitor.post(quiz_url.format(*LESSON.split("/")) + f"/{done}", data=answers).status_code == 303
    immediate = quiz_url.format("understanding-hikikomori", "myths-and-facts")
    halfway = last_segment(visitor.get(immediate).headers["Location"])
    first = hikikomori.lesson("myths-and-facts").quiz.questions[0]
    assert visitor.post(f"{immediate}/{halfway}", data={"question": first.id, **right_answers(first)}).status_code == 303
    invite = re.search(r"invite=(\S+)", app.test_cli_runner().invoke(args=["teachers", "invite"]).output).group(1)

    session_ids = [int(last_segment(live)) for live in (lobby, asking, self_paced, ended, others)]
    codes = [lobby_code, asking_code, self_code, ended_code, others_code]
    records = [{"lang": tag} for tag in app.config["LANGUAGES"]]
    records += [{"course_id": course.id, "lesson_id": lesson.id} for course in library.courses.values() for lesson in course.lessons]
    records += [{"course_id": "understanding-hikikomori", "lesson_id": "what-is-hikikomori", "token": token} for token in (fresh, done)]
    records.append({"course_id": "understanding-hikikomori", "lesson_id": "myths-and-facts", "token": halfway})
    records += [{"session_id": str(session_id)} for session_id in session_ids]
    records += [{"token": last_segment(page)} for page in pages] + [{"token": projector}]
    records += [{"code": code} for code in codes] + [{"filename": "css/app.css"}, {"filename": "js/live.js"}]
    pool = {}
    for record in records:
        for name, value in record.items():
            pool.setdefault(name, []).append(value)
    world = World(app, db_path(app), str(tmp_path / "snapshot.sqlite"), records, pool)
    world.field_values = {"email": ["a@example.org", "b@example.org"], "password": [PASSWORD], "confirm": [PASSWORD], "code": codes, "invite": [invite], "open_until": [(date.today() + timedelta(days=3)).isoformat()]}
    world.query = {"next": ["/en/teach/", lobby], "invite": [invite], "k": [signature], "lesson": [LESSON], "feedback": [first.id], "country": ["JP", "jp"]}

    # CSRF tokens for each actor's cookie session; then every page, as every actor, for its forms and links.
    app.config["WTF_CSRF_ENABLED"] = True
    clients = {"visitor": visitor, "learner": learner, "teacher": teacher}
    world.tokens = {
        "visitor": csrf_token_of(visitor.get("/en/teach/login").get_data(as_text=True)),
        "learner": csrf_token_of(learner.get(pages[1]).get_data(as_text=True)),
        "teacher": csrf_token_of(teacher.get(lobby).get_data(as_text=True)),
    }
    harvest(world, clients)
    with closing(sqlite3.connect(world.database)) as source, closing(sqlite3.connect(world.snapshot)) as target:
        source.backup(target)
    names = [app.config["SESSION_COOKIE_NAME"], LANGUAGE_COOKIE, BROWSER_COOKIE] + [COOKIE_PREFIX + code for code in codes]
    world.cookies = {actor: [(name, client.get_cookie(name).value) for name in names if client.get_cookie(name)] for actor, client in clients.items()}
    app.config["WTF_CSRF_ENABLED"] = csrf
    return world


def db_path(app) -> str:
    with app.app_context():
        return db.engine.url.database


def rule_path(rule, values: dict) -> str:
    """The path of ``rule`` with ``values`` (percent-encoded as UTF-8, lone surrogates included)."""

    def fill(match):
        converter, name = match.group(1), match.group(2)
        return urllib.parse.quote(values[name].encode("utf-8", "surrogatepass"), safe="/" if converter == "path" else "")

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", fill, rule.rule)


def covering(world, rule) -> list[dict]:
    """Real value sets that fill every URL variable of ``rule`` but the language."""
    needed = set(rule.arguments) - {"lang"}
    return [record for record in world.records if needed <= set(record)] if needed else [{}]


def harvest(world, clients) -> None:
    """GET every page as every actor; keep the forms by the rule they post to, and the query parameters
    their links and redirects use."""
    adapter = world.app.url_map.bind("localhost")
    visited = set()
    for rule in world.app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        for record in covering(world, rule):
            path = rule_path(rule, dict(record, lang="en"))
            for actor, client in clients.items():
                if (actor, path) in visited:
                    continue
                visited.add((actor, path))
                try:
                    with client.get(path) as response:
                        html = response.get_data(as_text=True) if response.mimetype == "text/html" else None
                        links = [response.headers.get("Location", "")]
                except Exception:  # noqa: BLE001 - a page that fails is for the fuzzing to report
                    continue
                if html is not None:
                    parser = PageParser()
                    parser.feed(html)
                    links += parser.links
                    for form in parser.forms:
                        action = urllib.parse.urljoin(path, form["action"])
                        target = urllib.parse.urlsplit(action)
                        method = "POST" if form["method"] == "post" else "GET"
                        try:
                            matched, _args = adapter.match(target.path, method=method, return_rule=True)
                        except HTTPException:  # a form posting elsewhere (none do)
                            continue
                        fields = form_fields(form["fields"])
                        if method == "GET":
                            for each in fields:
                                world.query.setdefault(each.name, []).extend(each.options)
                        elif all((seen.action, seen.fields) != (action, fields) for seen in world.forms.setdefault(matched.rule, [])):
                            world.forms[matched.rule].append(Form(actor, action, fields))
                for link in links:
                    for name, value in urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query):
                        world.query.setdefault(name, []).append(value)


# -- requests -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file part where the form expects text."""

    filename: str
    content: bytes
    content_type: str

    def __repr__(self):
        return f"Upload({self.filename!r}, {len(self.content)} bytes, {self.content_type!r})"


def short(value) -> str:
    text = repr(value)
    return text if len(text) < 120 else f"{text[:80]}…({len(text)} chars)"


@dataclass(frozen=True)
class FuzzRequest:
    """One request an example sends, and what its answer must be."""

    actor: str
    method: str
    path: str
    query: tuple
    pairs: tuple
    encoding: str
    headers: tuple
    cookies: tuple
    csrf: str  # valid, missing, wrong, malformed, file; off (no token) or ignored (a malformed one) with CSRF off
    real_url: bool

    def __repr__(self):
        pairs = ", ".join(f"{short(name)}={short(value)}" for name, value in self.pairs)
        return f"{self.actor} {self.method} {short(self.path)}?{short(self.query)} [{self.encoding}: {pairs}] headers={short(self.headers)} cookies={short(self.cookies)} csrf={self.csrf}"


# Strategies are built once (building them costs more than drawing from them).
TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=()), max_size=24),  # any code point: controls, surrogates too
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
UPLOAD = st.builds(
    Upload,
    filename=st.sampled_from(("a.txt", "", "..\\..\\boot.ini", "名前.png", "a\x00b", '"quoted"')),
    content=st.one_of(st.binary(max_size=32), st.sampled_from((b"", b"GIF89a", b"\xff\xfe\x00", b"\xff" * HUGE))),
    content_type=st.sampled_from(("text/plain", "application/octet-stream", "image/png", "x/\x00")),
)
BROKEN = st.one_of(TEXT, UPLOAD)
DIGIT_LIKE = st.sampled_from(DIGITS)
BREAK_ONE = st.sampled_from(("text", "text", "text", "file", "repeat", "empty", "drop"))
BREAK_ANY = st.sampled_from(("text", "file", "repeat", "empty", "drop", "keep"))
ENCODINGS = st.sampled_from(("urlencoded", "urlencoded", "multipart", "text/plain", "multipart/form-data", "json", "json-list"))
HEADERS = st.lists(st.tuples(st.sampled_from(("Accept-Language", "If-None-Match", "Referer", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-CSRFToken")), TEXT), max_size=2)
CSRF_ON = st.sampled_from(("valid", "missing", "wrong", "malformed", "file"))
CSRF_OFF = st.sampled_from(("off", "off", "ignored"))
# The breakages every field of every form gets, one at a time (a tuple is a repeated key).
SWEEP_TEXT = ("²", "\x00\ud800\n", "x" * 5000, Upload("a.txt", b"text", "text/plain"), ("a", "b"))
SWEEP_NUMBER = DIGITS + ("", "\x00", Upload("1.txt", b"1", "text/plain"), ("1", "2"))


def field_values(each: FormField, world):
    """What a learner or teacher might send in one field as the page shows it (a list of values)."""
    options = tuple(option for option in each.options if option) or ("",)
    options += tuple(world.field_values.get(each.name, ()))
    if each.kind == "checkbox":
        return st.lists(st.sampled_from(options), unique=True, max_size=len(options))
    if each.kind == "select" and each.count > 1:  # an ordering: one select per position
        return st.permutations(each.options).map(lambda order: order[: each.count])
    if each.kind not in ("radio", "select", "hidden") and each.name not in world.field_values:
        options += ("A reasonable answer",)
    return st.sampled_from(options).map(lambda value: [value])


def form_strategy(fields, world):
    """The form as sent from its page: every field, and at most one of its buttons."""
    buttons = [(each.name, option) for each in fields if each.kind in ("button", "submit") for option in each.options]
    inputs = [each for each in fields if each.kind not in ("button", "submit")]
    button = st.one_of(st.none(), st.sampled_from(buttons)) if buttons else st.none()

    def pairs(drawn):
        *values, pressed = drawn
        return [(each.name, value) for each, chosen in zip(inputs, values, strict=True) for value in chosen] + ([pressed] if pressed else [])

    return st.tuples(*(field_values(each, world) for each in inputs), button).map(pairs)


def numeric(each: FormField) -> bool:
    """A field whose values are numbers (a version, a participant id, a survey answer)."""
    return any(option.isdigit() for option in each.options) and all(option.isdigit() or not option for option in each.options)


class RouteFuzzer:
    """The requests Hypothesis sends to one route, its strategies built once.

    Three requests in four to a route that takes forms send one of them from the page that showed it (its
    actor, its action), with one to three fields broken; the others go anywhere, from anyone, with anything.
    """

    def __init__(self, world, rule, csrf_on: bool):
        self.world, self.rule, self.csrf_on = world, rule, csrf_on
        allowed = sorted(rule.methods)
        self.methods = st.sampled_from((["POST"] * 6 if "POST" in allowed else []) + allowed + list(OTHER_METHODS))
        self.records = st.sampled_from([r for r in world.records if set(r) & (set(rule.arguments) - {"lang"})] or [{}])
        self.converters = {name: converter for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule)}
        self.generated = {name: self.url_value(name, converter) for name, converter in self.converters.items()}
        self.languages = st.sampled_from(world.app.config["LANGUAGES"])
        query_names = sorted(world.query) + sorted(rule.arguments) + list(URL_FOR_KEYWORDS)
        query_values = sorted({value for values in world.query.values() for value in values}) or [""]
        self.query = st.lists(st.tuples(st.sampled_from(query_names) | TEXT, st.sampled_from(query_values) | TEXT), max_size=3)
        self.real_query = st.lists(st.sampled_from(sorted(world.query)), max_size=2, unique=True).flatmap(
            lambda names: st.tuples(*(st.tuples(st.just(name), st.sampled_from(world.query[name])) for name in names))
        )
        forms = world.forms.get(rule.rule, [])
        self.forms = st.sampled_from([(form, form_strategy(form.fields, world), {each.name for each in form.fields if numeric(each)}) for form in forms]) if forms else None
        self.known = sorted({each.name for forms in world.forms.values() for form in forms for each in form.fields} | {"csrf_token", "phase", "skip", "question"})
        self.unknown_one = st.lists(st.tuples(st.sampled_from(self.known) | TEXT, BROKEN), max_size=1)
        self.unknown_many = st.lists(st.tuples(st.sampled_from(self.known) | TEXT, BROKEN), max_size=3)
        self.cookies = {actor: st.lists(st.tuples(st.sampled_from([name for name, _value in world.cookies[actor]] + [LANGUAGE_COOKIE, BROWSER_COOKIE]), TEXT), max_size=1) for actor in ACTORS}

    def url_value(self, name, converter):
        generated = [TEXT, st.sampled_from(self.world.pool.get(name) or ["x"])]
        if converter == "int":
            generated.append(st.integers(min_value=0, max_value=10**30).map(str))
        if name == "lang":
            generated.append(st.sampled_from(("xx", "EN", "en-US", "zh-Hant")))
        return st.one_of(*generated)

    def url(self, draw) -> tuple[str, bool]:
        """A path for this route: real values that belong together, some replaced by generated ones."""
        record = draw(self.records)
        values, real = {}, True
        for name in self.converters:
            if name == "lang" and draw(st.integers(0, 9)):
                values[name] = draw(self.languages)
            elif name in record and draw(st.integers(0, 5)):
                values[name] = record[name]
            else:
                values[name] = draw(self.generated[name])
                real = False
        return rule_path(self.rule, values), real

    def broken_form(self, draw, form) -> list:
        """A form for this route, one to three of its fields broken (or all of them), unknown ones added."""
        if form is None:
            pairs, names, numbers = [], [], set()
        else:
            form, strategy, numbers = form
            pairs, names = draw(strategy), form.names
        wild = not names or not draw(st.integers(0, 2))
        targets = (names or self.known) if wild else draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        for name in targets:
            how = draw(BREAK_ANY if wild else BREAK_ONE)
            values = [value for key, value in pairs if key == name]
            if how == "keep":
                continue
            pairs = [(key, value) for key, value in pairs if key != name]
            if how == "text":
                values = [draw(DIGIT_LIKE if name in numbers and draw(st.booleans()) else TEXT)]
            elif how == "file":
                values = [draw(UPLOAD)]
            elif how == "repeat":
                values = (values or [""]) * draw(st.integers(1, 3)) + draw(st.lists(BROKEN, max_size=2))
            elif how == "empty":
                values = [""]
            elif how == "drop":
                values = []
            pairs += [(name, value) for value in values]
        pairs += draw(self.unknown_many if wild else self.unknown_one)
        turn = draw(st.integers(0, 7)) % (len(pairs) or 1)  # the order of fields is the client's
        return pairs[turn:] + pairs[:turn]

    def requests(self):
        @st.composite
        def request(draw):
            world = self.world
            method = draw(self.methods)
            if method == "POST" and self.forms is not None and draw(st.integers(0, 3)):
                form = draw(self.forms)
                actor, path, real_url = form[0].actor, form[0].action, True
            else:
                form = draw(self.forms) if self.forms is not None and method in ("POST", "PUT", "PATCH") else None
                actor = draw(st.sampled_from(ACTORS))
                path, real_url = self.url(draw)
            query = list(draw(self.real_query)) + draw(self.query)
            pairs = self.broken_form(draw, form) if method in ("POST", "PUT", "PATCH") else []
            csrf = "off"
            if method in ("POST", "PUT", "PATCH", "DELETE"):
                csrf = draw(CSRF_ON if self.csrf_on else CSRF_OFF)
                pairs = [(name, value) for name, value in pairs if name != "csrf_token"]
                token = {
                    "valid": world.tokens[actor],
                    "wrong": world.tokens["visitor" if actor != "visitor" else "teacher"],
                    "file": Upload("token.txt", world.tokens[actor].encode(), "text/plain"),
                }.get(csrf) or (draw(TEXT) if csrf in ("malformed", "ignored") else None)
                if token is not None:
                    pairs.insert(draw(st.integers(0, 7)) % (len(pairs) + 1), ("csrf_token", token))
            encoding = "multipart" if any(isinstance(value, Upload) for _name, value in pairs) else draw(ENCODINGS)
            return FuzzRequest(actor, method, path, tuple(query), tuple(pairs), encoding, tuple(draw(HEADERS)), tuple(draw(self.cookies[actor])), csrf, real_url)

        return request()


def encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def header_safe(text: str) -> str:
    """As a server would pass it on: bytes as Latin-1, no line breaks or NUL (servers refuse those)."""
    return re.sub(r"[\r\n\x00]", "", encoded(text).decode("latin-1"))


def body_of(request: FuzzRequest) -> tuple[bytes, str | None]:
    """The request body and its content type, built by hand so any bytes can be sent."""
    if request.encoding == "json":  # an object: repeated keys become lists
        body = {}
        for name, value in request.pairs:
            body[name] = [*body[name], value] if name in body else value
        return json.dumps(body).encode(), "application/json"
    if request.encoding == "json-list":
        return json.dumps([value for _name, value in request.pairs]).encode(), "application/json"
    if request.encoding in ("urlencoded", "text/plain"):
        body = "&".join(f"{urllib.parse.quote_plus(encoded(name))}={urllib.parse.quote_plus(encoded(value))}" for name, value in request.pairs)
        return body.encode(), "application/x-www-form-urlencoded" if request.encoding == "urlencoded" else "text/plain"
    boundary = b"kizuna-fuzz-boundary"
    parts = []
    for name, value in request.pairs:
        disposition = b'Content-Disposition: form-data; name="' + quoted(name) + b'"'
        if isinstance(value, Upload):
            head = disposition + b'; filename="' + quoted(value.filename) + b'"\r\nContent-Type: ' + encoded(value.content_type)
            content = value.content
        else:
            head, content = disposition, encoded(value)
        parts.append(b"--" + boundary + b"\r\n" + head + b"\r\n\r\n" + content + b"\r\n")
    body = b"".join(parts) + b"--" + boundary + b"--\r\n"
    # "multipart/form-data" alone: the boundary is missing from the content type.
    return body, "multipart/form-data; boundary=kizuna-fuzz-boundary" if request.encoding == "multipart" else "multipart/form-data"


def quoted(text: str) -> bytes:
    """A name in a multipart header, escaped as browsers do."""
    return encoded(text).replace(b'"', b"%22").replace(b"\r", b"%0D").replace(b"\n", b"%0A")


def send(world, request: FuzzRequest):
    """Send ``request`` from a fresh client of its actor; an exception in the app is a 500."""
    client = world.client(request.actor)
    for name, value in request.cookies:
        client.set_cookie(name, header_safe(value)[:1000])  # browsers keep no cookie above 4 KB
    query = "&".join(f"{urllib.parse.quote_plus(encoded(name))}={urllib.parse.quote_plus(encoded(value))}" for name, value in request.query)
    url = request.path + (("&" if "?" in request.path else "?") + query if query else "")
    headers = [(name, header_safe(value)) for name, value in request.headers]
    body, content_type = body_of(request) if request.method in ("POST", "PUT", "PATCH") else (None, None)
    try:
        with client.open(url, method=request.method, data=body, content_type=content_type, headers=headers) as response:
            return response.status_code, body
    except Exception as error:  # TESTING propagates exceptions: in production this is a 500
        raise AssertionError(f"{request!r} raised {error!r} (a 500)") from error


def check_route(world, rule, csrf_on: bool, examples: int) -> None:
    """Hypothesis on one route: no 5xx; with CSRF on, a POST without a valid token never gets through."""

    @settings(max_examples=examples, deadline=DEADLINE_MS, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(request=RouteFuzzer(world, rule, csrf_on).requests())
    def no_server_error(request):
        world.restore()
        status, body = send(world, request)
        assert status < 500, f"{request!r} answered {status}"
        if request.csrf in ("missing", "wrong", "malformed", "file"):
            oversize = len(body or b"") > world.app.config["MAX_CONTENT_LENGTH"]
            allowed = {400, 413} if oversize else {400}
            if not request.real_url or request.method not in rule.methods:
                allowed |= {404, 405}
            assert status in allowed, f"{request!r} without a valid CSRF token answered {status}"

    no_server_error()


def fuzz_every_route(world, csrf_on: bool, examples_per_view: int) -> None:
    """Every route, each on its own, so one failure does not hide the others."""
    rules = list(world.app.url_map.iter_rules())
    routes_per_view = Counter(rule.endpoint for rule in rules)
    failures = []
    for rule in rules:
        try:
            check_route(world, rule, csrf_on, max(MIN_EXAMPLES_PER_ROUTE, examples_per_view // routes_per_view[rule.endpoint]))
        except Exception as error:  # noqa: BLE001 - collected and reported together below
            failures += [f"{rule.rule}: {line}" for line in failure_lines(error)]
    assert not failures, "\n".join(failures)


def failure_lines(error) -> list[str]:
    """One line per distinct failure Hypothesis found (the request, and what the app raised or answered)."""
    if isinstance(error, BaseExceptionGroup):
        return [line for each in error.exceptions for line in failure_lines(each)]
    return [str(error).splitlines()[0] if str(error) else repr(error)]


def shown_pairs(form: Form, world) -> list:
    """The form sent as its page shows it (with a real code, e-mail, password where it asks for one)."""
    pairs = []
    for each in form.fields:
        options = list(world.field_values.get(each.name, ())) + [option for option in each.options if option] or [""]
        if each.kind in ("button", "submit", "checkbox"):
            continue
        pairs += [(each.name, option) for option in each.options[: each.count]] if each.kind == "select" and each.count > 1 else [(each.name, options[0])]
    return pairs


def sweep_every_field(world) -> list[str]:
    """Every field of every form, from the page that showed it, broken one way at a time: the
    failures (Hypothesis explores combinations; this makes sure no field and no kind of breakage is skipped)."""
    failures, swept = [], set()
    for rule, forms in world.forms.items():
        for form in forms:
            if (rule, tuple(form.names)) in swept:  # the same form for another session or learner
                continue
            swept.add((rule, tuple(form.names)))
            base = shown_pairs(form, world)
            for each in form.fields:
                for broken in SWEEP_NUMBER if numeric(each) else SWEEP_TEXT:
                    values = list(broken) if isinstance(broken, tuple) else [broken]
                    pairs = [(name, value) for name, value in base if name != each.name] + [(each.name, value) for value in values]
                    encoding = "multipart" if any(isinstance(value, Upload) for value in values) else "urlencoded"
                    world.restore()
                    request = FuzzRequest(form.actor, "POST", form.action, (), tuple(pairs), encoding, (), (), "off", True)
                    try:
                        status, _body = send(world, request)
                    except AssertionError as error:
                        failures.append(str(error).splitlines()[0])
                        continue
                    if status >= 500:
                        failures.append(f"{request!r} answered {status}")
    return failures


# -- the tests ---------------------------------------------------------------------------------------------


def test_no_malformed_request_to_any_route_gets_a_server_error(make_app, tmp_path):
    world = build_world(make_app(WTF_CSRF_ENABLED=False), tmp_path)
    fuzz_every_route(world, csrf_on=False, examples_per_view=EXAMPLES_PER_VIEW)


def test_every_field_of_every_form_takes_malformed_values_without_a_server_error(make_app, tmp_path):
    world = build_world(make_app(WTF_CSRF_ENABLED=False), tmp_path)
    failures = sweep_every_field(world)
    assert not failures, "\n".join(failures)


def test_with_csrf_on_a_missing_or_wrong_token_is_a_400_and_nothing_is_a_500(make_app, tmp_path):
    world = build_world(make_app(TEACHER_SIGNUP="open"), tmp_path)
    fuzz_every_route(world, csrf_on=True, examples_per_view=EXAMPLES_PER_VIEW_WITH_CSRF)


def test_the_malformed_inputs_found_so_far_are_refused_without_a_server_error(make_app):
    """The 500s this file found (and the issue reported), each as it was sent."""
    app = with_two_teachers(make_app(WTF_CSRF_ENABLED=False))
    teacher, learner, visitor = app.test_client(), app.test_client(), app.test_client()
    login(teacher)
    live, code = create_session(teacher, survey=True)
    page = join(learner, code, "en")
    # A file where the code is expected, and a JSON body instead of a form: an empty form.
    assert visitor.post("/en/join", data={"code": (io.BytesIO(code.encode()), "code.txt")}).status_code == 422
    assert visitor.post("/en/join", data="[1, 2]", content_type="application/json").status_code == 422
    assert visitor.post("/en/teach/login", data={"email": (io.BytesIO(b"a@example.org"), "e.txt"), "password": PASSWORD}).status_code == 422
    # Digits that str.isdigit() accepts and int() refuses, or that no database column can hold.
    statement = f"s_{app.extensions['quizapp.content'].library.courses['understanding-hikikomori'].survey.statements[0].id}"
    assert learner.post(page, data={"phase": "pre", statement: "²"}).status_code == 400
    assert learner.post(page, data={"phase": "pre", statement: "9" * 5000}).status_code == 400
    for version in ("²", "٣", "9" * 20, "9" * 5000):
        assert teacher.post(live + "control", data={"action": "start", "version": version}).status_code == 303
    assert 'name="action" value="start"' in teacher.get(live).get_data(as_text=True)  # nothing moved
    assert teacher.post(live + "remove", data={"participant": "9" * 20}).status_code == 303
    assert teacher.get(f"/en/teach/sessions/{2**63}/").status_code == 404
    # A join link whose signature someone edited into non-ASCII: a join page like any other (no 500).
    assert visitor.get(f"/en/join/{code}?k=%C3%A9").status_code == 200
    # A query string that named the page's own values, or url_for's, in the language picker's links.
    for query in ("lang=ja", "course_id=x", "_method=POST", "_scheme=javascript", "_external=1"):
        response = visitor.get(f"/en/courses/understanding-hikikomori/?{query}")
        assert response.status_code == 200 and 'href="/ja/courses/understanding-hikikomori/' in response.get_data(as_text=True), query
    # A newline in next= (the redirect header cannot hold it): the dashboard instead.
    response = app.test_client().post("/en/teach/login?next=/%0a/evil.example/", data={"email": "a@example.org", "password": PASSWORD})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]
