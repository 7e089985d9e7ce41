"""The customer's inbox page reads like a letter from the provider: the notice rendered (headings, lists),
who sent it, when, and what kind of notice it is in words; no topic code, no message id, no ``==``."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from art28.notify.models import Message
from art28.notify.services import Draft, messages_create

pytestmark = pytest.mark.django_db

BODY = """Dear {name},

== What happened ==
A backup tape was lost.

== Nature of the breach ==
- Confidentiality
- Availability
"""


def _visible(html: str) -> str:
    """The page's text as a reader sees it (no tags, hence no attribute values such as form URLs)."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def notice_a(org_a) -> Message:
    with transaction.atomic():
        messages_create(
            topic="breach.notice",
            drafts=[
                Draft(
                    organisation=org_a,
                    subject="Example: personal data breach INC-1, first notice",
                    body_text=BODY.format(name="<script>alert(1)</script>"),
                    language="en",
                )
            ],
            source_type="breaches.notice",
            source_id=1,
            requires_ack=True,
        )
    return Message.objects.get(organisation=org_a)


def test_the_message_page_renders_the_notice_and_hides_codes(client_a, notice_a, settings):
    settings.ART28_PROVIDER_NAME = "Example Hosting SA"
    page = client_a.get(f"/portal/inbox/{notice_a.public_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.text
    assert "<h2>What happened</h2>" in html
    assert "<ul><li>Confidentiality</li><li>Availability</li></ul>" in html
    assert "==" not in _visible(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    text = _visible(html)
    assert str(notice_a.public_id) not in text and notice_a.public_id.hex not in text
    assert "breach.notice" not in html
    assert "Example Hosting SA" in text
    assert "Personal data breach notice" in text


def test_the_inbox_list_names_the_kind_in_words(client_a, notice_a):
    page = client_a.get("/portal/inbox/")
    assert "Personal data breach notice" in page.text
    assert "breach.notice" not in page.text


def test_every_domain_topic_has_words():
    from art28.breaches.sending import TOPIC as BREACH
    from art28.dpo.services import TOPIC_FORWARDED
    from art28.legal.notices import TOPIC as LEGAL
    from art28.notify.topics import TOPIC_LABELS
    from art28.subprocessors.notices import TOPIC as CHANGE
    from art28.subprocessors.notices import TOPIC_WITHDRAWN

    assert {BREACH, TOPIC_FORWARDED, LEGAL, CHANGE, TOPIC_WITHDRAWN} <= set(TOPIC_LABELS)
