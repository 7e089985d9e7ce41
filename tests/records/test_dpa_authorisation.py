"""Accepting a DPA version that grants an authorisation of sub-processors records it (GDPR Art. 28(2):
prior written authorisation, Art. 28(9): electronic form allowed; nFADP Art. 9(3), DSV Art. 7): in the
same transaction as the acceptance, dated, linked to the Acceptance and to the SHA-256 of the text
accepted. The old code recorded nothing: the customer stayed on a default it never gave."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.legal.dpa import dpa_for
from art28.legal.models import Acceptance, DocumentKind
from art28.legal.services import document_accept, document_create, version_draft, version_publish
from art28.residency.engine import SUBPROCESSOR_UNAUTHORISED, run_audit
from art28.subprocessors.models import Contract
from art28.subprocessors.selectors import contract_terms
from art28.subprocessors.services import contract_set
from tests.conftest import TEST_ACTOR, logged_in
from tests.legal.dpa_text import dpa_text
from tests.subprocessors.fixtures import without_authorisation

pytestmark = pytest.mark.django_db


def publish_dpa(front_matter: str):
    document = document_create(
        actor=TEST_ACTOR, slug="dpa", kind=DocumentKind.DPA, title="Data processing agreement", requires_acceptance=True
    )
    version = version_draft(actor=TEST_ACTOR, document=document, body=dpa_text(front_matter))
    return version_publish(actor=TEST_ACTOR, version=version, effective_on=timezone.localdate())


def unauthorised(ref: str) -> set[str]:
    return {v.destination for v in run_audit() if v.reason == SUBPROCESSOR_UNAUTHORISED and v.customer == ref}


def test_art28_2_countersigning_a_dpa_that_grants_it_records_the_authorisation_with_the_pdf_hash(
    records_world, acme_admin
):
    without_authorisation(records_world.acme)
    assert unauthorised("ACME") == {"helpdesk", "mailjet-us"}
    version = publish_dpa("authorisation: general\nnotice_days: 45")
    client = logged_in(acme_admin)
    digest = dpa_for(records_world.acme).sha256
    assert client.post("/portal/dpa/countersign", {"sha256": digest}).status_code == 302

    acceptance = Acceptance.objects.get(organisation=records_world.acme, version=version)
    contract = Contract.objects.get(organisation=records_world.acme)
    assert (contract.authorisation, contract.notice_days, contract.source) == ("general", 45, "dpa-acceptance")
    assert contract.acceptance == acceptance and contract.evidence_sha256 == digest == acceptance.evidence_sha256
    assert contract.recorded_on == contract.signed_on == timezone.localdate(acceptance.accepted_at)
    entry = AuditEntry.objects.get(action="subprocessor.contract.dpa-acceptance")
    accepted = AuditEntry.objects.get(action="legal.document.accept")
    assert entry.organisation_id == records_world.acme.pk and entry.seq == accepted.seq + 1
    assert entry.before["authorisation"] == "none" and entry.after["evidence_sha256"] == digest
    assert accepted.after["grants"] == "general, 45 days"
    assert unauthorised("ACME") == set()  # the residency finding is gone
    html = logged_in(records_world.dpo).get("/staff/subprocessors/contracts/ACME/").content.decode()
    assert digest in html and "Data processing agreement, version 1" in html


def test_a_plain_acceptance_keeps_the_sha256_of_the_version_text(records_world, acme_admin):
    """The service also takes a DPA accepted without countersignature: the evidence is then the
    SHA-256 of the version's Markdown, the text accepted."""
    without_authorisation(records_world.acme)
    version = publish_dpa("authorisation: specific")
    document_accept(actor=acme_admin, organisation=records_world.acme, version=version)
    contract = Contract.objects.get(organisation=records_world.acme)
    assert (contract.authorisation, contract.notice_days) == ("specific", 30)
    assert contract.evidence_sha256 == hashlib.sha256(version.body.encode()).hexdigest()
    assert contract_terms(records_world.acme).acceptance.version == version


def test_a_dpa_that_grants_nothing_records_nothing(records_world, acme_admin):
    without_authorisation(records_world.acme)
    version = publish_dpa("")
    document_accept(actor=acme_admin, organisation=records_world.acme, version=version)
    assert not Contract.objects.filter(organisation=records_world.acme).exists()
    assert not contract_terms(records_world.acme).authorised


def test_an_acceptance_replaces_a_paper_contract_and_a_later_paper_contract_replaces_it(records_world, acme_admin):
    version = publish_dpa("authorisation: general\nnotice_days: 60")
    document_accept(actor=acme_admin, organisation=records_world.acme, version=version)
    assert Contract.objects.get(organisation=records_world.acme).notice_days == 60
    contract_set(actor=TEST_ACTOR, organisation=records_world.acme, authorisation="specific", notice_days=20)
    contract = Contract.objects.get(organisation=records_world.acme)
    assert (contract.source, contract.acceptance, contract.evidence_sha256) == ("manual", None, "")


def pdf_text(html: str) -> str:
    """The text WeasyPrint lays out on the PDF's pages (what a reader of the PDF sees)."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TextBox

    document = HTML(string=html).render()
    return " ".join(
        box.text for page in document.pages for box in page._page_box.descendants() if isinstance(box, TextBox)
    )


def test_art28_3_the_clause_markers_and_front_matter_are_not_in_the_dpa_html_nor_its_pdf(records_world):
    from art28.legal.dpa import dpa_html

    version = publish_dpa("authorisation: general\nnotice_days: 30")
    _body, document = dpa_html(records_world.acme, version)
    assert "{clause:" not in document and "notice_days" not in document
    text = pdf_text(document)
    assert "The parties agree on the" in text  # the clauses' text is there
    assert "clause:" not in text and "notice_days" not in text and "authorisation: general" not in text
