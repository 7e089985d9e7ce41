"""Acknowledgement of receipt: the provider's evidence that the controller got the breach notice
(GDPR Art. 33(2), nFADP Art. 24(3)). The first acknowledgement is kept, whichever way it came."""

from __future__ import annotations

import pytest

from art28.core.models import AuditEntry
from art28.notify.mail import ack_token
from art28.notify.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(org_a, send_notice) -> Message:
    send_notice(org_a, requires_ack=True)
    return Message.objects.get(organisation=org_a)


def ack_path(message: Message) -> str:
    return f"/notify/ack/{ack_token(message)}/"


def test_art33_opening_the_link_does_not_acknowledge(client, notice):
    """Mail scanners and link previews fetch links without anyone reading: GET changes nothing."""
    page = client.get(ack_path(notice))
    assert page.status_code == 200
    assert "I acknowledge receipt" in page.text
    assert page["Cache-Control"] == "no-store"
    notice.refresh_from_db()
    assert notice.acknowledged_at is None
    assert not AuditEntry.objects.filter(action="notify.message.acknowledge").exists()


def test_art33_the_button_acknowledges_and_is_audited(client, notice, org_a):
    response = client.post(ack_path(notice))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    assert notice.acknowledged_via == "link"
    assert notice.acknowledged_by is None
    entry = AuditEntry.objects.get(action="notify.message.acknowledge")
    assert entry.actor_label == "ack-link:ACME"
    assert entry.organisation_id == org_a.pk
    assert entry.object_id == str(notice.pk)
    assert "Receipt acknowledged on" in client.get(ack_path(notice)).text


def test_the_audit_trail_names_a_message_by_reference_not_by_subject_or_recipient(client, notice, org_a):
    """The trail goes as it is into every auditor's pack (a hash chain cannot be redacted), so it keeps
    no message's subject and no recipient: the message's number and topic are what it needs."""
    client.post(ack_path(notice))
    entry = AuditEntry.objects.get(action="notify.message.acknowledge")
    assert entry.object_repr == f"message {notice.pk} ({notice.topic})"
    written = str(entry.object_repr) + str(entry.after)
    assert notice.subject not in written and org_a.name not in written


def test_art33_a_second_acknowledgement_keeps_the_first_time(client, client_a, notice):
    client.post(ack_path(notice))
    notice.refresh_from_db()
    first = notice.acknowledged_at
    client.post(ack_path(notice))
    client_a.post(f"/portal/inbox/{notice.public_id}/acknowledge")
    notice.refresh_from_db()
    assert notice.acknowledged_at == first
    assert notice.acknowledged_via == "link"
    assert AuditEntry.objects.filter(action="notify.message.acknowledge").count() == 1


def test_art33_acknowledging_in_the_portal_records_who(client_a, customer_a, notice):
    page = client_a.get(f"/portal/inbox/{notice.public_id}/")
    assert "Acknowledge receipt" in page.text
    response = client_a.post(f"/portal/inbox/{notice.public_id}/acknowledge")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_via == "portal"
    assert notice.acknowledged_by == customer_a
    assert AuditEntry.objects.get(action="notify.message.acknowledge").actor_label == customer_a.email
    assert "Receipt acknowledged on" in client_a.get(f"/portal/inbox/{notice.public_id}/").text


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "x" + t, lambda t: "nope"]
)
def test_a_forged_or_altered_link_is_a_404(client, notice, mangle):
    token = mangle(ack_token(notice))
    assert client.get(f"/notify/ack/{token}/").status_code == 404
    assert client.post(f"/notify/ack/{token}/").status_code == 404
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_a_token_signed_for_another_purpose_is_refused(client, notice):
    from django.core import signing

    token = signing.TimestampSigner(salt="something.else").sign(notice.public_id.hex)
    assert client.get(f"/notify/ack/{token}/").status_code == 404


def test_the_customer_of_another_organisation_cannot_acknowledge(client_b, notice):
    assert client_b.post(f"/portal/inbox/{notice.public_id}/acknowledge").status_code == 404
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_the_service_refuses_a_customer_user_of_another_organisation(customer_b, notice):
    from art28.notify.services import message_acknowledge

    with pytest.raises(PermissionError):
        message_acknowledge(message=notice, actor=customer_b, via="portal")
