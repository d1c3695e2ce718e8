"""A real HTTP receiver on 127.0.0.1 for the webhook tests: it keeps every request it gets
(and counts every connection, even one it could not read), verifies signatures as the
README tells integrations to, and answers the statuses a test scripts."""

import hashlib
import hmac
import http.server
import json
import threading
from dataclasses import dataclass, field


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def frame(self) -> dict:
        return json.loads(self.body)


def verify(secret: str, headers: dict, body: bytes, *, now: float, tolerance: int = 300) -> bool:
    """The README's receiver check: the signature over "<timestamp>.<body>", and a timestamp
    no older than five minutes (a replayed delivery is refused)."""
    parts = dict(item.split("=", 1) for item in headers["X-Crossroads-Signature"].split(","))
    timestamp = int(parts["t"])
    if abs(now - timestamp) > tolerance or str(timestamp) != headers["X-Crossroads-Timestamp"]:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


@dataclass
class Receiver:
    server: http.server.ThreadingHTTPServer
    requests: list = field(default_factory=list)
    statuses: list = field(default_factory=list)
    connections: int = 0

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def start_receiver() -> Receiver:
    receiver: Receiver

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            receiver.requests.append(Received(self.path, dict(self.headers), body))
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/final")
                self.end_headers()
                return
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            answer = b"ok" if status < 300 else b"broken " * 100
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def finish_request(self, request, client_address):
            receiver.connections += 1
            super().finish_request(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    receiver = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
