"""wrk, the load generator for req/s: a list of requests in a file, sent by bench/requests.lua, and the
figures parsed from wrk's report. The gunicorn workers' CPU time is read around each run, so every req/s
comes with the server's own CPU per request (robust to whatever else the shared machine is doing)."""

import dataclasses
import re
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import psutil

LUA = Path(__file__).with_name("requests.lua")
# A run in which one worker did more than this part of the CPU time is run again (see ``skewed``).
SKEWED_SHARE = 0.75
# How many times a run is tried before its last try is taken as it is.
TRIES = 3


@dataclass(frozen=True)
class Request:
    """One HTTP request as the app receives it (the same object drives wrk and Flask's test client)."""

    path: str
    method: str = "GET"
    form: tuple = ()  # (name, value) pairs of a urlencoded form

    @property
    def body(self) -> str:
        return urllib.parse.urlencode(self.form, doseq=True) if self.form else ""


@dataclass(frozen=True)
class Run:
    """One wrk run against one server."""

    requests: int
    seconds: float
    bad_status: int  # 4xx and 5xx (wrk counts them as "Non-2xx or 3xx")
    socket_errors: dict
    wrapped: bool  # a thread ran out of its requests and started again
    server_cpu_s: float
    busiest_share: float = 0.0  # the busiest worker's part of the server's CPU time (1.0: one worker did all)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float | None:
        return 1000 * self.server_cpu_s / self.requests if self.requests else None


def wrk_binary() -> str:
    """wrk on PATH (`make wrk` installs Debian's)."""
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed: run `make wrk` (Debian's package), or `make bench`, which installs it")
    return found


def write_requests(path: Path, requests, headers=()) -> Path:
    """The file bench/requests.lua reads: HEADER lines, then one request per line."""
    lines = [f"HEADER\t{name}\t{value}" for name, value in headers]
    lines += [f"{request.method}\t{request.path}\t{request.body}" for request in requests]
    path.write_text("\n".join(lines) + "\n")
    return path


def run(base_url: str, requests_file: Path, seconds: int, connections: int, pids, threads: int = 1) -> Run:
    """Run wrk for ``seconds`` with ``connections`` keep-alive connections; the CPU time of ``pids`` (the
    server's workers) around it."""
    command = [wrk_binary(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA), base_url, "--", str(requests_file), str(threads)]
    before = [workers_cpu([pid]) for pid in pids]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    spent = [workers_cpu([pid]) - start for pid, start in zip(pids, before, strict=True)]
    run = parse(result.stdout, sum(spent))
    return dataclasses.replace(run, busiest_share=max(spent) / sum(spent)) if sum(spent) > 0 else run


def skewed(run: Run, pids) -> bool:
    """True when one worker did nearly all of a run's work: wrk opens all its keep-alive connections at once,
    and one gunicorn worker, the first to wake, may accept every one of them, and with them the whole run
    (on one core, under its GIL). Behind nginx, which opens a connection per request, or with a room of
    phones connecting one by one, the workers share the load; such a run measures the race, not the route."""
    return len(pids) > 1 and run.busiest_share > SKEWED_SHARE


def worker_pids(server) -> list[int]:
    """The worker processes of a gunicorn server (quizapp.testing.Server)."""
    return [child.pid for child in psutil.Process(server.process.pid).children()]


def workers_cpu(pids) -> float:
    """User + system CPU seconds of these processes so far."""
    total = 0.0
    for pid in pids:
        times = psutil.Process(pid).cpu_times()
        total += times.user + times.system
    return total


def parse(output: str, server_cpu_s: float) -> Run:
    """The figures of wrk's report."""
    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output)
    if done is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    seconds = float(done.group(2)) * {"ms": 0.001, "s": 1, "m": 60}[done.group(3)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True)) if sockets else {}
    wrapped = re.search(r"bench-wrapped: (\d+)", output)
    return Run(int(done.group(1)), seconds, int(bad.group(1)) if bad else 0, socket_errors, bool(wrapped and int(wrapped.group(1))), server_cpu_s)
