"""Real peers for the outbox: an aiosmtpd server and an HTTP(S) webhook receiver on the loopback interface,
a certificate authority for the HTTPS receivers, and a DNS whose answers a test writes."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

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


class _ReceiverServer(ThreadingHTTPServer):
    """With ``tls`` set, the TLS handshake runs in the request's thread, so one bad client blocks nothing."""

    daemon_threads = True
    tls: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(5)
        try:
            wrapped = self.tls.wrap_socket(request, server_side=True)
        except OSError:
            return  # the client refused our certificate: no request to record
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class WebhookReceiver:
    """An HTTP server (on 127.0.0.1 unless ``host`` says otherwise, HTTPS with ``tls``) that records each
    POST (header names lower-cased) and the TLS server name (SNI) each client asked for, and answers
    ``status`` (after ``delay`` s)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[WebhookRequest] = []
        self.server_names: list[str | None] = []
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

        if tls is not None:
            tls.sni_callback = lambda _sock, name, _context: receiver.server_names.append(name)
        self.server = _ReceiverServer((host, port), Handler)
        self.server.tls = tls
        self.host, self.port = host, self.server.server_address[1]
        self.url = f"{'https' if tls else 'http'}://{host}:{self.port}/hooks/art28"
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


class LocalCA:
    """A certificate authority for the tests: server certificates for a host name, and a client TLS
    context that trusts only this CA and checks certificate and host name as the default context does."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "art28 tests CA")])
        self.cert = (
            self._builder(name, name, self.key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False),  # cert and CRL sign
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )
        self.ca_file = directory / "ca.pem"
        self.ca_file.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def _builder(self, subject: x509.Name, issuer: x509.Name, public_key: Any) -> x509.CertificateBuilder:
        now = datetime.now(UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        )

    def server_context(self, host_name: str) -> ssl.SSLContext:
        """A server context whose certificate names ``host_name`` only (no IP address)."""
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host_name)])
        cert = (
            self._builder(subject, self.cert.subject, key.public_key())
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host_name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        cert_file, key_file = self.directory / f"{host_name}.pem", self.directory / f"{host_name}.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


@pytest.fixture(scope="session")
def local_ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    return LocalCA(tmp_path_factory.mktemp("ca"))


_real_getaddrinfo = socket.getaddrinfo


@dataclass
class FakeDns:
    """The system resolver (``socket.getaddrinfo``, which art28 and every HTTP client call) answering for one
    host name: ``answers[n]`` to the n-th query, the last one to every later query; each query counted.
    Other names and address literals go to the real resolver."""

    name: str
    answers: list[list[str]] = field(default_factory=list)
    queries: int = 0

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if (host.decode() if isinstance(host, bytes) else host) != self.name:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        answer = self.answers[min(self.queries, len(self.answers) - 1)]
        self.queries += 1
        return [info for address in answer for info in _real_getaddrinfo(address, port, *args, **kwargs)]


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    dns = FakeDns("hooks.customer.test")
    monkeypatch.setattr(socket, "getaddrinfo", dns.getaddrinfo)
    return dns
