"""A local HTTP server that replays a NetBox capture (tests/inventory/netbox_captures/, scripts/capture-netbox).

It answers each request the capture recorded (path and query string) with the recorded body, the
absolute URLs in it pointing to this server instead of the captured NetBox. A request without the
expected ``Authorization`` header gets NetBox's recorded refusal (NetBox 4.7 answers 403 with "Invalid
v2 token", "Invalid v1 token" or "Authentication credentials were not provided."). Tests can make one
page fail (a status), be slow (a delay), or end the list early (its ``next`` set to null: a page goes
missing).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CAPTURES = Path(__file__).parent / "netbox_captures"


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    location: str = ""


@dataclass
class Replay:
    capture: Path
    authorization: str
    origin: str = ""
    page_size: int = 0
    captured_origin: bytes = b""
    answers: dict[str, Answer] = field(default_factory=dict)
    # NetBox's recorded refusals by what was sent: "v2" (Bearer), "v1" (Token), "none" (no header).
    refusals: dict[str, Answer] = field(default_factory=dict)
    # What tests change: path → (status, body); path → seconds; paths whose `next` is cut.
    failures: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    cut: set[str] = field(default_factory=set)
    redirects: dict[str, str] = field(default_factory=dict)  # path → Location of a 301
    seen: list[tuple[str, str]] = field(default_factory=list)  # (path, Authorization) of each request

    def load(self) -> None:
        meta = json.loads((self.capture / "capture.json").read_text("utf-8"))
        self.page_size = meta["page_size"]
        for request in meta["requests"]:
            answer = Answer(request["status"], request["content_type"], (self.capture / request["body"]).read_bytes())
            if "refusal" in request:
                self.refusals[request["refusal"]] = answer
            else:
                self.answers[request["path"]] = answer
        self.captured_origin = meta["origin"].encode()

    @property
    def list_paths(self) -> list[str]:
        """The recorded page paths (not /api/status/), in the order they were captured."""
        return [path for path in self.answers if not path.startswith("/api/status/")]

    def answer(self, path: str, authorization: str) -> Answer:
        self.seen.append((path, authorization))
        if path in self.delays:
            time.sleep(self.delays[path])
        if authorization != self.authorization:
            scheme = authorization.split(" ", 1)[0]
            return self.refusals[{"Bearer": "v2", "Token": "v1"}.get(scheme, "none")]
        if path in self.redirects:
            return Answer(301, "text/html", b"", location=self.redirects[path])
        if path in self.failures:
            status, body = self.failures[path]
            return Answer(status, "application/json", body)
        if path not in self.answers:
            return Answer(404, "application/json", b'{"detail": "Not found."}')
        recorded = self.answers[path]
        body = recorded.body.replace(self.captured_origin, self.origin.encode())
        if path in self.cut:
            page = json.loads(body)
            page["next"] = None
            body = json.dumps(page).encode()
        return Answer(recorded.status, recorded.content_type, body)


def serve(replay: Replay) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            answer = replay.answer(self.path, self.headers.get("Authorization", ""))
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                if answer.location:
                    self.send_header("Location", answer.location)
                self.end_headers()
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    replay.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
