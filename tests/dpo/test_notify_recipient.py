"""The outbox extension the DPO desk needs: a message to a bare address, still exactly one recipient."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from art28.notify.models import Message
from art28.notify.services import message_to_address_create
from art28.notify.worker import deliver_due

pytestmark = pytest.mark.django_db


def test_a_message_has_exactly_one_recipient(org_a):
    for recipients in ({}, {"organisation": org_a, "to_address": "x@example.net"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Message.objects.create(topic="t", subject="s", body_text="b", **recipients)


def test_a_message_to_an_address_is_mailed_to_that_address_only(smtp_server):
    with transaction.atomic():
        message = message_to_address_create(
            topic="dpo.requester", address="someone@example.net", subject="Hello", body_text="Body"
        )
    assert message.recipient_label == "someone@example.net"
    assert [d.channel for d in message.deliveries.all()] == ["email"]
    assert deliver_due() == 1
    smtp_server.sink.wait_for(1)
    assert smtp_server.received[0].rcpt_tos == ["someone@example.net"]
