"""What `make bench` prints, and what `make bench-record` writes: the table of figures beside their targets
(a Markdown table, the same in the terminal and in docs/PERFORMANCE.md), the conditions of the run, and one
line per recorded run in bench/history.csv."""

import csv
import datetime
import os
import platform
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from .targets import RATIOS, TARGETS

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE = ROOT / "docs" / "PERFORMANCE.md"
HISTORY = ROOT / "bench" / "history.csv"
BEGIN = "<!-- bench:figures:begin (rewritten by `make bench-record`) -->"
END = "<!-- bench:figures:end -->"


@dataclass
class Report:
    """Every figure by target key, what stands beside each, the run's conditions and its errors."""

    values: dict = field(default_factory=dict)  # target key -> value (None: not measured)
    notes: dict = field(default_factory=dict)  # target key -> what the table shows beside it
    conditions: list = field(default_factory=list)  # lines describing the run
    details: list = field(default_factory=list)  # further lines (latencies of the burst, …)
    errors: list = field(default_factory=list)
    duration_s: float = 0.0

    def verdicts(self) -> dict:
        return {target.key: target.verdict(self.values.get(target.key)) for target in TARGETS}

    def failed(self) -> list[str]:
        return [target.label for target in TARGETS if target.verdict(self.values.get(target.key)) == "FAIL"]

    def table(self) -> str:
        """The figures beside their targets, PASS or FAIL, as a Markdown table."""
        rows = ["| figure | value | target | verdict | beside it |", "|---|---|---|---|---|"]
        for target in TARGETS:
            value = self.values.get(target.key)
            rows.append(f"| {target.label} | {target.format(value)} | {target.describe()} | {target.verdict(value)} | {self.notes.get(target.key, '')} |")
        return "\n".join(rows)

    def text(self) -> str:
        """Everything `make bench` prints at the end."""
        passed = sum(verdict == "PASS" for verdict in self.verdicts().values())
        lines = [*self.conditions, "", self.table(), "", *self.details, ""]
        lines.append(f"Verdict: {passed} of {len(TARGETS)} targets met" + (f"; FAIL: {', '.join(self.failed())}" if self.failed() else "") + ".")
        lines.append("Errors: " + ("; ".join(self.errors[:20]) if self.errors else "none") + f". Took {self.duration_s:.0f} s.")
        return "\n".join(lines)


def machine() -> str:
    """This machine, briefly: CPU model and count, memory, system."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 1024**3
    return f"{os.cpu_count()} × {model}, {memory:.0f} GB, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def commit() -> str:
    """The commit measured, marked when the working tree differs from it."""

    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+uncommitted" if git("status", "--porcelain", "--untracked-files=no") else "")


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def record(report: Report, command: str, when: str, revision: str, host: str, performance: Path = PERFORMANCE, history: Path = HISTORY) -> None:
    """Rewrite the figures in docs/PERFORMANCE.md (between its markers; at the end if it has none) and append
    a line to bench/history.csv."""
    section = "\n".join([BEGIN, "", f"Measured {when} on commit {revision} with `{command}`: {host}.", "", *report.conditions, "", report.table(), "", *report.details, END])
    text = performance.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    performance.write_text(text, encoding="utf-8")
    append_history(report, command, when, revision, host, history)


def append_history(report: Report, command: str, when: str, revision: str, host: str, history: Path = HISTORY) -> None:
    """One line per recorded run; a figure added later gets a new column (older lines leave it empty)."""
    row = {"date": when, "commit": revision, "command": command, "machine": host, "errors": len(report.errors), "duration_s": round(report.duration_s)}
    for target in TARGETS:
        value = report.values.get(target.key)
        row[target.key] = "" if value is None else round(value, 4 if target in RATIOS else 2)
    rows, columns = [], list(row)
    if history.exists():
        with history.open(newline="", encoding="utf-8") as file:
            reader = csv.DictReader(file)
            rows = list(reader)
            columns = list(reader.fieldnames or []) + [name for name in row if name not in (reader.fieldnames or [])]
    rows.append(row)
    with history.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
