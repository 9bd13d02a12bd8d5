"""YAML loading that remembers line numbers, so every error can say ``file:line``.

Mappings load as :class:`LineDict` and sequences as :class:`LineList`; both know the line they start on
and the line of each key or item. Only ``true``/``false`` are booleans: YAML 1.1 would read the country
code ``NO`` or the answer ``yes`` as a boolean, which surprises authors.
"""

import re

import yaml


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


class DuplicateKey(Exception):
    """A key given twice in one mapping (PyYAML would silently keep the last)."""

    def __init__(self, key, line):
        super().__init__(key, line)
        self.key = key
        self.line = line


class _Loader(yaml.SafeLoader):
    """SafeLoader with line-aware containers and YAML 1.2-style booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader, node):
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    yield mapping
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise DuplicateKey(key, key_node.start_mark.line + 1)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1


def _construct_sequence(loader, node):
    sequence = LineList()
    sequence.line = node.start_mark.line + 1
    yield sequence
    for item_node in node.value:
        sequence.append(loader.construct_object(item_node, deep=True))
        sequence.item_lines.append(item_node.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def load_yaml(text: str, errors, first_line: int = 1):
    """Parse ``text``; on a syntax error add it to ``errors`` and return None.

    ``first_line`` is the file line where ``text`` starts (for a lesson's metadata header).
    """
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except DuplicateKey as exc:
        errors.add(exc.line + first_line - 1, f"duplicate key '{exc.key}': each key may appear only once")
        return None
    except yaml.MarkedYAMLError as exc:
        errors.add(*_describe_syntax_error(exc, first_line))
        return None
    except yaml.YAMLError as exc:
        errors.add(first_line, f"YAML syntax error: {exc}")
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
