"""Public subscribers of the trust center (double opt-in) and customers' channel preferences: the writes.

A subscriber's address is personal data: the audit trail (a hash chain that cannot forget) names the
subscriber by id only, never by address, so that an erased subscriber leaves no address behind.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from art28.core.audit import Actor, SystemActor, audit_record
from art28.core.models import Language, Organisation
from art28.notify.mail import confirm_url
from art28.notify.models import Channel, ChannelPreference, Delivery, Message, Subscriber
from art28.notify.services import MANDATORY_TOPICS, _check_own, _wake_worker

CONFIRM_TOPIC = "trust.subscription.confirm"
# Topics a customer can choose channels for (breach notices are mandatory on every channel).
PREFERENCE_TOPICS = ("subprocessor.change",)
DEFAULT_TOPICS = ("subprocessor.change",)
# Asking again sooner than this sends no second confirmation mail (the first is still on its way).
CONFIRM_RESEND_AFTER = dt.timedelta(minutes=10)
PUBLIC_ACTOR = SystemActor("trust-center")


@dataclass
class SubscriberDraft:
    """One message to write to a public subscriber, in the subscriber's language."""

    subscriber: Subscriber
    subject: str
    body_text: str
    payload: dict | None = None


def normalise_email(email: str) -> str:
    """Lower-cased and stripped; raises ValidationError for anything that is not an address."""
    address = (email or "").strip().lower()
    validate_email(address)
    return address


def _audit(action: str, subscriber: Subscriber, **after: object) -> None:
    audit_record(
        actor=PUBLIC_ACTOR,
        action=action,
        object_type="notify.subscriber",
        object_id=subscriber.pk,
        object_repr=f"subscriber {subscriber.pk}",
        after=dict(after),
    )


def subscriber_subscribe(*, email: str, language: str, topics: Iterable[str] = DEFAULT_TOPICS) -> Subscriber | None:
    """Record a subscription request and mail a confirmation link (double opt-in).

    Returns the subscriber, or None when the address is already subscribed and confirmed: the caller
    shows the same page either way, so that the form never reveals who is subscribed. Raises
    ValidationError for an address that is not one.
    """
    address = normalise_email(email)
    language = language if language in Language.values else Language.EN
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=address).first()
        if subscriber is None:
            subscriber = Subscriber.objects.create(
                email=address, language=language, token=secrets.token_urlsafe(32), topics=";".join(sorted(topics))
            )
            _audit("notify.subscriber.subscribe", subscriber, language=language)
        elif subscriber.is_active:
            return None
        else:
            recent = subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < CONFIRM_RESEND_AFTER
            if recent and subscriber.unsubscribed_at is None:
                return subscriber
            subscriber.language, subscriber.unsubscribed_at, subscriber.confirmed_at = language, None, None
            subscriber.save(update_fields=["language", "unsubscribed_at", "confirmed_at"])
            _audit("notify.subscriber.subscribe", subscriber, language=language, again=True)
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["confirmation_sent_at"])
        with translation.override(subscriber.language):
            subject = _("Please confirm your subscription to %(provider)s's sub-processor changes") % {
                "provider": settings.ART28_PROVIDER_NAME
            }
            body = render_to_string(
                "notify/mail/subscription_confirm.txt",
                {"provider_name": settings.ART28_PROVIDER_NAME, "url": confirm_url(subscriber)},
            )
        subscriber_messages_create(
            topic=CONFIRM_TOPIC,
            drafts=[SubscriberDraft(subscriber=subscriber, subject=subject, body_text=body)],
            source_type="notify.subscriber",
            source_id=subscriber.pk,
        )
    return subscriber


def subscriber_confirm(*, subscriber: Subscriber) -> bool:
    """The subscriber clicked the confirmation button; True if this call confirmed."""
    now = timezone.now()
    with transaction.atomic():
        updated = Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
            confirmed_at=now, unsubscribed_at=None
        )
        if updated:
            _audit("notify.subscriber.confirm", subscriber, confirmed_at=now)
    subscriber.refresh_from_db(fields=["confirmed_at", "unsubscribed_at"])
    return bool(updated)


def subscriber_unsubscribe(*, subscriber: Subscriber, via: str) -> bool:
    """Stop every message to the subscriber, at once (RFC 8058); True if this call unsubscribed."""
    now = timezone.now()
    with transaction.atomic():
        updated = Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
        if updated:
            _audit("notify.subscriber.unsubscribe", subscriber, unsubscribed_at=now, via=via)
    subscriber.refresh_from_db(fields=["unsubscribed_at"])
    return bool(updated)


def subscriber_messages_create(
    *, topic: str, drafts: Iterable[SubscriberDraft], source_type: str = "", source_id: int | None = None
) -> int:
    """Write one message and one e-mail delivery per draft, in the caller's transaction (like
    ``messages_create``; the worker sends after commit). Returns the number of deliveries."""
    if not connection.in_atomic_block:
        raise RuntimeError("subscriber_messages_create must run inside the transaction that decides to send")
    drafts = list(drafts)
    messages = Message.objects.bulk_create(
        [
            Message(
                subscriber=d.subscriber,
                topic=topic,
                subject=d.subject,
                body_text=d.body_text,
                language=d.subscriber.language,
                payload=d.payload or {},
                source_type=source_type,
                source_id=source_id,
            )
            for d in drafts
        ],
        batch_size=1000,
    )
    now = timezone.now()
    Delivery.objects.bulk_create(
        [
            Delivery(message=message, channel=Channel.EMAIL, recipient=draft.subscriber.email, next_attempt_at=now)
            for message, draft in zip(messages, drafts, strict=True)
        ],
        batch_size=2000,
    )
    if drafts:
        transaction.on_commit(_wake_worker)
    return len(drafts)


def channel_preference_save(
    *, actor: Actor, organisation: Organisation, topic: str, email: bool, webhook: bool
) -> ChannelPreference:
    """An organisation's channels for a non-mandatory topic; the portal inbox always stays on."""
    _check_own(actor, organisation.pk)
    if topic in MANDATORY_TOPICS or topic not in PREFERENCE_TOPICS:
        raise ValidationError(f"Channels cannot be chosen for {topic!r}.")
    with transaction.atomic():
        preference, created = ChannelPreference.objects.select_for_update().get_or_create(
            organisation=organisation, topic=topic
        )
        before = None if created else {"email": preference.email, "webhook": preference.webhook}
        preference.email, preference.webhook = email, webhook
        preference.save(update_fields=["email", "webhook", "updated_at"])
        audit_record(
            actor=actor,
            action="notify.channel_preference.save",
            obj=preference,
            organisation_id=organisation.pk,
            before=before,
            after={"topic": topic, "email": email, "webhook": webhook, "portal": True},
        )
    return preference
