"""YAML loading that remembers line numbers, so every error can say ``file:line``.

Mappings load as :class:`LineDict` and sequences as :class:`LineList`; both know the line they start on
and the line of each key or item. Only ``true``/``false`` are booleans: YAML 1.1 would read the country
code ``NO`` or the answer ``yes`` as a boolean, which surprises authors.

Whatever the text, :func:`load_yaml` returns data or reports ``file:line`` errors; it never raises. Anchors
and aliases (``&name``/``*name``) are refused: no course file needs them, and they are how a few lines of
YAML become a structure that refers to itself or expands a billion times.
"""

import re

import yaml

# libyaml's parser when PyYAML was built with it (the wheels are): eight times faster on our files. Its
# syntax messages are worded a little differently from the pure-Python parser's; the lines are the same.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping that knows its own line and the line of each key."""

    line = 1

    def __init__(self):
        super().__init__()
        self.key_lines: dict = {}

    def line_of(self, key) -> int:
        """The line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that knows its own line and the line of each item."""

    line = 1

    def __init__(self):
        super().__init__()
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        """The line of item ``index``."""
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YamlProblem(Exception):
    """Something YAML accepts but a course file must not hold, found while building the data."""

    def __init__(self, line: int, message: str):
        super().__init__(line, message)
        self.line = line
        self.message = message


class _Loader(_BaseLoader):
    """SafeLoader with line-aware containers and YAML 1.2-style booleans."""

    def construct_object(self, node, deep=False):
        """Build one node; an alias (a node met twice) or a value its tag cannot build is a YamlProblem."""
        line = node.start_mark.line + 1
        if node in self.constructed_objects or node in self.recursive_objects:
            raise YamlProblem(line, "an anchor (&name) defined on this line is used again (*name): anchors and aliases are not supported in course files; write the value out where it is needed")
        if node.tag == "tag:yaml.org,2002:merge":
            raise YamlProblem(line, "merge keys ('<<') are not supported in course files: write the keys out")
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, YamlProblem, RecursionError):
            raise
        except Exception as exc:  # whatever PyYAML's constructors raise on a value, it is the file's fault
            # A date that does not exist (2023-02-29), or an explicit tag on a value it cannot build (`!!int ten`,
            # an empty `!!int`): PyYAML's constructors fail with ValueError, IndexError, AttributeError…
            kind = node.tag.rsplit(":", 1)[-1]
            if kind == "timestamp":
                raise YamlProblem(line, f"{_shown(node.value)} is not a date that exists: correct it, or put it in quotes if it is not meant as a date") from exc
            raise YamlProblem(line, f"{_shown(node.value)} cannot be read as {kind}: remove the '!!{kind}' tag or fix the value") from exc


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader, node):
    _expect_node(node, yaml.MappingNode, "map")
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    yield mapping
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not _hashable(key):
            raise YamlProblem(key_node.start_mark.line + 1, f"a key must be a single word or text such as 'title', found {_kind(key)}: check the indentation and the ':' on this line")
        if key in mapping:
            raise YamlProblem(key_node.start_mark.line + 1, f"duplicate key '{key}': each key may appear only once")
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1


def _construct_sequence(loader, node):
    _expect_node(node, yaml.SequenceNode, "seq")
    sequence = LineList()
    sequence.line = node.start_mark.line + 1
    yield sequence
    for item_node in node.value:
        sequence.append(loader.construct_object(item_node, deep=True))
        sequence.item_lines.append(item_node.start_mark.line + 1)


def _expect_node(node, kind, tag: str) -> None:
    """An explicit ``!!map``/``!!seq`` tag on a value of another shape (``!!map just text``) is the file's error."""
    if not isinstance(node, kind):
        raise YamlProblem(node.start_mark.line + 1, f"the tag '!!{tag}' is on a value that is not a {'mapping' if tag == 'map' else 'list'}: remove the tag")


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _kind(value) -> str:
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else type(value).__name__


def _shown(value) -> str:
    text = str(value)
    return f"'{text if len(text) <= 40 else text[:37] + '...'}'"


def load_yaml(text: str | None, errors, first_line: int = 1):
    """Parse ``text``; on any problem add it to ``errors`` with its line and return None. Never raises.

    ``first_line`` is the file line where ``text`` starts (for a lesson's metadata header). ``text`` is
    None when the file could not be read (``files.read_source`` has said why): nothing to parse.
    """
    if text is None:
        return None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except YamlProblem as exc:
        errors.add(exc.line + first_line - 1, exc.message)
        return None
    except yaml.reader.ReaderError:
        errors.add(*_describe_unreadable_character(text, first_line))
        return None
    except RecursionError:
        errors.add(first_line, "the YAML is nested too deeply to read: check the indentation and the brackets")
        return None
    except yaml.MarkedYAMLError as exc:
        errors.add(*_describe_syntax_error(exc, first_line))
        return None
    except yaml.YAMLError as exc:
        errors.add(first_line, f"YAML syntax error: {exc}")
        return None
    except Exception as exc:  # the promise is "never raises": a PyYAML surprise is still the file's error
        errors.add(first_line, f"YAML that cannot be read ({type(exc).__name__}): check the tags ('!!…') and the indentation")
        return None
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def _describe_syntax_error(exc, first_line: int) -> tuple[int, str]:
    """Line and message for a YAML syntax error.

    An unclosed bracket or quote is only noticed where the file ends; the line where it was opened
    (the context mark) is where the author has to look.
    """
    offset = first_line - 1
    problem_line = exc.problem_mark.line + 1 + offset if exc.problem_mark else first_line
    if exc.context_mark is None:
        return problem_line, f"YAML syntax error: {exc.problem or 'invalid YAML'}"
    context_line = exc.context_mark.line + 1 + offset
    message = f"YAML syntax error {exc.context} started here: {exc.problem}"
    if problem_line != context_line:
        message += f" (noticed at line {problem_line})"
    return context_line, message


def _describe_unreadable_character(text: str, first_line: int) -> tuple[int, str]:
    """Line and message for a character YAML refuses (a control character such as NUL or BEL)."""
    match = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if match is None:  # libyaml refused something the pure-Python reader accepts
        return first_line, "YAML cannot read a character of this file; save it as plain UTF-8 text"
    line = text.count("\n", 0, match.start()) + first_line
    return line, f"the control character U+{ord(match.group()):04X} is not allowed in YAML: remove it (it is invisible in most editors)"


def _shift_lines(data, offset: int) -> None:
    """Move recorded lines by ``offset`` (a header parsed on its own starts at line 1)."""
    if isinstance(data, LineDict):
        data.line += offset
        data.key_lines = {key: line + offset for key, line in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, LineList):
        data.line += offset
        data.item_lines = [line + offset for line in data.item_lines]
        for value in data:
            _shift_lines(value, offset)
