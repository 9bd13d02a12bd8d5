"""Errors found in course files, each tied to a file and a line."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one course file: ``file:line: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        # One error, one line: a message quoting an author's multi-line text must not break `file:line:` output.
        return f"{self.path}:{self.line}: {' '.join(self.message.splitlines())}"


class ErrorList(list):
    """Collects errors for one file so a check can report them all at once."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = path

    def add(self, line: int, message: str) -> None:
        self.append(ContentError(self.path, line, message))
