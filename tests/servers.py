"""Real gunicorn processes for tests that need HTTP through a real server, and a small client for them."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
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

    def start(self, workers: int = 1, extra=(), host: str = "127.0.0.1") -> "Server":
        """Serve; ``host="0.0.0.0"`` listens on every interface, as `HOST=0.0.0.0 make run` does (requests
        from the tests still go to 127.0.0.1 only)."""
        log = open(self.log_path, "wb")  # noqa: SIM115 - the process writes to it until stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), *extra, "--bind", f"{host}:{self.port}", "quizapp:create_app()"],
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


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A minimal HTTP client with cookies and CSRF tokens, talking to one server."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            response = self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=10)
            return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def get(self, path):
        return self.request(path)

    def post(self, path, data, form_page=None):
        """POST with the CSRF token of the page the form is on (as a browser would)."""
        _status, _headers, html = self.get(form_page or path)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
        return self.request(path, dict(data, csrf_token=token.group(1)))
