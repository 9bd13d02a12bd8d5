"""Real gunicorn processes for tests that need HTTP through a real server."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

from quizapp.config import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`gunicorn quizapp:create_app()` on a free port, with the given environment."""

    def __init__(self, workdir, name: str, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{name}.log"
        self.env = dict(os.environ, **env)
        self.process = None

    def start(self, workers: int = 1, extra=()) -> "Server":
        log = open(self.log_path, "wb")  # noqa: SIM115 - the process writes to it until stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), *extra, "--bind", f"127.0.0.1:{self.port}", "quizapp:create_app()"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/en/", timeout=2).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
