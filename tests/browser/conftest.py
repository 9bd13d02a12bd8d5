"""Browser tests: Debian's Chromium driven by Playwright against the app served by a real gunicorn."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from ..support import PROJECT_ROOT

CHROMIUM = "/usr/lib/chromium/chromium"
TEACHER_EMAIL = "browser@example.org"
TEACHER_PASSWORD = "browser tests password"
# Without the networking flags Chromium keeps dialling out on this closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A LAN visitor's address without leaving this machine: room.test resolves to 127.0.0.1 (RFC 2606 name).
    "--host-resolver-rules=MAP room.test 127.0.0.1",
]
ROOM_HOST = "room.test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app under gunicorn, as `make run` serves it, on a throwaway database."""
    port = _free_port()
    workdir = tmp_path_factory.mktemp("server")
    env = dict(
        os.environ,
        QUIZAPP_SECRET_KEY="browser-tests",
        QUIZAPP_DATABASE_URL=f"sqlite:///{workdir / 'browser.sqlite'}",
    )
    # As `make run` does: migrate, then a teacher account for the classroom journeys.
    flask = [sys.executable, "-m", "flask", "--app", "quizapp"]
    subprocess.run([*flask, "db", "upgrade"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "teachers", "create", TEACHER_EMAIL, "--name", "Ms Browser", "--password", TEACHER_PASSWORD], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "quizapp:create_app()"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/en/", timeout=2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                raise RuntimeError("gunicorn did not start:\n" + (workdir / "gunicorn.log").read_text()) from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def base_url(live_server):
    """Playwright resolves relative URLs against the live server."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium (Playwright cannot download its own browser here)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
