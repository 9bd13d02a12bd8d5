"""The course loader never raises: whatever an editor does to a course file, `load_library` and
`flask courses check` report errors that name the file and line, and every other course still loads.

Hypothesis copies the real ``courses/`` tree once and, per example, damages one file the way authors' tools
do: a flipped byte, a save cut short, Latin-1 or UTF-16, a YAML line lost, doubled or re-indented, a mapping
turned into a list (``- - id: first``), a scalar turned into a list or a mapping, a control character, an empty
or binary file, a file deleted or replaced by a folder. Then it puts the file back. Examples are derandomized,
so every run tries the same files in the same way and takes the same time.
"""

import codecs
import re
import shutil
import traceback
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from quizapp import create_app
from quizapp.content import load_library
from quizapp.content.errors import ErrorList
from quizapp.content.yamlfile import load_yaml

from .support import PROJECT_ROOT

COURSES = PROJECT_ROOT / "courses"
# Files without which a course (or the help page) cannot be served: deleting one must be an error.
REQUIRED = re.compile(r"(^|/)(course\.yml|help\.yml|[^/]+\.md)$")
FOLDER = object()  # a damage that puts a folder where the file was
KINDS = ["flip", "truncate", "latin-1", "utf-16", "bom", "lines", "shape", "control", "empty", "junk", "delete", "folder"]
EXAMPLES_PER_KIND = 3  # 36 examples, about 0.3 s of CPU each (one parse, one `courses check`)
# The first example of each kind damages a file of a different role (Hypothesis starts from the first path).
ROLES = ["quiz.yml", "help.yml", "course.yml", "md", "notes.md", "survey.yml", "glossary.yml"]


@cache
def originals() -> dict[str, bytes]:
    """Every file of the real library by its path relative to ``courses/``."""
    return {path.relative_to(COURSES).as_posix(): path.read_bytes() for path in sorted(COURSES.rglob("*")) if path.is_file()}


class Damage:
    """One file of the tree and what becomes of it: new bytes, None (deleted) or FOLDER.

    A plain class, not a dataclass, so that a failing example prints short: Hypothesis would print every
    byte of a dataclass's field.
    """

    def __init__(self, path: str, kind: str, content):
        self.path, self.kind, self.content = path, kind, content

    def __repr__(self) -> str:
        content = self.content
        if isinstance(content, bytes) and len(content) > 120:
            content = f"{content[:120]!r}... ({len(content)} bytes)"
        elif content is FOLDER:
            content = "a folder"
        return f"Damage({self.path!r}, {self.kind!r}, {content})"


def role(path: str) -> str:
    """What a file is for: ``quiz.yml``, ``notes.md``, ``md`` (a lesson), ``course.yml``, ``help.yml``…"""
    name = Path(path).name
    if path.startswith("surveys/"):  # a survey version, courses/surveys/<id>.yml
        return "survey.yml"
    return name if name in ("course.yml", "survey.yml", "help.yml", "glossary.yml") else name.split(".", 1)[1]


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines(keepends=True)


@st.composite
def byte_flips(draw, data: bytes) -> bytes:
    """One to four bytes replaced by any byte."""
    if not data:
        return draw(st.binary(min_size=1, max_size=4))
    result = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        result[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(result)


@st.composite
def truncations(draw, data: bytes) -> bytes:
    """The file cut anywhere, even inside a multi-byte character."""
    return data[: draw(st.integers(0, max(len(data) - 1, 0)))]


@st.composite
def line_edits(draw, data: bytes) -> bytes:
    """One line deleted, doubled or re-indented (spaces added or removed, or a tab)."""
    lines = _lines(data)
    if not lines:
        return data
    index = draw(st.integers(0, len(lines) - 1))
    line = lines[index]
    edit = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "tab"]))
    if edit == "delete":
        lines[index : index + 1] = []
    elif edit == "duplicate":
        lines.insert(index, line)
    elif edit == "indent":
        lines[index] = " " * draw(st.integers(1, 4)) + line
    elif edit == "dedent":
        lines[index] = line[min(draw(st.integers(1, 4)), len(line) - len(line.lstrip(" "))) :]
    else:
        lines[index] = "\t" + line
    return "".join(lines).encode("utf-8")


KEY_LINE = re.compile(r"^(\s*)(- )?([\w-]+):[ \t]+(\S[^\n]*)$")


@st.composite
def shape_swaps(draw, data: bytes) -> bytes:
    """A value of the wrong shape: a mapping (or list item) wrapped in a list, `key: v` as a list or a mapping."""
    lines = _lines(data)
    if not lines:
        return data
    index = draw(st.integers(0, len(lines) - 1))
    swap = draw(st.sampled_from(["wrap_in_list", "scalar_to_list", "scalar_to_mapping", "entry_to_item"]))
    line = lines[index]
    match = KEY_LINE.match(line.rstrip("\r\n"))
    if swap == "wrap_in_list":
        return _wrap_in_list(lines, index).encode("utf-8")
    if match is None:
        return data
    indent, dash, key, value = match.groups()
    dash = dash or ""
    replacement = {
        "scalar_to_list": f"{indent}{dash}{key}: [{value}]\n",
        "scalar_to_mapping": f"{indent}{dash}{key}: {{{key}: {value}}}\n",
        "entry_to_item": f"{indent}{dash}- {value}\n",
    }[swap]
    lines[index] = replacement
    return "".join(lines).encode("utf-8")


def _wrap_in_list(lines: list[str], index: int) -> str:
    """Turn the block that starts at ``lines[index]`` into the only item of a list.

    ``- id: first`` (a question) becomes ``- - id: first``; ``feedback:`` with keys under it becomes a list
    holding that mapping. The lines under the block move right so the YAML stays well-formed.
    """
    line = lines[index]
    indent = len(line) - len(line.lstrip(" "))
    end = index + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip(" ")) > indent):
        end += 1
    lines[index] = line[:indent] + "- " + line[indent:]
    for inner in range(index + 1, end):
        lines[inner] = "  " + lines[inner] if lines[inner].strip() else lines[inner]
    return "".join(lines)


@st.composite
def damages(draw, kind: str) -> Damage:
    """One file of the real library and what ``kind`` of damage does to it."""
    first_role = ROLES[KINDS.index(kind) % len(ROLES)]
    path = draw(st.sampled_from(sorted(originals(), key=lambda path: (role(path) != first_role, path))))
    data = originals()[path]
    text = data.decode("utf-8")
    content = {
        "flip": lambda: draw(byte_flips(data)),
        "truncate": lambda: draw(truncations(data)),
        "latin-1": lambda: text.encode("latin-1", errors="replace"),
        "utf-16": lambda: text.encode("utf-16"),
        "bom": lambda: codecs.BOM_UTF8 + data,
        "lines": lambda: draw(line_edits(data)),
        "shape": lambda: draw(shape_swaps(data)),
        "control": lambda: _insert(data, draw(st.integers(0, len(data))), draw(st.sampled_from([b"\x00", b"\x07", b"\x1b", b"\x7f"]))),
        "empty": lambda: b"",
        "junk": lambda: draw(st.binary(min_size=1, max_size=200)),
        "delete": lambda: None,
        "folder": lambda: FOLDER,
    }[kind]()
    return Damage(path, kind, content)


def _insert(data: bytes, at: int, chunk: bytes) -> bytes:
    return data[:at] + chunk + data[at:]


def apply(tree: Path, damage: Damage) -> None:
    target = tree / damage.path
    target.unlink()
    if damage.content is FOLDER:
        target.mkdir()
    elif damage.content is not None:
        target.write_bytes(damage.content)


def restore(tree: Path, damage: Damage) -> None:
    target = tree / damage.path
    if target.is_dir():
        shutil.rmtree(target)
    target.write_bytes(originals()[damage.path])


def first_bad_line(data: bytes) -> int | None:
    """The line of the first byte that is not UTF-8 (after a UTF-8 byte-order mark), or None."""
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return body.count(b"\n", 0, exc.start) + 1
    return None


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """One writable copy of the real library for the whole module; each example restores what it damaged."""
    target = tmp_path_factory.mktemp("never-raises") / "courses"
    shutil.copytree(COURSES, target)
    return target


@pytest.fixture(scope="module")
def check(tmp_path_factory):
    """`flask courses check <folder>` through the CLI runner of one app (the check needs no database)."""
    database = tmp_path_factory.mktemp("never-raises-db") / "unused.sqlite"
    runner = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{database}"}).test_cli_runner()
    return lambda folder: runner.invoke(args=["courses", "check", str(folder)])


def test_the_copied_library_loads_cleanly(tree):
    library = load_library(tree)
    assert library.errors == ()
    assert set(library.courses) == course_names(tree)


# One property per kind of damage, so each gets its share of examples (drawn together, the first kind would
# get most of them).
@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=EXAMPLES_PER_KIND, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_a_damaged_file_is_reported_never_raised(tree, check, kind, data):
    damage = data.draw(damages(kind), label="damage")
    event(f"file: {role(damage.path)}")  # shown by --hypothesis-show-statistics
    apply(tree, damage)
    try:
        library = load_library(tree)  # an exception here fails the test with the damage that caused it
        result = check(tree)
    finally:
        restore(tree, damage)
    assert_errors_name_files(tree, library.errors)
    assert_other_courses_still_load(tree, damage, library)
    assert_damage_is_reported(tree, damage, library)
    assert_check_reports_without_traceback(tree, library, result)


def course_names(tree: Path) -> set[str]:
    """The course folders of the tree (``surveys/`` holds the survey versions, not a course)."""
    return {path.name for path in tree.iterdir() if path.is_dir() and path.name != "surveys"}


def assert_errors_name_files(tree: Path, errors) -> None:
    for error in errors:
        assert error.path == tree or tree in error.path.parents, error
        assert isinstance(error.line, int) and error.line >= 1, error
        assert error.message and "Traceback" not in error.message, error


def assert_other_courses_still_load(tree: Path, damage: Damage, library) -> None:
    """A course's files only ever keep that course out; help.yml entries can be what lessons point at, and a
    survey version every course may name."""
    if damage.path == "help.yml" or damage.path.startswith("surveys/"):
        return
    damaged_course = damage.path.split("/")[0]
    others = course_names(tree) - {damaged_course}
    assert others <= set(library.courses), [str(error) for error in library.errors]


def assert_damage_is_reported(tree: Path, damage: Damage, library) -> None:
    """Damage that can never be a valid file is an error at that file; a byte-order mark changes nothing."""
    errors_here = [error for error in library.errors if error.path == tree / damage.path]
    if damage.kind == "bom":
        assert library.errors == ()
    elif damage.content is None and REQUIRED.search(damage.path):
        assert library.errors, f"deleting {damage.path} went unnoticed"
    elif damage.content is FOLDER:
        assert [error.message for error in errors_here] == [f"'{Path(damage.path).name}' is a folder; a file is expected here"], library.errors
    elif isinstance(damage.content, bytes) and (line := first_bad_line(damage.content)) is not None:
        assert [(error.line, "UTF-" in error.message) for error in errors_here] == [(line, True)], library.errors


def assert_check_reports_without_traceback(tree: Path, library, result) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail("`courses check` raised:\n" + "".join(traceback.format_exception(*result.exc_info)))
    assert result.exit_code in (0, 1), result.output
    if library.errors:
        assert result.exit_code == 1, result.output
    for line in result.stderr.splitlines():
        summary = re.fullmatch(r"\d+ (error\(s\) found\.|warning\(s\): .*)", line)
        assert summary or re.match(rf"{re.escape(str(tree))}(/\S*)?:\d+: ", line), f"not a file:line message: {line!r}"
    assert "Traceback" not in result.output


def test_app_starts_logs_the_broken_course_and_serves_the_others(make_app, tree, caplog):
    """The two cases of the issue at once: a quiz saved as Latin-1, another with `- - id: first`."""
    latin1 = "understanding-hikikomori/myths-and-facts.quiz.yml"
    nested = "reaching-out/ways-to-help.quiz.yml"
    damaged = [
        Damage(latin1, "latin-1", originals()[latin1].decode("utf-8").replace("questions:", "questions:  # café", 1).encode("latin-1", errors="replace")),
        Damage(nested, "shape", originals()[nested].replace(b"questions:\n", b"questions:\n  - - id: first\n", 1)),
    ]
    for damage in damaged:
        apply(tree, damage)
    try:
        client = make_app(COURSES_DIR=str(tree)).test_client()
        library, broken = client.get("/en/"), client.get("/en/courses/reaching-out/")
    finally:
        for damage in damaged:
            restore(tree, damage)
    assert library.status_code == 200 and broken.status_code == 404
    assert "Stigma and mental health" in library.text
    assert "Understanding hikikomori" not in library.text and "Reaching out" not in library.text
    skipped = [record.getMessage() for record in caplog.records if "course file skipped" in record.getMessage()]
    assert any(f"{tree / latin1}:2: the file is not valid UTF-8" in message for message in skipped), skipped
    assert any(f"{tree / nested}:3: question 1 must be a mapping" in message for message in skipped), skipped


def test_courses_check_names_the_latin1_quiz_and_exits_1_without_a_traceback(check, tree):
    latin1 = "understanding-hikikomori/myths-and-facts.quiz.yml"
    damage = Damage(latin1, "latin-1", b"feedback: end\nquestions: caf\xe9\n")
    apply(tree, damage)
    try:
        result = check(tree)
    finally:
        restore(tree, damage)
    assert result.exit_code == 1
    assert f"{tree / latin1}:2: the file is not valid UTF-8: byte 0xe9 at column 15" in result.stderr
    assert result.stderr.strip().endswith("1 error(s) found.")


# The pieces YAML is made of, including those no course file needs (tags, anchors, directives, merge keys)
# and characters YAML refuses: built from these, text reaches every branch of PyYAML's scanner and constructors.
YAML_PIECES = [
    "- ", "? ", ": ", "\n", "  ", "\t", "&a ", "*a", "<<", "[", "]", "{", "}", ",", "'", '"', "#", "|", ">", "\\",
    "!!int ", "!!float ", "!!str ", "!!seq ", "!!map ", "!!set ", "!!omap ", "!!binary ", "!!timestamp ", "!!python/name:os.system ", "!x ",
    "%YAML 1.1\n", "---\n", "...\n", "id", "x", "1", "0x", "2023-02-29", "2024-01-01 10:00:00", ".nan", "1e400", "~",
    "\x00", "\r", "\ufeff", "\u2028", "\x85", "é",
]


@settings(max_examples=500, derandomize=True, database=None, deadline=None)
@given(text=st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join), first_line=st.integers(1, 5))
def test_yaml_of_any_shape_is_read_or_reported_at_a_line(text, first_line):
    errors = ErrorList(Path("any.yml"))
    load_yaml(text, errors, first_line=first_line)
    for error in errors:
        assert error.line >= first_line, error
        # The last-resort message of load_yaml: reaching it means a case worth its own message.
        assert "YAML that cannot be read (" not in error.message, error
