"""The outbox: what art28 tells customers, and the proof of each delivery and acknowledgement.

A ``Message`` is one thing said to one organisation (a breach notice phase, a sub-processor change …),
or to one public ``Subscriber`` of the trust center (e-mail only).
It is delivered on each channel by one ``Delivery`` row, created in the same transaction as the
decision to send; the task worker sends, retries with backoff and records every ``DeliveryAttempt``.
Each delivery has a deterministic external id (the e-mail Message-ID, the webhook-id), so a retry
is recognisable as the same message, never a second one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from art28.core.models import Language, Organisation, User


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    PORTAL = "portal", _("portal inbox")
    WEBHOOK = "webhook", _("webhook")


class Subscriber(models.Model):
    """Someone who subscribed on the public trust center to be told of changes (double opt-in).

    Only a confirmed, not unsubscribed subscriber receives notices. ``token`` is the credential of the
    unsubscribe link (and, signed with a timestamp, of the confirmation link); it never changes, so
    every unsubscribe link ever mailed keeps working (RFC 8058).
    """

    email = models.EmailField(_("e-mail"), unique=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.EN)
    token = models.CharField(max_length=64, unique=True, editable=False)
    # ';'-separated topics, e.g. "subprocessor.change".
    topics = models.CharField(max_length=200, default="subprocessor.change")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                name="subscriber_email_lower_case",
                condition=Q(email=Lower("email")),
                violation_error_message=_("Subscriber addresses are stored in lower case."),
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def topic_list(self) -> list[str]:
        return [t for t in self.topics.split(";") if t]


class ChannelPreference(models.Model):
    """An organisation's choice of channels for one non-mandatory topic (e.g. ``subprocessor.change``).

    No row = every channel. The portal inbox always receives (the record of what was said); mandatory
    topics such as breach notices ignore preferences (GDPR Art. 33(2): the controller must be told).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="channel_preferences")
    topic = models.CharField(max_length=60)
    email = models.BooleanField(_("e-mail"), default=True)
    webhook = models.BooleanField(_("webhook"), default=True)
    portal = models.BooleanField(_("portal inbox"), default=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "topic"], name="channel_preference_once_per_topic"),
            models.CheckConstraint(
                name="channel_preference_portal_always_on",
                condition=Q(portal=True),
                violation_error_message=_("The portal inbox always receives."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.topic}: email={self.email} webhook={self.webhook}"


class Message(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Exactly one of the two: a customer, or a public subscriber of the trust center.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="messages", null=True, blank=True
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="messages", null=True, blank=True)
    # Or a bare address: a person who wrote to the DPO (the dpo app's requests), e-mail only.
    to_address = models.EmailField(null=True, blank=True)
    topic = models.CharField(max_length=60, help_text="e.g. breach.notice")
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    # Machine-readable content for webhooks and the API.
    payload = models.JSONField(default=dict, blank=True)
    # What the message is about, e.g. ("breaches.notice", 12): lets a domain app find its messages.
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    requires_ack = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    acknowledged_via = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="message_inbox_idx"),
            models.Index(fields=["source_type", "source_id"], name="message_source_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="message_to_exactly_one_recipient",
                condition=Q(organisation__isnull=False, subscriber__isnull=True, to_address__isnull=True)
                | Q(organisation__isnull=True, subscriber__isnull=False, to_address__isnull=True)
                | Q(organisation__isnull=True, subscriber__isnull=True, to_address__isnull=False),
                violation_error_message=_(
                    "A message goes to exactly one recipient: an organisation, a subscriber or an address."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.recipient_label}: {self.subject}"

    @property
    def reference(self) -> str:
        """How the audit trail names a message: its number and topic, never its subject or address
        (an auditor's pack carries the trail as it is, and a hash chain cannot be redacted)."""
        return f"message {self.pk} ({self.topic})"

    @property
    def recipient_label(self) -> str:
        """Who the message is to, for staff pages: the customer's name and reference, or the address."""
        if self.organisation is not None:
            return f"{self.organisation.name} ({self.organisation.ref})"
        if self.subscriber is not None:
            return self.subscriber.email
        return self.to_address or ""


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed; will retry")
    DEAD = "dead", _("gave up")


class Delivery(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # E-mail: the addresses, comma-separated; webhook: the endpoint URL; portal: empty.
    recipient = models.CharField(max_length=600, blank=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A worker holds a delivery until this time while sending it; a crashed worker's hold expires.
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "channel"], name="delivery_one_per_message_and_channel")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due_idx",
                condition=Q(status__in=["pending", "failed"]),
            ),
            # The staff outbox page and `art28 outbox-status` count and list by status and channel.
            models.Index(fields=["status", "channel"], name="delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} delivery of message {self.message_id} ({self.status})"

    @property
    def recipients_display(self) -> str:
        return ", ".join(a for a in self.recipient.split(",") if a) if self.channel == Channel.EMAIL else self.recipient

    @property
    def external_id(self) -> str:
        """The same on every attempt: the e-mail Message-ID (without <>) and the webhook-id."""
        return f"{self.public_id}@{settings.ART28_MAIL_DOMAIN}"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    ok = models.BooleanField()
    detail = models.TextField(blank=True, help_text="SMTP reply, HTTP status or the error")

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"attempt on delivery {self.delivery_id}: {'ok' if self.ok else 'failed'}"


class WebhookEndpoint(models.Model):
    """Where an organisation wants machine-readable notices, signed per the Standard Webhooks scheme."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="webhook")
    url = models.URLField(max_length=500)
    # "whsec_" + base64 of 32 random bytes, as Standard Webhooks defines it.
    secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # After a rotation the old secret also signs (a second ``v1,`` signature) until this time, so the
    # receiver can switch its verifier without rejecting events in between (Standard Webhooks, rotation).
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"webhook of {self.organisation_id}: {self.url}"

    @property
    def secret_hint(self) -> str:
        """Enough of the secret to tell two apart, never enough to use it."""
        return self.secret[:10] + "…"


class OutboxWake(models.Model):
    """One row: when a ``drain_outbox`` task is already scheduled for the next retry.

    Every drain that ends with deliveries waiting for a retry wants a wake-up at the earliest
    ``next_attempt_at``; this row lets only the first one enqueue it, so that a hundred drains in a
    row (one per ``messages_create``) do not become a hundred scheduled tasks forever.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    wake_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"outbox wake-up at {self.wake_at}"
