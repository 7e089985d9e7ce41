"""Reads on the outbox. Customer-facing selectors take the organisation and never return another's rows."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404

from art28.core.models import Organisation
from art28.notify.mail import ack_token_message_id
from art28.notify.models import Channel, ChannelPreference, Delivery, DeliveryStatus, Message, WebhookEndpoint

# --- the customer's inbox -------------------------------------------------------------------------


def inbox_for_organisation(organisation: Organisation) -> QuerySet[Message]:
    """The organisation's portal messages, newest first (messages sent on other channels only, such
    as webhook tests, are not inbox messages)."""
    return Message.objects.filter(organisation=organisation, deliveries__channel=Channel.PORTAL).order_by(
        "-created_at", "-pk"
    )


def inbox_message(organisation: Organisation, public_id: UUID | str) -> Message:
    """One of the organisation's messages; 404 for anyone else's (never reveals that it exists)."""
    try:
        return inbox_for_organisation(organisation).select_related("acknowledged_by").get(public_id=public_id)
    except (Message.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such message") from exc


def notices_awaiting_acknowledgement(organisation: Organisation) -> QuerySet[Message]:
    """The organisation's portal messages that ask for an acknowledgement of receipt (breach notices) and
    have none yet, oldest first: the controller's own clock runs from receipt (GDPR Art. 33(1))."""
    return (
        inbox_for_organisation(organisation)
        .filter(requires_ack=True, acknowledged_at__isnull=True)
        .order_by("created_at", "pk")
    )


def unread_count(organisation: Organisation) -> int:
    return inbox_for_organisation(organisation).filter(read_at__isnull=True).count()


def message_deliveries(message: Message) -> list[Delivery]:
    """The message's deliveries in a fixed channel order, for "e-mail sent at …, webhook delivered at …"."""
    order = {Channel.EMAIL: 0, Channel.WEBHOOK: 1, Channel.PORTAL: 2}
    return sorted(message.deliveries.all(), key=lambda d: order.get(Channel(d.channel), 9))


def webhook_for_organisation(organisation: Organisation) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.filter(organisation=organisation).first()


def recent_webhook_deliveries(organisation: Organisation, limit: int = 10) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(message__organisation=organisation, channel=Channel.WEBHOOK)
        .select_related("message")
        .order_by("-created_at", "-pk")[:limit]
    )


def message_for_ack_token(token: str) -> Message:
    """The message a mail's acknowledgement link names; 404 for a forged or altered token."""
    from django.core import signing

    try:
        return Message.objects.select_related("organisation").get(
            public_id=UUID(hex=ack_token_message_id(token)), organisation__isnull=False
        )
    except (signing.BadSignature, ValueError, Message.DoesNotExist) as exc:
        raise Http404("No such acknowledgement link") from exc


# --- the provider's view of the outbox ------------------------------------------------------------


@dataclass(frozen=True)
class OutboxCounts:
    by_channel: dict[str, dict[str, int]]  # channel → status → count
    totals: dict[str, int]  # status → count
    oldest_waiting: Delivery | None


def outbox_counts() -> OutboxCounts:
    by_channel: dict[str, dict[str, int]] = {c.value: dict.fromkeys(DeliveryStatus.values, 0) for c in Channel}
    totals = dict.fromkeys(DeliveryStatus.values, 0)
    for row in Delivery.objects.values("channel", "status").annotate(n=Count("pk")).order_by():
        by_channel.setdefault(row["channel"], dict.fromkeys(DeliveryStatus.values, 0))[row["status"]] = row["n"]
        totals[row["status"]] = totals.get(row["status"], 0) + row["n"]
    oldest = (
        Delivery.objects.filter(status__in=(DeliveryStatus.PENDING, DeliveryStatus.FAILED))
        .select_related("message__organisation", "message__subscriber")
        .order_by("created_at", "pk")
        .first()
    )
    return OutboxCounts(by_channel=by_channel, totals=totals, oldest_waiting=oldest)


def failing_deliveries(limit: int | None = 200, ordering: tuple[str, ...] = ()) -> QuerySet[Delivery]:
    """Deliveries that failed at least once and are not sent: waiting for a retry, or given up; in
    ``ordering`` (a whitelisted sort of the outbox page) or by status and next attempt."""
    deliveries = (
        Delivery.objects.filter(status__in=(DeliveryStatus.FAILED, DeliveryStatus.DEAD))
        .select_related("message__organisation", "message__subscriber")
        .order_by(*(ordering or ("status", "next_attempt_at", "pk")))
    )
    return deliveries[:limit] if limit is not None else deliveries


def delivery_by_public_id(public_id: UUID | str) -> Delivery:
    try:
        return Delivery.objects.select_related("message__organisation", "message__subscriber").get(public_id=public_id)
    except (Delivery.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such delivery") from exc


# --- channel preferences and public subscribers ----------------------------------------------------


def channel_preferences_for(organisation: Organisation, topics: tuple[str, ...]) -> dict[str, ChannelPreference]:
    """The organisation's choice for each topic; an unsaved all-channels row where it chose nothing."""
    stored = {p.topic: p for p in ChannelPreference.objects.filter(organisation=organisation, topic__in=topics)}
    return {topic: stored.get(topic) or ChannelPreference(organisation=organisation, topic=topic) for topic in topics}
