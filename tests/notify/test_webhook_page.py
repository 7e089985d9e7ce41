"""The customer's webhook settings in the portal: administrators set it up, the secret is shown once."""

from __future__ import annotations

import re

import pytest
from standardwebhooks import Webhook

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.notify.models import Channel, Delivery, WebhookEndpoint
from art28.notify.worker import deliver_due
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def secret_in(html: str) -> str:
    match = re.search(r'value="(whsec_[A-Za-z0-9+/=]+)"', html)
    assert match, "no secret on the page"
    return match.group(1)


def test_an_administrator_creates_the_endpoint_and_sees_the_secret_once(client_a, org_a, webhook_receiver):
    response = client_a.post("/portal/webhook/", {"action": "save", "url": webhook_receiver.url})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = secret_in(response.text)
    endpoint = WebhookEndpoint.objects.get(organisation=org_a)
    assert endpoint.secret == secret and endpoint.url == webhook_receiver.url
    again = client_a.get("/portal/webhook/")
    assert secret not in again.text
    assert endpoint.secret_hint in again.text
    entry = AuditEntry.objects.get(action="notify.webhook.create")
    assert secret not in str(entry.after)  # the audit trail keeps a hint, never the secret


def test_a_bad_url_is_refused_with_the_reason(client_a, settings):
    settings.ART28_WEBHOOK_ALLOW_LOOPBACK = False
    response = client_a.post("/portal/webhook/", {"action": "save", "url": "http://hooks.example.com/x"})
    assert response.status_code == 400
    assert "must start with https://" in response.text
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://[64:ff9b::a9fe:a9fe]/", "169.254.169.254"),  # NAT64 (RFC 6052) to the cloud metadata service
        ("https://[::ffff:0:7f00:1]/", "127.0.0.1"),  # IPv4-translated (RFC 2765) loopback
        ("https://hooks.example.com:99999/x", "port"),  # out of range: a 500 before
    ],
)
def test_a_hostile_url_is_refused_with_the_reason_and_nothing_is_saved(client_a, settings, url, reason):
    settings.ART28_WEBHOOK_ALLOW_LOOPBACK = False
    response = client_a.post("/portal/webhook/", {"action": "save", "url": url})
    assert response.status_code == 400
    assert reason in response.text
    assert not WebhookEndpoint.objects.exists()


def test_the_test_event_arrives_signed(client_a, org_a, webhook_receiver):
    secret = secret_in(client_a.post("/portal/webhook/", {"action": "save", "url": webhook_receiver.url}).text)
    assert client_a.post("/portal/webhook/", {"action": "test"}).status_code == 302
    deliver_due()
    [request] = webhook_receiver.requests
    event = Webhook(secret).verify(request.body, request.headers)
    assert event["type"] == "webhook.test"
    assert event["data"]["organisation"] == "ACME"
    assert AuditEntry.objects.filter(action="notify.webhook.test", organisation_id=org_a.pk).exists()
    page = client_a.get("/portal/webhook/")
    assert "delivered" in page.text
    assert Delivery.objects.get(channel=Channel.WEBHOOK).external_id in page.text


def test_rotating_shows_a_new_secret(client_a, org_a, webhook_receiver):
    first = secret_in(client_a.post("/portal/webhook/", {"action": "save", "url": webhook_receiver.url}).text)
    second = secret_in(client_a.post("/portal/webhook/", {"action": "rotate"}).text)
    assert first != second
    assert WebhookEndpoint.objects.get(organisation=org_a).previous_secret == first


def test_removing_the_endpoint_gives_up_its_pending_deliveries(client_a, org_a, webhook_receiver, send_notice):
    client_a.post("/portal/webhook/", {"action": "save", "url": webhook_receiver.url})
    send_notice(org_a)
    client_a.post("/portal/webhook/", {"action": "delete"})
    assert not WebhookEndpoint.objects.exists()
    deliver_due()
    delivery = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert delivery.status == "dead"
    assert "no active webhook endpoint" in delivery.last_error
    assert webhook_receiver.requests == []


def test_a_viewer_sees_but_cannot_change(make_user, org_b, webhook_receiver):
    viewer = logged_in(make_user("bob@beta.example", Role.CUSTOMER_VIEWER, org_b))
    assert viewer.get("/portal/webhook/").status_code == 200
    assert viewer.post("/portal/webhook/", {"action": "save", "url": webhook_receiver.url}).status_code == 403
    assert not WebhookEndpoint.objects.exists()
