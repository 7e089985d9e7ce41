"""The webhook channel: Standard Webhooks signatures, the JSON body, the endpoint rules, one POST.

Why Standard Webhooks (https://www.standardwebhooks.com/): customers verify with an off-the-shelf
library in any language instead of reading our own scheme; the id header lets them drop a retry
they already processed. The format is documented, with a worked example, in docs/notifications.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from art28.notify.models import Message, WebhookEndpoint

SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix Standard Webhooks gives secrets, not a secret)
TIMEOUT_SECONDS = 10
USER_AGENT = "art28-webhooks/1"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


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


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_url_problem(url: str, *, resolve: bool = True) -> str | None:
    """Why ``url`` may not receive webhooks, or None.

    A customer chooses the URL and art28 POSTs to it from inside the provider's network: an address
    that is not public (10/8, 169.254.169.254 …) would let a customer probe or hit internal services.
    So: https to a host whose every address is public; http and loopback only when
    ART28_WEBHOOK_ALLOW_LOOPBACK is on (tests and local demos).
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return "The URL needs a host name."
    if parts.username or parts.password:
        return "The URL must not contain a user name or password; authenticate with the signature."
    loopback_ok = settings.ART28_WEBHOOK_ALLOW_LOOPBACK and _is_loopback(host)
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback_ok):
        return "The URL must start with https://."
    if loopback_ok or not resolve:
        return None
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return f"The host {host} cannot be resolved."
    for address in addresses:
        if not ipaddress.ip_address(str(address).split("%")[0]).is_global:
            return f"The host {host} resolves to a non-public address ({address})."
    return None


def validate_endpoint_url(url: str) -> None:
    if len(url) > 500:
        raise ValidationError({"url": "The URL is longer than 500 characters."})
    if (problem := endpoint_url_problem(url)) is not None:
        raise ValidationError({"url": problem})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is not a delivery: it would turn the POST into a GET, or send the body elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass(frozen=True)
class PostOutcome:
    ok: bool
    detail: str


def post(endpoint: WebhookEndpoint, *, msg_id: str, body: str) -> PostOutcome:
    """One signed POST; 2xx is delivered, anything else (status, timeout, refusal) is a failure to retry."""
    if (problem := endpoint_url_problem(endpoint.url)) is not None:
        return PostOutcome(False, f"refused to send: {problem}")
    timestamp = int(timezone.now().timestamp())
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above: https, or loopback http)
        endpoint.url,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature_header(endpoint, msg_id, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return PostOutcome(200 <= response.status < 300, f"HTTP {response.status}")
    except urllib.error.HTTPError as exc:
        snippet = exc.read(200).decode(errors="replace").strip()
        return PostOutcome(False, f"HTTP {exc.code}" + (f": {snippet}" if snippet else ""))
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        return PostOutcome(False, f"{type(reason).__name__}: {reason}")
