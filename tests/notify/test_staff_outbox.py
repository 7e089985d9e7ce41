"""The provider's outbox page: counts, failing deliveries with their last error, retry now (audited)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.notify.models import Channel, Delivery, DeliveryStatus
from art28.notify.worker import deliver_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(smtp_down, org_a, send_notice) -> Delivery:
    send_notice(org_a)
    deliver_due()
    return Delivery.objects.get(channel=Channel.EMAIL)


def test_the_page_counts_by_channel_and_lists_failures(staff_client, failing):
    page = staff_client.get("/staff/outbox/")
    assert page.status_code == 200
    assert "1 delivery is failing and will be retried." in page.text
    assert "ConnectionRefusedError" in page.text
    assert "Acme Sàrl" in page.text
    assert "Retry now" in page.text


def test_retry_now_makes_it_due_and_is_audited(staff_client, staff_user, failing, smtp_down):
    before = timezone.now()
    response = staff_client.post(f"/staff/outbox/{failing.public_id}/retry")
    assert response.status_code == 302
    failing.refresh_from_db()
    assert failing.status == DeliveryStatus.FAILED
    assert before <= failing.next_attempt_at <= timezone.now()
    entry = AuditEntry.objects.get(action="notify.delivery.retry_now")
    assert entry.actor_label == staff_user.email
    assert entry.organisation_id == failing.message.organisation_id

    smtp_down.start()
    assert deliver_due() == 1
    assert len(smtp_down.received) == 1


def test_a_given_up_delivery_can_be_retried(staff_client, failing):
    Delivery.objects.filter(pk=failing.pk).update(status=DeliveryStatus.DEAD, next_attempt_at=None)
    staff_client.post(f"/staff/outbox/{failing.public_id}/retry")
    failing.refresh_from_db()
    assert failing.status == DeliveryStatus.FAILED and failing.next_attempt_at is not None


def test_a_sent_delivery_cannot_be_retried(staff_client, org_a, send_notice):
    send_notice(org_a)
    portal = Delivery.objects.get(channel=Channel.PORTAL)
    response = staff_client.post(f"/staff/outbox/{portal.public_id}/retry", follow=True)
    assert "only failed or given-up deliveries can be retried" in response.text
    assert not AuditEntry.objects.filter(action="notify.delivery.retry_now").exists()


def test_the_auditor_sees_the_page_but_cannot_retry(auditor, failing):
    from tests.conftest import logged_in

    client = logged_in(auditor)
    page = client.get("/staff/outbox/")
    assert page.status_code == 200
    assert "Retry now" not in page.text
    assert client.post(f"/staff/outbox/{failing.public_id}/retry").status_code == 403
