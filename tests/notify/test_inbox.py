"""The customer's inbox: only the organisation's own messages, read state, delivery per channel."""

from __future__ import annotations

import uuid

import pytest

from art28.core.models import AuditEntry
from art28.notify.models import Message
from art28.notify.worker import deliver_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice_a(org_a, send_notice) -> Message:
    send_notice(org_a)
    return Message.objects.get(organisation=org_a)


def test_the_inbox_lists_the_organisations_messages_unread_first_time(client_a, notice_a):
    page = client_a.get("/portal/inbox/")
    assert page.status_code == 200
    assert notice_a.subject in page.text
    assert "unread" in page.text
    assert "awaiting your acknowledgement" in page.text


def test_the_nav_shows_the_unread_count(client_a, notice_a):
    page = client_a.get("/portal/")
    assert '<span class="badge warn" title="unread">1<' in page.text
    client_a.get(f"/portal/inbox/{notice_a.public_id}/")
    assert 'title="unread">' not in client_a.get("/portal/").text


def test_opening_a_message_marks_it_read_once(client_a, customer_a, notice_a):
    page = client_a.get(f"/portal/inbox/{notice_a.public_id}/")
    assert page.status_code == 200
    assert "we inform you of a personal data breach" in page.text
    notice_a.refresh_from_db()
    first = notice_a.read_at
    assert first is not None
    client_a.get(f"/portal/inbox/{notice_a.public_id}/")
    notice_a.refresh_from_db()
    assert notice_a.read_at == first
    entry = AuditEntry.objects.get(action="notify.message.read")
    assert entry.actor_label == customer_a.email


def test_the_message_shows_each_channels_delivery(client_a, notice_a, smtp_server):
    page = client_a.get(f"/portal/inbox/{notice_a.public_id}/")
    assert "being sent" in page.text  # the e-mail, before the worker ran
    deliver_due()
    page = client_a.get(f"/portal/inbox/{notice_a.public_id}/")
    assert "privacy@acme.example" in page.text
    assert page.text.count('<span class="badge ok">sent</span>') == 2  # e-mail and this inbox


def test_another_organisations_message_is_a_404(client_b, notice_a):
    assert client_b.get(f"/portal/inbox/{notice_a.public_id}/").status_code == 404
    assert notice_a.subject not in client_b.get("/portal/inbox/").text
    notice_a.refresh_from_db()
    assert notice_a.read_at is None


def test_an_unknown_id_is_a_404(client_a):
    assert client_a.get(f"/portal/inbox/{uuid.uuid4()}/").status_code == 404


@pytest.mark.parametrize("path", ["/portal/inbox/", "/portal/webhook/"])
def test_staff_get_403_and_anonymous_users_log_in(staff_client, client, path):
    assert staff_client.get(path).status_code == 403
    assert client.get(path)["Location"].startswith("/accounts/login/")


def test_messages_on_other_channels_only_are_not_in_the_inbox(client_a, org_a, send_notice):
    from django.db import transaction

    from art28.notify.services import Draft, messages_create

    with transaction.atomic():
        messages_create(
            topic="webhook.test",
            drafts=[Draft(organisation=org_a, subject="A webhook test", body_text="-")],
            channels=("webhook",),
        )
    assert "A webhook test" not in client_a.get("/portal/inbox/").text
