"""Real peers for the outbox: an aiosmtpd server and an HTTP webhook receiver, both on 127.0.0.1."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from art28.core.models import Organisation
from art28.notify.services import Draft, messages_create


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    peer: tuple[str, int]


@dataclass
class SmtpSink:
    """Collects every message an SMTP client hands over; ``delay`` slows each DATA (seconds)."""

    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, session.peer))
        return "250 2.0.0 Ok: queued as TEST"

    @property
    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(r.message["Message-ID"]) for r in self.received]

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)


class SmtpServer:
    """An aiosmtpd server that can be started and stopped on a fixed port (to test "server down")."""

    def __init__(self, port: int, sink: SmtpSink) -> None:
        self.port, self.sink = port, sink
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.sink.received


def point_mailer_at(settings: Any, port: int) -> None:
    """Django's test runner swaps MAILERS for the in-memory backend; these tests want a real SMTP peer."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def smtp_down(settings) -> Iterator[SmtpServer]:
    """A mailer pointing at a port where nothing listens yet; ``.start()`` brings the server up."""
    port = free_port()
    point_mailer_at(settings, port)
    server = SmtpServer(port, SmtpSink())
    yield server
    server.stop()


@pytest.fixture
def smtp_server(smtp_down: SmtpServer) -> SmtpServer:
    smtp_down.start()
    return smtp_down


@dataclass
class WebhookRequest:
    path: str
    headers: dict[str, str]
    body: str

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that records each POST (header names lower-cased) and answers
    ``status`` (after ``delay`` s)."""

    def __init__(self) -> None:
        self.requests: list[WebhookRequest] = []
        self.status = 204
        self.delay = 0.0
        self.location = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append(WebhookRequest(self.path, headers, body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/art28"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_receiver(settings) -> Iterator[WebhookReceiver]:
    settings.ART28_WEBHOOK_ALLOW_LOOPBACK = True
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def send_notice() -> Callable[..., int]:
    """Write one notice to each organisation, as a domain app would, inside its transaction."""
    from django.db import transaction

    def send(*organisations: Organisation, requires_ack: bool = True, topic: str = "breach.notice") -> int:
        with transaction.atomic():
            return messages_create(
                topic=topic,
                drafts=[
                    Draft(
                        organisation=org,
                        subject=f"Personal data breach affecting {org.name}",
                        body_text=f"Dear {org.name},\nwe inform you of a personal data breach.\n",
                        language=org.language,
                        payload={"incident": "INC-1", "phase": "initial"},
                    )
                    for org in organisations
                ],
                source_type="breaches.notice",
                source_id=1,
                requires_ack=requires_ack,
            )

    return send
