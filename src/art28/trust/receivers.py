"""What the trust center does when the register changes.

- Any write to the register, its changes, the sites, the services or the glossary of data categories
  makes the cached pages stale (after the commit, so that the next render sees it).
- An announced change (``art28.subprocessors.signals.change_announced``, sent inside the announce
  transaction) is mailed to every confirmed public subscriber, in the same transaction, once each.
  A subscriber whose address is also the privacy or security contact of a customer told of the change
  by e-mail (the subprocessors app notifies the customers concerned) is left out: one mail per change.
- A withdrawn change (``change_withdrawn``) is mailed to the subscribers who were told of it.
- A renewal of security.txt's expiry (``core.signals.security_txt_renewed``) refreshes the pages too,
  and so does a change of the trust center's profile or certifications
  (``assurance.signals.trust_content_changed``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from art28.assurance.signals import trust_content_changed
from art28.core.models import DataCategory, Organisation
from art28.core.signals import security_txt_renewed
from art28.inventory.models import Service, Site
from art28.notify.models import ChannelPreference, Message, Subscriber
from art28.notify.subscriptions import SubscriberDraft, subscriber_messages_create
from art28.physical.models import AccessReview, Zone
from art28.subprocessors import notices, signals
from art28.subprocessors.models import Change, FlowDownAgreement, SubProcessor
from art28.subprocessors.selectors import agreement_in_place_for
from art28.trust.cache import invalidate, invalidate_on_commit
from art28.trust.feeds import change_text, change_title
from art28.trust.register import countries_named, trust_url

TOPIC, TOPIC_WITHDRAWN, SOURCE_TYPE = notices.TOPIC, notices.TOPIC_WITHDRAWN, notices.SOURCE_TYPE


def _invalidate(**kwargs: Any) -> None:
    invalidate_on_commit()


def customer_addresses_told_by_email(change: Change) -> set[str]:
    """The privacy and security addresses of the customers concerned that receive the change by e-mail."""
    muted = ChannelPreference.objects.filter(topic=TOPIC, email=False).values("organisation_id")
    rows = (
        Organisation.objects.filter(subprocessor_changes__change=change)
        .exclude(pk__in=muted)
        .values_list("privacy_email", "security_email")
    )
    return {address.strip().lower() for row in rows for address in row if address}


def _subscribers_told(change: Change, topic: str) -> set[int]:
    messages = Message.objects.filter(
        source_type=SOURCE_TYPE, source_id=change.pk, topic=topic, subscriber__isnull=False
    )
    return set(messages.values_list("subscriber_id", flat=True))


def _write(change: Change, subscribers: list[Subscriber], *, topic: str) -> int:
    texts: dict[str, tuple[str, str]] = {}
    drafts = []
    agreement = agreement_in_place_for(change.subprocessor) if subscribers else None
    for subscriber in subscribers:
        if subscriber.language not in texts:
            texts[subscriber.language] = _change_mail(change, subscriber.language, agreement)
        subject, body = texts[subscriber.language]
        payload = {"change": change.pk, "event": "withdrawn" if topic == TOPIC_WITHDRAWN else "announced"}
        drafts.append(SubscriberDraft(subscriber=subscriber, subject=subject, body_text=body, payload=payload))
    created = subscriber_messages_create(topic=topic, drafts=drafts, source_type=SOURCE_TYPE, source_id=change.pk)
    invalidate_on_commit()
    return created


def notify_subscribers_of_change(sender: Any, change: Change, **kwargs: Any) -> int:
    """Write one message per confirmed subscriber not yet told of ``change``; returns how many."""
    told = _subscribers_told(change, TOPIC)
    customers = customer_addresses_told_by_email(change)
    subscribers = [
        s
        for s in Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        if TOPIC in s.topic_list and s.pk not in told and s.email not in customers
    ]
    return _write(change, subscribers, topic=TOPIC)


def notify_subscribers_of_withdrawal(sender: Any, change: Change, **kwargs: Any) -> int:
    """Tell the subscribers who were told of ``change`` (and still are subscribed) that it is withdrawn."""
    told = _subscribers_told(change, TOPIC) - _subscribers_told(change, TOPIC_WITHDRAWN)
    customers = customer_addresses_told_by_email(change)
    subscribers = [
        s for s in Subscriber.objects.filter(pk__in=told, unsubscribed_at__isnull=True) if s.email not in customers
    ]
    return _write(change, subscribers, topic=TOPIC_WITHDRAWN)


def _change_mail(change: Change, language: str, agreement: FlowDownAgreement | None) -> tuple[str, str]:
    with translation.override(language):
        subject = _("%(provider)s: %(title)s") % {
            "provider": settings.ART28_PROVIDER_NAME,
            "title": change_title(change),
        }
        body = render_to_string(
            "trust/mail/change.txt",
            {
                "provider_name": settings.ART28_PROVIDER_NAME,
                "change": change,
                "title": change_title(change),
                "text": change_text(change, agreement),
                # The subscriber's language, else the English marked so (plain text: the marker in brackets).
                "purpose": notices.in_language(change.subprocessor, "purpose"),
                "safeguard": notices.in_language(change.subprocessor, "transfer_safeguard"),
                "countries": countries_named(change.subprocessor.countries, language),
                "page_url": trust_url(f"#change-{change.pk}").replace("/trust/", f"/{language}/trust/", 1),
                "feed_url": trust_url("subprocessors.atom"),
            },
        )
    return subject, body


def _security_txt_renewed(**kwargs: Any) -> None:
    invalidate()  # sent after the commit already: the trust page shows the new expiry at once


def _trust_content_changed(**kwargs: Any) -> None:
    invalidate()  # sent after the commit already: the new logo or certification shows at once


def connect() -> None:
    security_txt_renewed.connect(_security_txt_renewed, dispatch_uid="trust-security-txt-renewed")
    trust_content_changed.connect(_trust_content_changed, dispatch_uid="trust-assurance-changed")
    # DataCategory: the glossary's terms are the register's data categories in each language.
    # Zone, AccessReview: the datacenters' physical-security summary (zones by class, last review).
    # FlowDownAgreement: the register shows the agreement in place since (GDPR Art. 28(4)).
    for model in (SubProcessor, Change, FlowDownAgreement, Site, Service, DataCategory, Zone, AccessReview):
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"trust-invalidate-save-{model.__name__}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"trust-invalidate-delete-{model.__name__}")
    for through in (SubProcessor.services.through, SubProcessor.sites.through, Change.services.through):
        m2m_changed.connect(_invalidate, sender=through, dispatch_uid=f"trust-invalidate-m2m-{through.__name__}")
    signals.change_announced.connect(notify_subscribers_of_change, dispatch_uid="trust-notify-subscribers")
    signals.change_withdrawn.connect(notify_subscribers_of_withdrawal, dispatch_uid="trust-notify-withdrawal")
