"""The webhook channel against a real HTTP server on 127.0.0.1, verified independently of art28's signer:
with the Standard Webhooks reference library and with a verifier written from the spec's text."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks import Webhook

from art28.notify import webhooks
from art28.notify.models import Channel, Delivery, DeliveryStatus
from art28.notify.services import webhook_endpoint_save, webhook_secret_rotate
from art28.notify.worker import deliver_due
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


def spec_verify(secret: str, headers: dict[str, str], body: str) -> bool:
    """standardwebhooks.com: signed content = "{webhook-id}.{webhook-timestamp}.{body}", HMAC-SHA256
    keyed with the base64-decoded part of the secret after "whsec_", sent as "v1,<base64>" (several
    space-separated signatures may be sent)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body}".encode()
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(sig.split(",", 1)[1], expected)
        for sig in headers["webhook-signature"].split(" ")
        if sig.startswith("v1,")
    )


@pytest.fixture
def hooked(webhook_receiver, org_a):
    endpoint, secret = webhook_endpoint_save(actor=TEST_ACTOR, organisation=org_a, url=webhook_receiver.url)
    return endpoint, secret


def test_a_notice_is_posted_signed_per_standard_webhooks(webhook_receiver, hooked, org_a, send_notice):
    _endpoint, secret = hooked
    send_notice(org_a)
    deliver_due()

    [request] = webhook_receiver.requests
    delivery = Delivery.objects.get(channel=Channel.WEBHOOK)
    headers = request.headers
    assert headers["webhook-id"] == delivery.external_id
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    assert headers["content-type"] == "application/json"
    assert spec_verify(secret, headers, request.body)
    event = Webhook(secret).verify(request.body, request.headers)
    assert event["type"] == "breach.notice"
    message = delivery.message
    assert event["data"] == {
        "incident": "INC-1",
        "phase": "initial",
        "message_id": str(message.public_id),
        "subject": message.subject,
        "organisation": "ACME",
        "language": "fr",
        "requires_ack": True,
        "url": f"http://127.0.0.1:8000/portal/inbox/{message.public_id}/",
    }
    assert event["timestamp"].endswith("Z")
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempt_log.get().detail == "HTTP 204"


def test_a_wrong_secret_does_not_verify(webhook_receiver, hooked, org_a, send_notice):
    send_notice(org_a)
    deliver_due()
    [request] = webhook_receiver.requests
    other = webhooks.secret_generate()
    assert not spec_verify(other, request.headers, request.body)


def test_a_non_2xx_answer_is_retried_with_the_same_id_and_body(webhook_receiver, hooked, org_a, send_notice):
    _endpoint, secret = hooked
    webhook_receiver.status = 503
    send_notice(org_a)
    t0 = timezone.now()
    deliver_due(now=t0)
    delivery = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "HTTP 503"

    webhook_receiver.status = 200
    deliver_due(now=t0 + dt.timedelta(minutes=1))
    first, second = webhook_receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.external_id
    assert first.body == second.body
    Webhook(secret).verify(second.body, second.headers)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2


def test_a_redirect_is_not_followed_and_counts_as_a_failure(webhook_receiver, hooked, org_a, send_notice):
    webhook_receiver.status, webhook_receiver.location = 302, "http://127.0.0.1:9/elsewhere"
    send_notice(org_a)
    deliver_due()
    assert len(webhook_receiver.requests) == 1
    assert Delivery.objects.get(channel=Channel.WEBHOOK).last_error.startswith("HTTP 302")


def test_a_slow_endpoint_times_out_and_is_retried(webhook_receiver, hooked, org_a, send_notice, monkeypatch):
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 0.3)
    webhook_receiver.delay = 1.0
    send_notice(org_a)
    deliver_due()
    delivery = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert delivery.status == DeliveryStatus.FAILED
    assert "timed out" in delivery.last_error.lower()


def test_after_a_rotation_both_secrets_verify_for_a_day(webhook_receiver, hooked, org_a, send_notice):
    endpoint, old_secret = hooked
    new_secret = webhook_secret_rotate(actor=TEST_ACTOR, endpoint=endpoint)
    assert new_secret != old_secret and new_secret.startswith("whsec_")
    send_notice(org_a)
    deliver_due()
    [request] = webhook_receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(new_secret).verify(request.body, request.headers)
    Webhook(old_secret).verify(request.body, request.headers)


def test_a_webhook_delivery_goes_to_the_endpoints_current_url(webhook_receiver, hooked, org_a, send_notice):
    send_notice(org_a)
    new_url = webhook_receiver.url.replace("/hooks/art28", "/hooks/v2")
    webhook_endpoint_save(actor=TEST_ACTOR, organisation=org_a, url=new_url)
    deliver_due()
    assert webhook_receiver.requests[0].path == "/hooks/v2"
    assert Delivery.objects.get(channel=Channel.WEBHOOK).recipient == new_url


def test_only_organisations_with_an_endpoint_get_a_webhook_delivery(hooked, org_a, org_b, send_notice):
    send_notice(org_a, org_b)
    assert Delivery.objects.filter(channel=Channel.WEBHOOK).count() == 1
    assert Delivery.objects.get(channel=Channel.WEBHOOK).message.organisation == org_a


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://hooks.example.com/x", "https"),
        ("https://user:pw@hooks.example.com/x", "user name or password"),
        ("https://10.1.2.3/hook", "non-public"),
        ("https://169.254.169.254/latest/meta-data", "non-public"),
        ("https://127.0.0.1/hook", "non-public"),
        ("ftp://hooks.example.com/x", "https"),
        ("https:///nohost", "host"),
        ("https://hooks.example.com:99999/x", "port"),  # was a ValueError, a 500 in the portal
        ("https://hooks.example.com:0/x", "port"),
    ],
)
def test_endpoints_must_be_public_https(settings, url, problem):
    settings.ART28_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError) as info:
        webhooks.validate_endpoint_url(url)
    assert problem in str(info.value)


def test_loopback_http_is_allowed_only_when_the_setting_says_so(settings):
    settings.ART28_WEBHOOK_ALLOW_LOOPBACK = True
    webhooks.validate_endpoint_url("http://127.0.0.1:8080/hook")
    webhooks.validate_endpoint_url("http://localhost:8080/hook")
    with pytest.raises(ValidationError):
        webhooks.validate_endpoint_url("http://10.0.0.1/hook")
    settings.ART28_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError):
        webhooks.validate_endpoint_url("http://127.0.0.1:8080/hook")


# The worked example of docs/notifications.md ("Verifying a signature"); keep the two in step.
DOCS_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
DOCS_ID = "0f5c3d7e-2a41-4a57-9b1e-6a0d8c1f9e21@art28.example.ch"
DOCS_TIMESTAMP = 1772442900
DOCS_BODY = (
    '{"type":"breach.notice","timestamp":"2026-03-02T09:15:00Z","data":{"incident":"INC-2026-007",'
    '"phase":"initial","message_id":"9b2f6c1e-7d43-4f0a-8e5b-2c6a1d9e4f70","subject":"Personal data breach: '
    'notice 1","organisation":"ACME","language":"en","requires_ack":true,"url":"https://art28.example.ch/portal'
    '/inbox/9b2f6c1e-7d43-4f0a-8e5b-2c6a1d9e4f70/"}}'
)
DOCS_SIGNATURE = "v1,qAZXARCGYuch0I6TSZrMpXgZFlW1r+oaKgm/W9llI+g="


def test_the_signature_matches_the_worked_example_in_the_docs():
    assert webhooks.sign(DOCS_SECRET, DOCS_ID, DOCS_TIMESTAMP, DOCS_BODY) == DOCS_SIGNATURE
    headers = {"webhook-id": DOCS_ID, "webhook-timestamp": str(DOCS_TIMESTAMP), "webhook-signature": DOCS_SIGNATURE}
    assert spec_verify(DOCS_SECRET, headers, DOCS_BODY)


def test_the_docs_worked_example_is_the_one_in_the_docs():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "notifications.md").read_text()
    for value in (DOCS_SECRET, DOCS_ID, str(DOCS_TIMESTAMP), DOCS_SIGNATURE, DOCS_BODY):
        assert value in text
