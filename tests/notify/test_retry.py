"""With the SMTP server down, deliveries wait and retry with backoff; once it is up, all arrive once.

Nothing may be lost: a processor must notify "without undue delay" (GDPR Art. 33(2)) / "as soon as
possible" (nFADP Art. 24(3)), so a mail server outage delays the notice but never drops it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from art28.notify.models import Channel, Delivery, DeliveryAttempt, DeliveryStatus, Message
from art28.notify.worker import BACKOFF_SECONDS, JITTER, backoff, deliver_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_customers(make_org):
    return [make_org(f"C{i}", privacy_email=f"dpo@c{i}.example") for i in range(5)]


def email_deliveries():
    return Delivery.objects.filter(channel=Channel.EMAIL).order_by("pk")


def test_with_the_server_down_deliveries_fail_with_the_error_and_a_retry_time(smtp_down, five_customers, send_notice):
    send_notice(*five_customers)
    t0 = timezone.now()

    assert deliver_due(now=t0) == 0

    for delivery in email_deliveries():
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.attempts == 1
        assert "ConnectionRefusedError" in delivery.last_error or "unreachable" in delivery.last_error
        assert t0 + dt.timedelta(seconds=30) <= delivery.next_attempt_at <= t0 + dt.timedelta(seconds=36)
        assert delivery.locked_until is None
        [attempt] = DeliveryAttempt.objects.filter(delivery=delivery)
        assert not attempt.ok and attempt.detail
    assert Message.objects.count() == 5  # nothing lost
    assert smtp_down.received == []


def test_once_the_server_is_up_every_notice_arrives_exactly_once(smtp_down, five_customers, send_notice):
    send_notice(*five_customers)
    t0 = timezone.now()
    deliver_due(now=t0)
    smtp_down.start()

    assert deliver_due(now=t0 + dt.timedelta(seconds=10)) == 0  # not due yet: backoff is respected
    assert smtp_down.received == []

    assert deliver_due(now=t0 + dt.timedelta(minutes=1)) == 5
    ids = smtp_down.sink.message_ids
    assert len(ids) == len(set(ids)) == 5
    assert set(ids) == {f"<{d.external_id}>" for d in email_deliveries()}
    assert set(email_deliveries().values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert list(email_deliveries().values_list("attempts", flat=True)) == [2] * 5

    assert deliver_due(now=t0 + dt.timedelta(hours=1)) == 0  # and never again
    assert len(smtp_down.received) == 5


def test_the_wait_grows_with_each_failure(smtp_down, make_org, send_notice, settings):
    settings.ART28_DELIVERY_MAX_ATTEMPTS = 12
    send_notice(make_org("C1", privacy_email="dpo@c1.example"))
    clock = timezone.now()
    waits = []
    for _ in range(6):
        deliver_due(now=clock)
        delivery = email_deliveries().get()
        waits.append((delivery.next_attempt_at - clock).total_seconds())
        clock = delivery.next_attempt_at
    for wait, base in zip(waits, [*BACKOFF_SECONDS, BACKOFF_SECONDS[-1]], strict=True):
        assert base <= wait <= base * (1 + JITTER) + 1


def test_after_the_last_attempt_the_delivery_is_given_up(smtp_down, make_org, send_notice, settings):
    settings.ART28_DELIVERY_MAX_ATTEMPTS = 4
    send_notice(make_org("C1", privacy_email="dpo@c1.example"))
    clock = timezone.now()
    for _ in range(4):
        deliver_due(now=clock)
        clock += dt.timedelta(days=1)
    delivery = email_deliveries().get()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.attempts == 4
    assert delivery.next_attempt_at is None
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 4

    smtp_down.start()
    assert deliver_due(now=clock + dt.timedelta(days=30)) == 0  # a dead delivery is not picked up again
    assert smtp_down.received == []


def test_backoff_has_jitter_within_bounds():
    for attempt, base in enumerate(BACKOFF_SECONDS, start=1):
        waits = {backoff(attempt).total_seconds() for _ in range(20)}
        assert all(base <= w <= base * (1 + JITTER) for w in waits)
        assert len(waits) > 1
    assert backoff(50) <= dt.timedelta(seconds=BACKOFF_SECONDS[-1] * (1 + JITTER))


def test_a_delivery_leased_by_another_worker_is_not_taken(smtp_server, make_org, send_notice):
    send_notice(make_org("C1", privacy_email="dpo@c1.example"))
    now = timezone.now()
    email_deliveries().update(locked_until=now + dt.timedelta(minutes=5))
    assert deliver_due(now=now) == 0
    assert deliver_due(now=now + dt.timedelta(minutes=6)) == 1  # the lease expired: taken over
    assert len(smtp_server.received) == 1


def test_the_lease_is_held_while_sending_and_released_after(smtp_server, make_org, send_notice):
    send_notice(make_org("C1", privacy_email="dpo@c1.example"))
    deliver_due()
    assert email_deliveries().get().locked_until is None
