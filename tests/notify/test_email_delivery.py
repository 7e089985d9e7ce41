"""The e-mail channel end to end: messages_create → the worker → a real SMTP server (aiosmtpd).

GDPR Art. 33(2) / nFADP Art. 24(3): the processor notifies the controller without undue delay; the
provider must be able to show what was sent, to whom, when, and that the relay accepted it.
"""

from __future__ import annotations

import re

import pytest

from art28.notify.models import Channel, Delivery, DeliveryAttempt, DeliveryStatus, Message
from art28.notify.worker import deliver_due

pytestmark = pytest.mark.django_db


def test_a_breach_notice_reaches_the_privacy_and_security_contacts(smtp_server, make_org, send_notice):
    org = make_org("ACME", name="Acme Sàrl", privacy_email="privacy@acme.example", security_email="sec@acme.example")
    send_notice(org)

    assert deliver_due() == 1

    [received] = smtp_server.received
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert sorted(received.rcpt_tos) == ["privacy@acme.example", "sec@acme.example"]
    assert received.message["To"] == "privacy@acme.example, sec@acme.example"
    assert received.message["Subject"] == "Personal data breach affecting Acme Sàrl"
    assert received.message["Message-ID"] == f"<{delivery.external_id}>"
    assert received.message["X-Art28-Topic"] == "breach.notice"
    assert received.message["Auto-Submitted"] == "auto-generated"
    assert received.mail_from == "art28@localhost"
    assert "we inform you of a personal data breach" in received.message.get_body(("plain",)).get_content()


def test_the_message_id_is_the_deliverys_deterministic_external_id(smtp_server, make_org, send_notice, settings):
    settings.ART28_MAIL_DOMAIN = "notices.example-hosting.ch"
    send_notice(make_org("ACME", privacy_email="privacy@acme.example"))
    deliver_due()
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert smtp_server.received[0].message["Message-ID"] == f"<{delivery.public_id}@notices.example-hosting.ch>"


def test_the_mail_carries_a_signed_acknowledgement_link_when_receipt_must_be_acknowledged(
    smtp_server, make_org, send_notice, client, settings
):
    settings.ART28_BASE_URL = "https://art28.example-hosting.ch"
    send_notice(make_org("ACME", privacy_email="privacy@acme.example"), requires_ack=True)
    deliver_due()
    text = smtp_server.received[0].message.get_body(("plain",)).get_content()
    match = re.search(r"https://art28\.example-hosting\.ch(/notify/ack/[^/\s]+/)", text)
    assert match, text
    page = client.get(match.group(1))
    assert page.status_code == 200
    assert "Personal data breach affecting" in page.text


def test_no_acknowledgement_link_when_none_is_asked_for(smtp_server, make_org, send_notice):
    send_notice(make_org("ACME", privacy_email="privacy@acme.example"), requires_ack=False)
    deliver_due()
    assert "/notify/ack/" not in smtp_server.received[0].message.get_body(("plain",)).get_content()


def test_each_attempt_is_recorded_with_the_servers_reply(smtp_server, make_org, send_notice):
    send_notice(make_org("ACME", privacy_email="privacy@acme.example"))
    deliver_due()
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.sent_at is not None
    assert delivery.attempts == 1
    [attempt] = DeliveryAttempt.objects.filter(delivery=delivery)
    assert attempt.ok
    assert attempt.detail == "250 2.0.0 Ok: queued as TEST"
    assert attempt.started_at <= attempt.finished_at


def test_a_fan_out_goes_over_one_smtp_connection(smtp_server, make_org, send_notice):
    orgs = [make_org(f"C{i}", privacy_email=f"dpo@c{i}.example") for i in range(25)]
    send_notice(*orgs)
    assert deliver_due() == 25
    assert len(smtp_server.received) == 25
    assert len({r.peer for r in smtp_server.received}) == 1


def test_an_organisation_without_contacts_gets_no_mail_but_the_portal_message(smtp_server, make_org, send_notice):
    org = make_org("QUIET")
    send_notice(org)
    assert deliver_due() == 0
    assert smtp_server.received == []
    assert list(Delivery.objects.values_list("channel", "status")) == [("portal", "sent")]
    assert Message.objects.filter(organisation=org).count() == 1


def test_the_notice_is_in_the_customers_inbox_at_once(make_org, make_user, send_notice):
    from art28.core.roles import Role
    from tests.conftest import logged_in

    org = make_org("ACME", privacy_email="privacy@acme.example")
    send_notice(org)
    page = logged_in(make_user("alice@acme.example", Role.CUSTOMER_ADMIN, org)).get("/portal/inbox/")
    assert page.status_code == 200
    assert "Personal data breach affecting" in page.text
