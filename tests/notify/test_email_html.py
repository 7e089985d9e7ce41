"""A notice by e-mail: multipart/alternative with the plain text kept and an HTML part, received by a real
SMTP server (aiosmtpd). The HTML is the same notice through the same renderer as the portal, with inline
styles only and no remote images."""

from __future__ import annotations

import pytest
from django.db import transaction

from art28.notify.services import Draft, messages_create
from art28.notify.worker import deliver_due

pytestmark = pytest.mark.django_db

BODY = """Dear {customer},

We inform you of a personal data breach.

== What happened ==
A backup tape was lost.

== Nature of the breach ==
- Confidentiality
- Availability
"""


def _send(org, *, requires_ack: bool = True) -> None:
    with transaction.atomic():
        messages_create(
            topic="breach.notice",
            drafts=[
                Draft(
                    organisation=org,
                    subject="Personal data breach INC-1, first notice",
                    body_text=BODY.format(customer=org.name),
                    language=org.language,
                )
            ],
            source_type="breaches.notice",
            source_id=1,
            requires_ack=requires_ack,
        )


def test_a_notice_arrives_with_a_plain_text_and_an_html_part(smtp_server, make_org, settings):
    settings.ART28_PROVIDER_NAME = "Example Hosting SA"
    _send(make_org("ACME", name="Acme <script>alert(1)</script>", privacy_email="privacy@acme.example"))
    assert deliver_due() == 1

    message = smtp_server.received[0].message
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content()

    assert "==" not in plain
    assert "What happened\n-------------" in plain and "- Confidentiality" in plain
    assert "Dear Acme <script>alert(1)</script>," in plain  # plain text is text: nothing to escape

    assert "<h2" in html and ">What happened</h2>" in html
    assert ">Confidentiality</li>" in html and "<ul" in html
    assert "==" not in html
    assert "<script>" not in html and "Acme &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Example Hosting SA" in html
    assert "/notify/ack/" in html and "/notify/ack/" in plain
    assert "<link" not in html and "<img" not in html and "<style" not in html


def test_without_acknowledgement_the_html_has_no_ack_link(smtp_server, make_org):
    _send(make_org("ACME", privacy_email="privacy@acme.example"), requires_ack=False)
    deliver_due()
    html = smtp_server.received[0].message.get_body(("html",)).get_content()
    assert "/notify/ack/" not in html


def test_the_html_is_in_the_customers_language(smtp_server, make_org):
    _send(make_org("ACME", privacy_email="privacy@acme.example", language="de"))
    deliver_due()
    html = smtp_server.received[0].message.get_body(("html",)).get_content()
    assert '<html lang="de">' in html
