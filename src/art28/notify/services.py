"""Writes on the outbox. Domain apps call ``messages_create`` inside their own transaction (the one
that records the decision to send); the deliveries are then sent by the task worker after commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from art28.core.models import Organisation
from art28.notify.models import Channel, Delivery, Message, WebhookEndpoint


@dataclass
class Draft:
    """One message to write: to ``organisation``, in its language, about ``source``."""

    organisation: Organisation
    subject: str
    body_text: str
    language: str = "en"
    payload: dict[str, Any] = field(default_factory=dict)


def _email_recipients(organisation: Organisation) -> str:
    addresses = [organisation.privacy_email, organisation.security_email]
    return ",".join(dict.fromkeys(a for a in addresses if a))


def messages_create(
    *,
    topic: str,
    drafts: Iterable[Draft],
    source_type: str = "",
    source_id: int | None = None,
    requires_ack: bool = False,
    channels: Iterable[str] = (Channel.EMAIL, Channel.PORTAL, Channel.WEBHOOK),
) -> int:
    """Write the messages and one delivery per channel that the organisation can receive on.

    E-mail goes to the privacy and security contacts (one message, both addresses); the portal
    inbox always receives; a webhook only when the organisation configured an active endpoint.
    Set-based (bulk inserts), for fan-outs to thousands of customers. Must run inside the caller's
    transaction, which also writes the audit entry for the decision; the worker is woken after commit.
    Returns the number of deliveries created.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("messages_create must run inside the transaction that decides to send")
    wanted = set(channels)
    drafts = list(drafts)
    webhooks = (
        {
            w.organisation_id: w.url
            for w in WebhookEndpoint.objects.filter(
                organisation__in=[d.organisation for d in drafts], active=True
            ).only("organisation_id", "url")
        }
        if Channel.WEBHOOK in wanted
        else {}
    )
    messages = Message.objects.bulk_create(
        [
            Message(
                organisation=d.organisation,
                topic=topic,
                subject=d.subject,
                body_text=d.body_text,
                language=d.language,
                payload=d.payload,
                source_type=source_type,
                source_id=source_id,
                requires_ack=requires_ack,
            )
            for d in drafts
        ],
        batch_size=1000,
    )
    now = timezone.now()
    deliveries: list[Delivery] = []
    for message, draft in zip(messages, drafts, strict=True):
        org = draft.organisation
        if Channel.EMAIL in wanted and (recipients := _email_recipients(org)):
            deliveries.append(
                Delivery(message=message, channel=Channel.EMAIL, recipient=recipients, next_attempt_at=now)
            )
        if Channel.PORTAL in wanted:
            # The inbox is the message itself: delivered the moment it is committed.
            deliveries.append(Delivery(message=message, channel=Channel.PORTAL, status="sent", sent_at=now, attempts=1))
        if org.pk in webhooks:
            deliveries.append(
                Delivery(message=message, channel=Channel.WEBHOOK, recipient=webhooks[org.pk], next_attempt_at=now)
            )
    Delivery.objects.bulk_create(deliveries, batch_size=2000)
    transaction.on_commit(_wake_worker)
    return len(deliveries)


def _wake_worker() -> None:
    from art28.notify.tasks import drain_outbox

    drain_outbox.enqueue()
