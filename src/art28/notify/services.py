"""Writes on the outbox. Domain apps call ``messages_create`` inside their own transaction (the one
that records the decision to send); the deliveries are then sent by the task worker after commit.

The acknowledgement writes are the provider's evidence that a controller received a breach notice
(GDPR Art. 33(2), nFADP Art. 24(3)): each is kept once, with its time and channel, in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from art28.core.audit import Actor, SystemActor, audit_record
from art28.core.models import Organisation, User
from art28.notify.models import Channel, ChannelPreference, Delivery, DeliveryStatus, Message, WebhookEndpoint
from art28.notify.webhooks import secret_generate, validate_endpoint_url

# A rotated-out webhook secret keeps signing (as a second signature) this long.
ROTATION_OVERLAP = dt.timedelta(hours=24)


@dataclass
class Draft:
    """One message to write: to ``organisation``, in its language, about ``source``."""

    organisation: Organisation
    subject: str
    body_text: str
    language: str = "en"
    payload: dict[str, Any] = field(default_factory=dict)


WEBHOOK_LOOKUP_CHUNK = 10_000

# Topics the law wants delivered on every channel, whatever the customer chose: the processor must tell
# the controller of a breach (GDPR Art. 33(2), nFADP Art. 24(3)); channel preferences never apply.
MANDATORY_TOPICS = frozenset({"breach.notice"})
# A topic whose channels follow another's preference (the withdrawal of a change follows the change).
PREFERENCE_TOPIC_OF = {"subprocessor.change-withdrawn": "subprocessor.change"}


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
    For a topic outside ``MANDATORY_TOPICS`` an organisation's ``ChannelPreference`` may turn e-mail or
    the webhook off (the portal inbox always receives).
    Set-based (bulk inserts), for fan-outs to thousands of customers. Must run inside the caller's
    transaction, which also writes the audit entry for the decision; the worker is woken after commit.
    Returns the number of deliveries created.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("messages_create must run inside the transaction that decides to send")
    wanted = set(channels)
    drafts = list(drafts)
    org_ids = [d.organisation.pk for d in drafts]
    muted = _muted_channels(org_ids, topic)
    webhooks = _webhook_urls(org_ids) if Channel.WEBHOOK in wanted else {}
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
        off = muted.get(org.pk, frozenset())
        if Channel.EMAIL in wanted and Channel.EMAIL not in off and (recipients := _email_recipients(org)):
            deliveries.append(
                Delivery(message=message, channel=Channel.EMAIL, recipient=recipients, next_attempt_at=now)
            )
        if Channel.PORTAL in wanted:
            # The inbox is the message itself: delivered the moment it is committed.
            deliveries.append(Delivery(message=message, channel=Channel.PORTAL, status="sent", sent_at=now, attempts=1))
        if org.pk in webhooks and Channel.WEBHOOK not in off:
            deliveries.append(
                Delivery(message=message, channel=Channel.WEBHOOK, recipient=webhooks[org.pk], next_attempt_at=now)
            )
    Delivery.objects.bulk_create(deliveries, batch_size=2000)
    transaction.on_commit(_wake_worker)
    return len(deliveries)


def message_to_address_create(
    *,
    topic: str,
    address: str,
    subject: str,
    body_text: str,
    language: str = "en",
    source_type: str = "",
    source_id: int | None = None,
) -> Message:
    """Write one e-mail message to a bare address (someone who is neither a customer nor a subscriber,
    e.g. a person who wrote to the DPO) and its delivery. Same rules as ``messages_create``: inside the
    caller's transaction, sent by the worker after commit."""
    if not connection.in_atomic_block:
        raise RuntimeError("message_to_address_create must run inside the transaction that decides to send")
    message = Message.objects.create(
        to_address=address,
        topic=topic,
        subject=subject,
        body_text=body_text,
        language=language,
        source_type=source_type,
        source_id=source_id,
    )
    Delivery.objects.create(message=message, channel=Channel.EMAIL, recipient=address, next_attempt_at=timezone.now())
    transaction.on_commit(_wake_worker)
    return message


def _muted_channels(organisation_ids: list[int], topic: str) -> dict[int, frozenset[str]]:
    """The channels each organisation turned off for ``topic`` (none for a mandatory topic)."""
    if topic in MANDATORY_TOPICS:
        return {}
    muted: dict[int, frozenset[str]] = {}
    for start in range(0, len(organisation_ids), WEBHOOK_LOOKUP_CHUNK):
        chunk = organisation_ids[start : start + WEBHOOK_LOOKUP_CHUNK]
        rows = ChannelPreference.objects.filter(
            organisation_id__in=chunk, topic=PREFERENCE_TOPIC_OF.get(topic, topic)
        ).values_list("organisation_id", "email", "webhook")
        for org_id, email, webhook in rows:
            off = {name for name, on in ((Channel.EMAIL, email), (Channel.WEBHOOK, webhook)) if not on}
            if off:
                muted[org_id] = frozenset(off)
    return muted


def _webhook_urls(organisation_ids: list[int]) -> dict[int, str]:
    """The active endpoints of these organisations, looked up in chunks (SQLite caps a query's
    parameters at 32,766, and a fan-out may reach 100,000 customers)."""
    urls: dict[int, str] = {}
    for start in range(0, len(organisation_ids), WEBHOOK_LOOKUP_CHUNK):
        chunk = organisation_ids[start : start + WEBHOOK_LOOKUP_CHUNK]
        endpoints = WebhookEndpoint.objects.filter(organisation_id__in=chunk, active=True)
        urls.update(endpoints.values_list("organisation_id", "url"))
    return urls


def _wake_worker() -> None:
    """One drain task per task worker (ART28_OUTBOX_DRAINS), so that N workers share a fan-out."""
    from art28.notify.tasks import drain_outbox

    for _ in range(max(settings.ART28_OUTBOX_DRAINS, 1)):
        drain_outbox.enqueue()


def _check_own(actor: Actor, organisation_id: int | None) -> None:
    """Defence in depth behind the selectors: a customer user acts only on its own organisation."""
    if isinstance(actor, User) and actor.is_customer and actor.organisation_id != organisation_id:
        raise PermissionError("a customer user can only act on its own organisation's messages")


def message_acknowledge(*, message: Message, actor: Actor, via: str) -> bool:
    """Record that the organisation acknowledged receipt; the first acknowledgement is kept.

    Returns True if this call acknowledged, False if the message had been acknowledged before.
    The conditional UPDATE makes two simultaneous clicks (portal and mail link) record one time.
    """
    _check_own(actor, message.organisation_id)
    now = timezone.now()
    by = actor if isinstance(actor, User) else None
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=by, acknowledged_via=via
        )
        if updated:
            audit_record(
                actor=actor,
                action="notify.message.acknowledge",
                obj=message,
                object_repr=message.reference,
                organisation_id=message.organisation_id,
                after={"acknowledged_at": now, "acknowledged_via": via, "topic": message.topic},
            )
    message.refresh_from_db(fields=["acknowledged_at", "acknowledged_by", "acknowledged_via"])
    return bool(updated)


def message_mark_read(*, message: Message, actor: Actor) -> bool:
    """Record the first time the message was opened in the portal (evidence it reached someone)."""
    _check_own(actor, message.organisation_id)
    if message.read_at is not None:
        return False
    now = timezone.now()
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
        if updated:
            audit_record(
                actor=actor,
                action="notify.message.read",
                obj=message,
                object_repr=message.reference,
                organisation_id=message.organisation_id,
                after={"read_at": now},
            )
    message.read_at = message.read_at or now
    return bool(updated)


def delivery_retry_now(*, actor: Actor, delivery: Delivery) -> Delivery:
    """Staff: make a failed or given-up delivery due now (one more attempt) and wake the worker."""
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status not in (DeliveryStatus.FAILED, DeliveryStatus.DEAD):
            raise ValueError(f"only failed or given-up deliveries can be retried (this one is {locked.status})")
        before = {"status": locked.status, "next_attempt_at": locked.next_attempt_at}
        locked.status = DeliveryStatus.FAILED if locked.status == DeliveryStatus.DEAD else locked.status
        locked.next_attempt_at = timezone.now()
        locked.locked_until = None
        locked.save(update_fields=["status", "next_attempt_at", "locked_until"])
        audit_record(
            actor=actor,
            action="notify.delivery.retry_now",
            obj=locked,
            organisation_id=locked.message.organisation_id,
            before=before,
            after={"status": locked.status, "next_attempt_at": locked.next_attempt_at},
        )
        transaction.on_commit(_wake_worker)
    return locked


def webhook_endpoint_save(*, actor: Actor, organisation: Organisation, url: str) -> tuple[WebhookEndpoint, str | None]:
    """Create the organisation's endpoint (returns its new secret, to show once) or change its URL
    (returns None: the secret stays). Raises ValidationError for a URL art28 will not post to."""
    _check_own(actor, organisation.pk)
    url = url.strip()
    validate_endpoint_url(url)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().filter(organisation=organisation).first()
        if endpoint is None:
            secret = secret_generate()
            endpoint = WebhookEndpoint.objects.create(organisation=organisation, url=url, secret=secret)
            audit_record(
                actor=actor,
                action="notify.webhook.create",
                obj=endpoint,
                organisation_id=organisation.pk,
                after={"url": url, "secret": endpoint.secret_hint},
            )
            return endpoint, secret
        before = {"url": endpoint.url, "active": endpoint.active}
        endpoint.url, endpoint.active = url, True
        endpoint.save(update_fields=["url", "active", "updated_at"])
        audit_record(
            actor=actor,
            action="notify.webhook.update",
            obj=endpoint,
            organisation_id=organisation.pk,
            before=before,
            after={"url": url, "active": True},
        )
    return endpoint, None


def webhook_secret_rotate(*, actor: Actor, endpoint: WebhookEndpoint) -> str:
    """A new secret (returned, to show once); the old one co-signs for 24 h so nothing is rejected."""
    _check_own(actor, endpoint.organisation_id)
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        old_hint = locked.secret_hint
        locked.previous_secret, locked.previous_secret_until = locked.secret, timezone.now() + ROTATION_OVERLAP
        locked.secret = secret_generate()
        locked.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
        audit_record(
            actor=actor,
            action="notify.webhook.rotate_secret",
            obj=locked,
            organisation_id=locked.organisation_id,
            before={"secret": old_hint},
            after={"secret": locked.secret_hint, "previous_secret_until": locked.previous_secret_until},
        )
    return locked.secret


def webhook_endpoint_delete(*, actor: Actor, endpoint: WebhookEndpoint) -> None:
    """Remove the endpoint; webhook deliveries not yet sent are given up (the portal still has them)."""
    _check_own(actor, endpoint.organisation_id)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="notify.webhook.delete",
            obj=endpoint,
            organisation_id=endpoint.organisation_id,
            before={"url": endpoint.url, "secret": endpoint.secret_hint},
        )
        endpoint.delete()


def webhook_test_send(*, actor: Actor, organisation: Organisation) -> Message:
    """Send a signed ``webhook.test`` event to the organisation's endpoint (webhook channel only)."""
    _check_own(actor, organisation.pk)
    with transaction.atomic():
        messages_create(
            topic="webhook.test",
            drafts=[
                Draft(
                    organisation=organisation,
                    subject=f"Test event from {settings.ART28_PROVIDER_NAME}",
                    body_text="A test of your webhook endpoint. It requires no action.",
                    payload={"test": True},
                )
            ],
            source_type="notify.webhook_test",
            channels=(Channel.WEBHOOK,),
        )
        message = Message.objects.filter(organisation=organisation, topic="webhook.test").latest("pk")
        audit_record(
            actor=actor,
            action="notify.webhook.test",
            obj=message,
            object_repr=message.reference,
            organisation_id=organisation.pk,
            after={"topic": message.topic},
        )
    return message


def ack_link_actor(organisation: Organisation) -> SystemActor:
    """Who acknowledged through a mail link: whoever held the mail; the organisation is what is known."""
    return SystemActor(f"ack-link:{organisation.ref}")
