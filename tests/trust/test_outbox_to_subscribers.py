"""The outbox sends to a public subscriber as to a customer: one message, exactly one recipient kind."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from art28.notify.models import Message, Subscriber

pytestmark = pytest.mark.django_db


def test_a_message_goes_to_an_organisation_or_a_subscriber_never_both_nor_neither(org_a):
    subscriber = Subscriber.objects.create(email="reader@example.org", token="t")
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(organisation=org_a, subscriber=subscriber, topic="x", subject="s", body_text="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(topic="x", subject="s", body_text="b")
    assert Message.objects.create(subscriber=subscriber, topic="x", subject="s", body_text="b").recipient_label == (
        "reader@example.org"
    )


def test_the_staff_outbox_shows_a_failing_subscriber_delivery(staff_client):
    from django.utils import timezone

    from art28.notify.models import Delivery

    subscriber = Subscriber.objects.create(email="reader@example.org", token="t")
    # As trust/receivers.py writes it: its source decides who on the staff may read it (core/access.py).
    message = Message.objects.create(
        subscriber=subscriber,
        topic="subprocessor.change",
        subject="s",
        body_text="b",
        source_type="subprocessors.change",
    )
    Delivery.objects.create(
        message=message, channel="email", recipient=subscriber.email, status="failed", next_attempt_at=timezone.now()
    )
    html = staff_client.get("/staff/outbox/").content.decode()
    assert "reader@example.org" in html and "public subscriber" in html


def test_an_acknowledgement_link_never_names_a_subscriber_message(client):
    from art28.notify.mail import ack_token

    subscriber = Subscriber.objects.create(email="reader@example.org", token="t")
    message = Message.objects.create(subscriber=subscriber, topic="x", subject="s", body_text="b")
    assert client.get(f"/notify/ack/{ack_token(message)}/").status_code == 404
