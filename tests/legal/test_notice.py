"""A new version of a document customers accept (GDPR Art. 28(3),(9)): ART28_LEGAL_NOTICE_DAYS of notice,
and exactly the customers who accepted an earlier version are told through the outbox, once each, in
their language, with the title, what changed, the effective date and the link to the diff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.legal.models import DocumentKind
from art28.legal.services import version_draft, version_publish
from art28.notify.models import Message
from art28.notify.worker import deliver_due
from tests.conftest import TEST_ACTOR
from tests.legal.conftest import accept, new_document, publish, today

pytestmark = pytest.mark.django_db
IN_30_DAYS = dt.timedelta(days=30)


@pytest.fixture
def terms_accepted(customer_a, admin_b, make_org, make_user):
    """Terms v1 and v2 in force; Acme accepted v1 and v2, Beta only v1; Gamma nothing."""
    terms = new_document("terms", DocumentKind.TERMS)
    v1 = publish(terms, "# Terms\n\nLiability is limited.\n")
    accept(customer_a, v1)
    accept(admin_b, v1)
    v2 = publish(terms, "# Terms\n\nLiability is limited to the fees.\n", on=today() + IN_30_DAYS)
    accept(customer_a, v2)  # a customer may accept an upcoming version ahead
    gamma = make_org("GAMMA", name="Gamma SA", language="it", privacy_email="privacy@gamma.example")
    make_user("gina@gamma.example", Role.CUSTOMER_ADMIN, gamma)
    Message.objects.all().delete()
    return terms


def test_gdpr_art_28_9_the_customers_who_accepted_are_told_once_each_in_their_language(terms_accepted, org_a, org_b):
    v3 = publish(
        terms_accepted,
        "# Terms\n\nLiability is limited to the fees of one year.\n",
        on=today() + IN_30_DAYS,
        summary="Liability cap: one year of fees.",
    )
    messages = {m.organisation.ref: m for m in Message.objects.filter(topic="legal.document-version")}
    assert set(messages) == {"ACME", "BETA"}  # not Gamma, who accepted nothing; Acme once despite two acceptances
    acme, beta = messages["ACME"], messages["BETA"]
    assert (acme.language, beta.language) == ("fr", "de")
    assert acme.source_type == "legal.documentversion" and acme.source_id == v3.pk
    assert "Terms and conditions" in beta.subject
    assert "Liability cap: one year of fees." in beta.body_text
    assert "/trust/policies/terms/diff/?from=1&to=3" in beta.body_text  # from the version Beta accepted
    assert "/trust/policies/terms/diff/?from=2&to=3" in acme.body_text
    assert "Beta AG" in beta.body_text and "{customer_name}" not in beta.body_text
    assert beta.payload["effective_on"] == str(v3.effective_on) and beta.payload["accepted_version"] == 1
    assert AuditEntry.objects.get(action="legal.version.publish", object_id=str(v3.pk)).after["customers_told"] == 2


def test_gdpr_art_28_9_notice_days_are_required_once_customers_accepted(terms_accepted, settings):
    settings.ART28_LEGAL_NOTICE_DAYS = 45
    draft = version_draft(actor=TEST_ACTOR, document=terms_accepted, body="# Terms v3")
    with pytest.raises(ValidationError) as caught:
        version_publish(actor=TEST_ACTOR, version=draft, effective_on=today() + IN_30_DAYS)
    assert "45 days" in caught.value.message_dict["effective_on"][0]
    draft.refresh_from_db()
    assert draft.status == "draft" and not Message.objects.exists()
    version_publish(actor=TEST_ACTOR, version=draft, effective_on=today() + dt.timedelta(days=45))
    assert Message.objects.filter(topic="legal.document-version").count() == 2


def test_a_policy_nobody_accepts_takes_effect_the_same_day_and_nobody_is_told(customer_a):
    privacy = new_document("privacy", DocumentKind.DATA_PROTECTION)
    publish(privacy, "# v1")
    publish(privacy, "# v2")
    assert not Message.objects.exists()


def test_terms_nobody_accepted_yet_may_take_effect_the_same_day(customer_a):
    terms = new_document("terms", DocumentKind.TERMS)
    publish(terms, "# v1")
    publish(terms, "# v2")
    assert not Message.objects.exists()


def test_the_notice_reaches_the_privacy_contact_by_email(terms_accepted, smtp_server):
    publish(terms_accepted, "# Terms v3", on=today() + IN_30_DAYS, summary="Shorter.")
    deliver_due()
    recipients = sorted(address for received in smtp_server.received for address in received.rcpt_tos)
    assert recipients == ["dsb@beta.example", "privacy@acme.example"]
    beta = next(r for r in smtp_server.received if "dsb@beta.example" in r.rcpt_tos)
    assert "Terms and conditions" in beta.message["Subject"]
    assert "diff/?from=1&to=3" in beta.message.get_body(("plain",)).get_content()
