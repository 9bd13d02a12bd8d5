"""`make bench`: its tiny mode end to end (real gunicorn, wrk, SQLite and PostgreSQL), the checks that turn a
run into errors, and what `make bench-record` writes."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from bench import wrk
from bench.__main__ import HelloServer, make_run_server
from bench.pages import run_errors
from bench.report import BEGIN, END, Report, record
from bench.targets import TARGETS
from bench.wrk import Request

from .support import PROJECT_ROOT


@pytest.fixture
def temporary_folder():
    """A folder for TMPDIR that the postgres user can enter (the benchmark's PostgreSQL cluster goes there)."""
    folder = Path(tempfile.mkdtemp(prefix="kizuna-test-bench-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_tiny_benchmark_prints_every_figure_beside_its_target_with_a_verdict_and_leaves_no_temporary_folder(temporary_folder):
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--tiny"], cwd=PROJECT_ROOT, env=dict(os.environ, TMPDIR=str(temporary_folder)), capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    rows = {line.split("|")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("| ")}
    for target in TARGETS:
        assert target.label in rows, f"{target.label} is missing:\n{result.stdout}"
        cells = [cell.strip() for cell in rows[target.label].split("|")[1:-1]]
        assert cells[2] == target.describe()
        assert re.match(r"\d", cells[1]) and cells[3] in ("PASS", "FAIL"), rows[target.label]
    assert "Errors: none" in result.stdout
    assert "answers sent" in result.stdout and " ≠ " not in result.stdout
    assert list(temporary_folder.iterdir()) == []


def test_a_pool_of_unique_requests_that_runs_dry_is_an_error(tmp_path):
    """wrk through bench/requests.lua: a pool of one request, sent many times, is reported as wrapped."""
    server = make_run_server(tmp_path, "hello", 1, 2, HelloServer)
    try:
        pool = wrk.write_requests(tmp_path / "pool.requests", [Request("/")])
        run = wrk.run(server.url, pool, 1, 2, [])
    finally:
        server.stop()
    assert run.requests > 1 and run.wrapped
    assert run_errors(run, None, pool=True) == ["the pool of unique requests ran out (the figure would time duplicates)"]
    assert run_errors(run, None, pool=False) == []


def test_answers_acknowledged_but_not_stored_are_errors():
    run = wrk.Run(requests=100, seconds=1.0, bad_status=0, socket_errors={}, wrapped=False, server_cpu_s=0.1)
    assert run_errors(run, stored=100, pool=True) == []
    assert run_errors(run, stored=103, pool=True) == []  # sent as wrk stopped: stored, not yet counted by wrk
    assert run_errors(run, stored=97, pool=True) == ["3 answers answered 303 but not stored"]
    failed = wrk.Run(requests=100, seconds=1.0, bad_status=2, socket_errors={"connect": 0, "read": 1, "write": 0, "timeout": 0}, wrapped=False, server_cpu_s=0.1)
    assert run_errors(failed, stored=98, pool=True) == ["2 responses with a 4xx or 5xx status"]


def test_record_rewrites_only_the_figures_of_the_performance_page_and_adds_a_history_line(tmp_path):
    page, history = tmp_path / "PERFORMANCE.md", tmp_path / "history.csv"
    page.write_text(f"# Performance\n\nIntro.\n\n{BEGIN}\nold figures\n{END}\n\n## Queries\n\nKept.\n")
    report = Report(values={"ratio_lesson_en": 0.5, "start_s": 1.2}, conditions=["conditions"])
    for revision in ("abc1234", "def5678"):
        record(report, "make bench-record", "2025-01-01 00:00 UTC", revision, "2 × CPU", page, history)
    text = page.read_text()
    assert "old figures" not in text and text.count(BEGIN) == 1 and text.count(END) == 1
    assert text.startswith("# Performance\n\nIntro.\n\n") and text.endswith("## Queries\n\nKept.\n")
    assert "| lesson page (en) | 0.500 | ≥ 0.60 | FAIL |" in text and "commit def5678" in text
    lines = history.read_text().splitlines()
    assert len(lines) == 3 and lines[0].startswith("date,commit,command,machine,errors,duration_s,ratio_lesson_en")
    assert ",abc1234," in lines[1] and ",def5678," in lines[2]


def test_a_run_that_one_worker_took_whole_is_told_apart_from_one_the_workers_shared(tmp_path):
    # Two workers, two connections: whichever way they were accepted, the busiest worker's share is measured
    # from the workers' own CPU time, and a run all on one worker counts as skewed.
    server = make_run_server(tmp_path, "hello", 2, 2, HelloServer)
    try:
        pool = wrk.write_requests(tmp_path / "hello.requests", [Request("/")])
        deadline = time.monotonic() + 10
        while len(pids := wrk.worker_pids(server)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the second worker may still be starting
        run = wrk.run(server.url, pool, 1, 2, pids)
    finally:
        server.stop()
    assert 0.5 <= run.busiest_share <= 1.0 and wrk.skewed(run, pids) == (run.busiest_share > wrk.SKEWED_SHARE)
    assert wrk.skewed(wrk.Run(1000, 1.0, 0, {}, False, 0.5, busiest_share=0.9), pids)
    assert not wrk.skewed(wrk.Run(1000, 1.0, 0, {}, False, 0.5, busiest_share=1.0), pids[:1])  # one worker: nothing to share
    assert not wrk.skewed(wrk.Run(1000, 1.0, 0, {}, False, 0.5, busiest_share=0.55), pids)
