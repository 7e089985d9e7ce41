"""The webhook channel: Standard Webhooks signatures, the JSON body, the endpoint rules, one POST.

Why Standard Webhooks (https://www.standardwebhooks.com/): customers verify with an off-the-shelf
library in any language instead of reading our own scheme; the id header lets them drop a retry
they already processed. The format is documented, with a worked example, in docs/notifications.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from art28.notify import addresses
from art28.notify.models import Message, WebhookEndpoint

SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix Standard Webhooks gives secrets, not a secret)
TIMEOUT_SECONDS = 10
USER_AGENT = "art28-webhooks/1"
# A host with many addresses is tried on at most this many (each with the timeout), so that a customer's
# DNS cannot hold a worker for minutes; all of them are checked.
MAX_ADDRESSES_TRIED = 3


def secret_generate() -> str:
    """``whsec_`` + base64 of 32 random bytes (the spec asks for 24 to 64 bytes)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """``v1,`` + base64(HMAC-SHA256(key = the secret's bytes, msg = "{id}.{timestamp}.{body}"))."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(endpoint: WebhookEndpoint, msg_id: str, timestamp: int, body: str) -> str:
    """Space-separated signatures: the current secret, and the previous one while a rotation is young."""
    signatures = [sign(endpoint.secret, msg_id, timestamp, body)]
    if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > timezone.now():
        signatures.append(sign(endpoint.previous_secret, msg_id, timestamp, body))
    return " ".join(signatures)


def event_body(message: Message) -> str:
    """The JSON body: identical on every attempt (the timestamp is the message's, not the attempt's),
    so a receiver that stores bodies by ``webhook-id`` sees a retry as the very same event."""
    data = dict(message.payload) | {
        "message_id": str(message.public_id),
        "subject": message.subject,
        "organisation": message.organisation.ref if message.organisation is not None else None,
        "language": message.language,
        "requires_ack": message.requires_ack,
        "url": settings.ART28_BASE_URL.rstrip("/")
        + reverse("portal:inbox_message", kwargs={"public_id": message.public_id}),
    }
    event = {
        "type": message.topic,
        "timestamp": message.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"), default=str)


def _names_the_machine(host: str) -> bool:
    """``localhost`` or a loopback literal: the only hosts ART28_WEBHOOK_ALLOW_LOOPBACK lets through."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class EndpointRefused(ValueError):
    """art28 will not send to this URL; the message says why, for the customer."""


@dataclass(frozen=True)
class Target:
    """Where one attempt goes: the URL's parts, and the addresses its host resolved to, every one checked."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[addresses.IPAddress, ...]


def resolve(host: str, port: int) -> list[addresses.IPAddress]:
    """The host's addresses (A and AAAA) in the system resolver's order, once each. A name or a literal
    (``127.1`` and ``2130706433`` are 127.0.0.1 too: the resolver decides, and its answer is checked)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0])) for info in infos))


def endpoint_target(url: str) -> Target:
    """Check ``url`` and resolve its host, once; raises EndpointRefused.

    A customer chooses the URL and art28 POSTs to it from inside the provider's network: an address
    that is not public (10/8, 169.254.169.254, 127.0.0.1 written as ``[64:ff9b::7f00:1]`` …) would let a
    customer probe or hit internal services. So: https to a host whose every address is public
    (addresses.non_public_reason); http and loopback only when ART28_WEBHOOK_ALLOW_LOOPBACK is on and the
    URL names the machine itself (tests and local demos).
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise EndpointRefused("The URL needs a host name.")
    if parts.username or parts.password:
        raise EndpointRefused("The URL must not contain a user name or password; authenticate with the signature.")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise EndpointRefused("The URL's port must be a number from 1 to 65535.")
    loopback_ok = settings.ART28_WEBHOOK_ALLOW_LOOPBACK and _names_the_machine(host)
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback_ok):
        raise EndpointRefused("The URL must start with https://.")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        resolved = resolve(host, port)
    except (OSError, UnicodeError, ValueError):
        resolved = []
    if not resolved:
        raise EndpointRefused(f"The host {host} cannot be resolved.")
    for address in resolved:
        if loopback_ok and address.is_loopback:
            continue
        if (reason := addresses.non_public_reason(address)) is not None:
            raise EndpointRefused(f"The host {host} resolves to a non-public address ({address}: {reason}).")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, tuple(resolved))


def endpoint_url_problem(url: str) -> str | None:
    """Why ``url`` may not receive webhooks (resolving its host now), or None."""
    try:
        endpoint_target(url)
    except EndpointRefused as exc:
        return str(exc)
    return None


def validate_endpoint_url(url: str) -> None:
    if len(url) > 500:
        raise ValidationError({"url": "The URL is longer than 500 characters."})
    if (problem := endpoint_url_problem(url)) is not None:
        raise ValidationError({"url": problem})


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The system's trust store, the certificate and its host name checked (built once: loading is slow)."""
    return ssl.create_default_context()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to ``address``, the one that was checked for this attempt, never to a second answer of
    the resolver; the Host header stays the URL's host (http.client writes it from ``self.host``)."""

    def __init__(self, host: str, port: int, *, address: addresses.IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """The same over TLS: SNI and the certificate's check are the URL's host name, not the address."""

    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        super().connect()
        self.sock = tls_context().wrap_socket(self.sock, server_hostname=self.host)


def _exchange(target: Target, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST ``body`` to the first checked address that accepts a connection (as the system's
    ``create_connection`` would, but at most MAX_ADDRESSES_TRIED of them, each with the timeout); the
    answer's status, and the start of its body when it is not 2xx. No redirect is followed: http.client
    returns a 3xx as it is, and a 3xx is not a delivery (it would send the event to an unchecked place)."""
    pinned = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    failure: OSError = OSError("no address to connect to")
    for address in target.addresses[:MAX_ADDRESSES_TRIED]:
        connection = pinned(target.host, target.port, address=address, timeout=TIMEOUT_SECONDS)
        try:
            try:
                connection.connect()
            except OSError as exc:
                failure = exc  # nothing was sent yet: the next checked address may answer
                continue
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            ok = 200 <= response.status < 300
            return response.status, "" if ok else response.read(200).decode(errors="replace").strip()
        finally:
            connection.close()
    raise failure


@dataclass(frozen=True)
class PostOutcome:
    ok: bool
    detail: str


def post(endpoint: WebhookEndpoint, *, msg_id: str, body: str) -> PostOutcome:
    """One signed POST; 2xx is delivered, anything else (status, redirect, timeout, refusal) is a failure to retry.

    The host is resolved once per attempt, here, every address checked, and the connection goes to a
    checked address with Host, TLS SNI and the certificate check as the URL's name: a DNS answer that
    changes between the check and the connection (DNS rebinding) never reaches an unchecked address.
    """
    try:
        target = endpoint_target(endpoint.url)
    except EndpointRefused as exc:
        return PostOutcome(False, f"refused to send: {exc}")
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(endpoint, msg_id, timestamp, body),
    }
    try:
        status, snippet = _exchange(target, body.encode(), headers)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return PostOutcome(False, f"{type(exc).__name__}: {exc}")
    if 200 <= status < 300:
        return PostOutcome(True, f"HTTP {status}")
    return PostOutcome(False, f"HTTP {status}" + (f": {snippet}" if snippet else ""))
