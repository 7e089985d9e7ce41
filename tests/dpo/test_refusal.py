"""Refusing a request: the reasons are required and mailed to the requester (through the outbox, received
by a real SMTP server), with what each law that applies adds — GDPR Art. 12(4): the right to lodge a
complaint with a supervisory authority (Art. 77) and to seek a judicial remedy (Art. 79); nFADP Art.
26(4): the reasons. Both texts when both laws apply; the reasons alone where neither does."""

from __future__ import annotations

import pytest

from art28.core.models import AuditEntry
from art28.dpo.models import Event
from art28.notify.models import Message
from art28.notify.worker import deliver_due
from tests.dpo.conftest import token_client

pytestmark = pytest.mark.django_db

REASONS = "The account was closed in 2015 and no data about you is kept since 2017."
GDPR_TEXT = ("lodge a complaint with a supervisory authority", "GDPR Art. 77", "GDPR Art. 79", "GDPR Art. 12(4)")
NFADP_TEXT = ("nFADP Art. 26(4)",)


@pytest.mark.parametrize(
    ("provider", "establishment", "offers", "requester", "regime", "gdpr", "nfadp"),
    [
        pytest.param("DE", None, True, "DE", "gdpr", True, False, id="gdpr"),
        pytest.param("CH", None, True, "CH", "nfadp", False, True, id="nfadp"),
        pytest.param("CH", None, True, "FR", "both", True, True, id="both"),
        pytest.param("US", False, False, "US", "none", False, False, id="none"),
    ],
)
def test_gdpr_art_12_4_nfadp_art_26_4_the_refusal_mail_says_what_each_law_requires(
    settings, dpo_client, submit, smtp_server, provider, establishment, offers, requester, regime, gdpr, nfadp
):
    settings.ART28_PROVIDER_COUNTRY = provider
    settings.ART28_GDPR_ESTABLISHMENT, settings.ART28_GDPR_OFFERS_TO_EEA = establishment, offers
    request = submit(country=requester, language="en")
    assert request.regime == regime
    response = dpo_client.post(
        f"/staff/dpo/{request.reference}/close",
        {"outcome": "refused", "reasons": REASONS, "note": "Checked the archive."},
        follow=True,
    )
    assert b"Request closed." in response.content
    deliver_due()
    smtp_server.sink.wait_for(2)
    (refusal,) = [r for r in smtp_server.received if "cannot be granted" in r.message["Subject"]]
    assert refusal.rcpt_tos == ["petra@example.net"] and request.reference in refusal.message["Subject"]
    text = refusal.message.get_content()
    assert REASONS in text and "Checked the archive." not in text  # the note stays internal
    assert all(phrase in text for phrase in GDPR_TEXT) is gdpr
    assert any(phrase in text for phrase in GDPR_TEXT) is gdpr
    assert all(phrase in text for phrase in NFADP_TEXT) is nfadp

    request.refresh_from_db()
    assert request.status == "closed" and request.outcome == "refused"
    assert Event.objects.get(request=request, kind="refused").text == REASONS
    entry = AuditEntry.objects.get(action="dpo.request.close")
    assert REASONS not in str(entry.after)  # the trail cannot forget: no personal data in it


def test_nfadp_art_26_4_is_cited_for_a_refused_access_request_only(settings, dpo_client, submit, smtp_server):
    """nFADP Art. 26(4) obliges the controller to say why it refuses, restricts or defers the
    INFORMATION (the right of access); refusing an erasure gives the reasons without citing it."""
    settings.ART28_PROVIDER_COUNTRY = "CH"
    request = submit(country="CH", language="en", kind="erasure")
    assert request.regime == "nfadp"
    dpo_client.post(f"/staff/dpo/{request.reference}/close", {"outcome": "refused", "reasons": REASONS})
    deliver_due()
    smtp_server.sink.wait_for(2)
    (refusal,) = [r for r in smtp_server.received if "cannot be granted" in r.message["Subject"]]
    text = refusal.message.get_content()
    assert REASONS in text and "Art. 26(4)" not in text and "GDPR" not in text


def test_gdpr_art_12_4_a_refusal_without_reasons_names_the_field_and_changes_nothing(dpo_client, submit):
    request = submit()
    response = dpo_client.post(f"/staff/dpo/{request.reference}/close", {"outcome": "refused"}, follow=True)
    assert b"reasons: This field is required." in response.content
    request.refresh_from_db()
    assert request.status == "open" and not Message.objects.filter(subject__contains="cannot be granted").exists()


def test_gdpr_art_28_3_e_the_processor_does_not_refuse_a_customers_request(dpo_user, submit):
    request = submit(controller_kind="customer")
    response = token_client(dpo_user).post(
        f"/api/v1/dpo/requests/{request.reference}/close",
        {"outcome": "refused", "reasons": "No."},
        content_type="application/json",
    )
    assert response.status_code == 422 and "outcome" in response.json()["detail"]
    request.refresh_from_db()
    assert request.status == "open"


def test_the_api_refuses_with_reasons(dpo_user, submit):
    request = submit(country="DE", language="en")
    closed = token_client(dpo_user).post(
        f"/api/v1/dpo/requests/{request.reference}/close",
        {"outcome": "refused", "reasons": REASONS},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["outcome"] == "refused"
    assert [e["kind"] for e in closed.json()["events"]][-2:] == ["refused", "closed"]
    told = Message.objects.get(to_address="petra@example.net", subject__contains="cannot be granted")
    assert REASONS in told.body_text and "GDPR Art. 12(4)" in told.body_text and "nFADP Art. 26(4)" in told.body_text
