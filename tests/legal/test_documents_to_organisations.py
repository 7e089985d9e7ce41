"""Documents addressed to an organisation are in the organisation's language (issue 11 item 2): the DPA
states its language and offers the others, and its countersignature records the language of the text
signed with the PDF's hash (GDPR Art. 28(9)); the notice of a new version is written in the organisation's
language with the title and what changed in that language; the demo carries FR/DE/IT texts."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from art28.core.roles import Role
from art28.legal.dpa import dpa_countersign, dpa_for
from art28.legal.models import Acceptance, Document, DocumentKind, DocumentVersion
from art28.legal.services import version_draft, version_publish
from art28.notify.models import Message
from tests.conftest import TEST_ACTOR, logged_in
from tests.legal.conftest import accept, new_document, publish, today
from tests.legal.dpa_text import dpa_text

pytestmark = pytest.mark.django_db

FRENCH_DPA = dpa_text(extra="\nLe sous-traitant traite les données uniquement en Suisse.\n")
GERMAN_DPA = dpa_text(extra="\nDer Auftragsbearbeiter bearbeitet die Daten nur in der Schweiz.\n")


@pytest.fixture
def dpa() -> DocumentVersion:
    document = new_document("dpa", DocumentKind.DPA)
    document.title_i18n = {"fr": "Contrat de sous-traitance", "de": "Auftragsbearbeitungsvertrag"}
    document.save()
    draft = version_draft(
        actor=TEST_ACTOR, document=document, body=dpa_text(), body_i18n={"fr": FRENCH_DPA, "de": GERMAN_DPA}
    )
    return version_publish(actor=TEST_ACTOR, version=draft, effective_on=today())


def test_the_dpa_is_in_the_organisations_language_and_offers_the_others(org_a, dpa):
    generated = dpa_for(org_a)  # Acme's language is French
    assert generated.language == "fr"
    assert "uniquement en Suisse" in generated.html and "Contrat de sous-traitance" in generated.html
    assert 'class="small dpa-language" lang="fr"' in generated.html
    assert "/portal/dpa/?lang=de" in generated.html and "/portal/dpa/?lang=en" in generated.html
    assert "/portal/dpa/?lang=fr" not in generated.html and "/portal/dpa/?lang=it" not in generated.html
    german = dpa_for(org_a, language="de")
    assert german.language == "de" and "nur in der Schweiz" in german.html and german.sha256 != generated.sha256


def test_a_dpa_without_the_organisations_language_is_the_english_text_and_says_so(make_org, dpa):
    gamma = make_org("GAMMA", name="Gamma SA", language="it")
    generated = dpa_for(gamma)
    assert (generated.language, generated.text.missing) == ("en", True)
    # The note is in the organisation's language (Italian), saying the text below is the English one.
    assert "Questo documento è in inglese: non è disponibile in" in generated.html
    assert '<section class="dpa-terms" lang="en">' in generated.html


def test_gdpr_art_28_9_the_countersignature_records_the_language_and_the_pdf_hash(customer_a, dpa):
    generated = dpa_for(customer_a.organisation)
    acceptance = dpa_countersign(actor=customer_a, organisation=customer_a.organisation, echoed_sha256=generated.sha256)
    assert (acceptance.language, acceptance.evidence_sha256) == ("fr", generated.sha256)
    assert acceptance.text_sha256 == hashlib.sha256(FRENCH_DPA.strip().encode()).hexdigest()


def test_the_portal_countersigns_the_language_shown(customer_a, dpa):
    client = logged_in(customer_a)
    page = client.get("/portal/dpa/?lang=de").content.decode()
    assert "nur in der Schweiz" in page and 'name="language" value="de"' in page
    assert 'href="/portal/dpa/dpa.pdf?lang=de"' in page
    german = dpa_for(customer_a.organisation, language="de")
    pdf = client.get("/portal/dpa/dpa.pdf?lang=de")
    assert pdf["X-Content-SHA256"] == german.sha256
    client.post("/portal/dpa/countersign", {"sha256": german.sha256, "language": "de"})
    acceptance = Acceptance.objects.get()
    assert (acceptance.language, acceptance.evidence_sha256) == ("de", german.sha256)


def test_the_new_version_notice_is_in_the_organisations_language(customer_a, org_a):
    terms = new_document("terms", DocumentKind.TERMS)
    terms.title_i18n = {"fr": "Conditions générales"}
    terms.save()
    accept(customer_a, publish(terms, "# Terms\n\nv1\n"))
    draft = version_draft(
        actor=TEST_ACTOR,
        document=terms,
        body="# Terms\n\nv2\n",
        body_i18n={"de": "# Bedingungen\n\nv2\n"},
        change_summary="Faster answers.",
        change_summary_i18n={"fr": "Des réponses plus rapides."},
    )
    version_publish(actor=TEST_ACTOR, version=draft, effective_on=today() + dt.timedelta(days=30))
    message = Message.objects.get(topic="legal.document-version", organisation=org_a)
    assert "Conditions générales" in message.subject
    assert "Des réponses plus rapides." in message.body_text and "Faster answers." not in message.body_text
    assert "/fr/trust/policies/terms/diff/?from=1&to=2" in message.body_text
    assert message.payload["change_summary_i18n"] == {"en": "Faster answers.", "fr": "Des réponses plus rapides."}


def test_the_demo_documents_carry_french_german_and_italian_texts_but_the_cookie_policy_no_italian(make_org, make_user):
    from art28.demo.legal import load_demo_legal

    make_user("customer@example.org", Role.CUSTOMER_ADMIN, make_org("DEMO1", name="Demo One", language="fr"))
    load_demo_legal(TEST_ACTOR)
    for document in Document.objects.all():
        assert set(document.title_i18n) == {"fr", "de", "it"}
        for version in document.versions.all():
            expected = {"fr", "de"} if document.slug == "cookies" else {"fr", "de", "it"}
            assert set(version.body_i18n) == expected, (document.slug, version.number)
            if version.change_summary:
                assert set(version.change_summary_i18n) == {"fr", "de", "it"}
    texts = {
        code: " ".join(text.split()) for code, text in Document.objects.get(slug="dpa").versions.get().body_i18n.items()
    }
    assert "conseiller à la protection des données" in texts["fr"]
    assert "Datenschutzberater" in texts["de"] and "Auftragsbearbeiter" in texts["de"] and "ß" not in texts["de"]
    assert "consulente per la protezione dei dati" in texts["it"]
