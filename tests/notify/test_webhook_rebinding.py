"""Webhook SSRF by DNS rebinding: the host is resolved once per attempt, every address is checked, and the
POST goes to a checked address, with Host, TLS SNI and the certificate check as the URL's name.

Before this change art28 checked the addresses of the name, then urllib resolved the name again to connect:
a DNS that answers a public address to the first query and 127.0.0.1 to the second reached 127.0.0.1.

The set-up, so that the test is honest on one machine without a public address:
- The DNS is the system resolver (``socket.getaddrinfo``, called by art28 and by any HTTP client alike),
  answering for ``hooks.customer.test`` what each test writes; every query is counted.
- Two HTTPS listeners on the same port, each with a certificate for ``hooks.customer.test`` only: the
  customer's server on 127.0.0.2, which the address check is told to take for a public address (the one
  change to the rules, so that a checked address can be reached here), and an internal service on
  127.0.0.1, which the real rules judge (loopback). A request that reaches 127.0.0.1 is the SSRF.
- ``ART28_WEBHOOK_ALLOW_LOOPBACK`` is off, and TLS trusts the tests' own CA and checks the host name.
"""

from __future__ import annotations

from ipaddress import ip_address

import pytest
from standardwebhooks import Webhook

from art28.notify import addresses, webhooks
from art28.notify.models import Channel, Delivery, DeliveryStatus
from art28.notify.services import webhook_endpoint_save
from art28.notify.worker import deliver_due
from tests.conftest import TEST_ACTOR
from tests.notify.conftest import WebhookReceiver

pytestmark = pytest.mark.django_db

NAME = "hooks.customer.test"
CUSTOMER = "127.0.0.2"  # stands in for the customer's public address
CUSTOMER_SPARE = "127.0.0.3"  # a second "public" address of the customer, where nothing listens
INTERNAL = "127.0.0.1"


@pytest.fixture
def listeners(local_ca):
    """The customer's server on 127.0.0.2 and an internal service on 127.0.0.1, on one port."""
    for _ in range(20):
        customer = WebhookReceiver(CUSTOMER, tls=local_ca.server_context(NAME))
        try:
            internal = WebhookReceiver(INTERNAL, customer.port, tls=local_ca.server_context(NAME))
        except OSError:  # that port is taken on 127.0.0.1: another one
            customer.close()
            continue
        break
    else:
        pytest.fail("no port free on both 127.0.0.1 and 127.0.0.2")
    yield customer, internal
    customer.close()
    internal.close()


@pytest.fixture
def hooked(settings, monkeypatch, local_ca, fake_dns, listeners, org_a):
    """An endpoint https://hooks.customer.test:<port>/hooks/art28, saved while the DNS answered 127.0.0.2."""
    settings.ART28_WEBHOOK_ALLOW_LOOPBACK = False
    monkeypatch.setattr(webhooks, "tls_context", local_ca.client_context)
    real_rules = addresses.non_public_reason
    stand_ins = {ip_address(CUSTOMER), ip_address(CUSTOMER_SPARE)}
    monkeypatch.setattr(addresses, "non_public_reason", lambda a: None if a in stand_ins else real_rules(a))
    customer, _internal = listeners
    fake_dns.answers = [[CUSTOMER]]
    _endpoint, secret = webhook_endpoint_save(
        actor=TEST_ACTOR, organisation=org_a, url=f"https://{NAME}:{customer.port}/hooks/art28"
    )
    fake_dns.queries = 0
    return secret


def webhook_delivery() -> Delivery:
    return Delivery.objects.get(channel=Channel.WEBHOOK)


def test_a_second_dns_answer_is_never_used_the_post_goes_to_the_checked_address(
    hooked, fake_dns, listeners, org_a, send_notice
):
    customer, internal = listeners
    fake_dns.answers = [[CUSTOMER], [INTERNAL]]  # public to the first query, loopback to any later one
    send_notice(org_a)
    deliver_due()

    assert internal.requests == [] and internal.server_names == []
    [request] = customer.requests
    assert fake_dns.queries == 1  # resolved once for the attempt; the second answer was never asked for
    assert request.headers["host"] == f"{NAME}:{customer.port}"  # Host is the name, not the address
    assert customer.server_names == [NAME]  # so is TLS SNI, and the certificate (for the name only) verified
    Webhook(hooked).verify(request.body, request.headers)
    assert webhook_delivery().status == DeliveryStatus.SENT


def test_each_attempt_resolves_again_and_a_rebound_answer_is_refused(hooked, fake_dns, listeners, org_a, send_notice):
    customer, internal = listeners
    customer.status = 503
    fake_dns.answers = [[CUSTOMER], [INTERNAL]]
    send_notice(org_a)
    deliver_due()
    assert webhook_delivery().status == DeliveryStatus.FAILED and len(customer.requests) == 1

    deliver_due(now=webhook_delivery().next_attempt_at)  # the retry: the DNS now answers 127.0.0.1

    delivery = webhook_delivery()
    assert fake_dns.queries == 2
    assert delivery.attempts == 2 and delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith("refused to send: The host hooks.customer.test resolves to a non-public")
    assert "127.0.0.1: loopback" in delivery.last_error
    assert internal.requests == [] and internal.server_names == []
    assert len(customer.requests) == 1


def test_every_address_of_an_answer_is_checked(hooked, fake_dns, listeners, org_a, send_notice):
    customer, internal = listeners
    fake_dns.answers = [[CUSTOMER, INTERNAL]]
    send_notice(org_a)
    deliver_due()
    assert "(127.0.0.1: loopback" in webhook_delivery().last_error
    assert customer.requests == [] and internal.requests == []


def test_when_the_first_checked_address_refuses_the_next_checked_one_is_tried(
    hooked, fake_dns, listeners, org_a, send_notice
):
    customer, internal = listeners
    fake_dns.answers = [[CUSTOMER_SPARE, CUSTOMER], [INTERNAL]]
    send_notice(org_a)
    deliver_due()
    assert len(customer.requests) == 1 and internal.requests == []
    assert fake_dns.queries == 1
    assert webhook_delivery().status == DeliveryStatus.SENT


def test_a_redirect_to_an_internal_address_is_not_followed(hooked, fake_dns, listeners, org_a, send_notice):
    customer, internal = listeners
    customer.status, customer.location = 307, f"https://{INTERNAL}:{internal.port}/latest/meta-data"
    fake_dns.answers = [[CUSTOMER]]
    send_notice(org_a)
    deliver_due()
    assert webhook_delivery().last_error == "HTTP 307"
    assert len(customer.requests) == 1 and internal.requests == []


def test_the_certificate_is_checked_against_the_urls_name(
    hooked, fake_dns, listeners, local_ca, org_a, send_notice, monkeypatch
):
    """A server whose certificate names another host gets no event (TLS is verified, not just encrypted)."""
    customer, _internal = listeners
    customer.server.tls = local_ca.server_context("other.customer.test")
    fake_dns.answers = [[CUSTOMER]]
    send_notice(org_a)
    deliver_due()
    assert customer.requests == []
    assert "SSLCertVerificationError" in webhook_delivery().last_error


def test_the_loopback_allowance_is_for_urls_that_name_the_machine_not_for_names_resolving_there(settings, fake_dns):
    """ART28_WEBHOOK_ALLOW_LOOPBACK (tests, demos) lets http://localhost through, never a customer's name
    whose DNS answers 127.0.0.1."""
    settings.ART28_WEBHOOK_ALLOW_LOOPBACK = True
    fake_dns.answers = [[INTERNAL]]
    assert webhooks.endpoint_url_problem("http://localhost:8080/hook") is None
    assert "https" in (webhooks.endpoint_url_problem(f"http://{NAME}/hook") or "")
    assert "127.0.0.1: loopback" in (webhooks.endpoint_url_problem(f"https://{NAME}/hook") or "")
