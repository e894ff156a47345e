"""Real servers on 127.0.0.1 that alert sinks and API connectors talk to: an HTTP server that records
requests and answers from a script, and an SMTP server that keeps the messages it receives."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Reply:
    status: int = 200
    body: object = "ok"  # dict or list → JSON
    delay: float = 0.0
    headers: dict = field(default_factory=dict)


class LocalHttpServer:
    """A threaded HTTP server on 127.0.0.1; a subclass answers every GET and POST with `answer(request)`."""

    always_json = False  # send Content-Type application/json even for a text body (a broken API's JSON)

    def answer(self, request: Received) -> Reply:
        raise NotImplementedError

    def __enter__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.do_POST()

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                split = urlsplit(self.path)
                reply = server.answer(Received(split.path, parse_qs(split.query), dict(self.headers), body))
                time.sleep(reply.delay)
                as_json = isinstance(reply.body, (dict, list))
                payload = (json.dumps(reply.body).encode() if as_json else reply.body if isinstance(reply.body, bytes)
                           else str(reply.body).encode())
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json" if as_json or server.always_json else "text/plain")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (timeout tests)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"


@dataclass
class RecordingServer(LocalHttpServer):
    script: list[Reply] = field(default_factory=list)  # replies in order; the last one repeats
    received: list[Received] = field(default_factory=list)

    def answer(self, request: Received) -> Reply:
        self.received.append(request)
        return self.script[min(len(self.received), len(self.script)) - 1] if self.script else Reply()

    def url(self, path: str = "/") -> str:
        return self.base_url + path


class DripServer:
    """Answers every request with headers at once, then its body one byte every `interval` seconds: a
    server that never times out a per-read timeout and never finishes. `piece`: what it sends each time
    instead (an SMTP server's endless "220-" greeting lines), with no HTTP headers and no request read."""

    def __init__(self, interval: float = 0.2, length: int = 10_000, piece: bytes | None = None):
        self.interval, self.length, self.requests, self.piece = interval, length, 0, piece

    def __enter__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def _serve(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.requests += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn):
        with conn:
            try:
                if self.piece is None:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 + f"Content-Length: {self.length}\r\n\r\n".encode())
                for _ in range(self.length):
                    if self.stopped.wait(self.interval):
                        return
                    conn.sendall(self.piece or b" ")
            except OSError:
                return  # the client gave up

    def __exit__(self, *exc):
        self.stopped.set()
        self.listener.close()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}{path}"


class SmtpServer:
    """aiosmtpd's real SMTP server, keeping every message it receives."""

    def __enter__(self):
        from aiosmtpd.controller import Controller

        self.messages = []

        class Keep:
            async def handle_DATA(handler, server, session, envelope):  # noqa: N805 (aiosmtpd's hook signature)
                self.messages.append(envelope)
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
