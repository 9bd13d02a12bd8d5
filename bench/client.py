"""A small asyncio HTTP/1.1 client for the classroom burst: one keep-alive connection and one cookie jar per
learner, as a browser has, and cheap enough that a thousand of them polling every two seconds leave the load
generator far from saturated (it reports its own CPU share beside the latencies).

Only what our server sends is understood: Content-Length or chunked bodies, no body on 304, and
``Connection: close``. A request on a kept-alive connection that the server has just closed (gunicorn drops
idle ones after two seconds, about when the next poll comes) is sent again on a fresh one, as browsers do.
"""

import asyncio
import time
import urllib.parse
from dataclasses import dataclass, field

TIMEOUT_S = 60


@dataclass
class Response:
    """What came back, and how long it took from sending (connecting included) to the last byte."""

    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode()


class Browser:
    """One learner's (or the teacher's) connection to the server, with its cookies."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, headers: dict | None = None) -> Response:
        return await self.request("GET", path, headers=headers)

    async def post(self, path: str, form: dict) -> Response:
        return await self.request("POST", path, form=form)

    async def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None) -> Response:
        """Send one request and read its response (within TIMEOUT_S)."""
        return await asyncio.wait_for(self._exchange(self._encode(method, path, form, headers)), TIMEOUT_S)

    def _encode(self, method, path, form, headers) -> bytes:
        body = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if form is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def _exchange(self, raw: bytes) -> Response:
        started = time.perf_counter()
        for attempt in (1, 2):
            reused = self.writer is not None
            if not reused:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                self.writer.write(raw)
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionResetError("closed before the status line")
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if not reused or attempt == 2:
                    raise
        response = await self._read_rest(status_line)
        response.elapsed = time.perf_counter() - started
        self.cookies.update(response.cookies)
        return response

    async def _read_rest(self, status_line: bytes) -> Response:
        status = int(status_line.split()[1])
        headers, cookies = {}, {}
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key] = rest.split(";", 1)[0]
            headers[name] = value
        if status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._read_chunks()
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Response(status, headers, body, 0.0, cookies)

    async def _read_chunks(self) -> bytes:
        parts = []
        while size := int((await self.reader.readline()).split(b";")[0], 16):
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()
        while await self.reader.readline() not in (b"\r\n", b"\n", b""):  # trailers
            pass
        return b"".join(parts)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None
