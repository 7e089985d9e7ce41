"""Signed residency attestations in the portal: issue, list, download, verify; never another's (S1)."""

from __future__ import annotations

import json
import uuid

import pytest

from art28.core.signing import provider_public_key, verify_document
from art28.residency.models import Attestation
from art28.residency.services import attestation_issue
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


def test_issue_list_download_and_verify(client_a, org_a, two_customers, signing_key):
    response = client_a.post("/portal/attestations/issue")
    assert response.status_code == 302 and response["Location"] == "/portal/attestations/"
    attestation = Attestation.objects.get(organisation=org_a)

    listing = client_a.get("/portal/attestations/").content.decode()
    assert "Attestation issued as of" in listing
    assert attestation.key_id in listing
    assert "Switzerland (CH), Germany (DE)" in listing
    assert "findings" in listing  # not compliant: the backup to Frankfurt
    assert "/trust/attestation-key.pem" in listing and "art28 attestation-verify" in listing

    download = client_a.get(f"/portal/attestations/{attestation.public_id}.json")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/json")
    assert download["Content-Disposition"].startswith('attachment; filename="attestation-acme-')
    result = verify_document(download.content, provider_public_key())
    assert result.ok, result.reason
    statement = result.statement
    assert statement["customer"]["ref"] == "ACME"
    assert {p["asset"] for p in statement["placements"]} == {"acme-vm-1", "acme-bucket"}
    assert statement["compliant"] is False


def test_pdf_download(client_a, org_a, two_customers, signing_key):
    attestation = attestation_issue(actor=TEST_ACTOR, organisation=org_a)
    response = client_a.get(f"/portal/attestations/{attestation.public_id}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")


def test_downloaded_json_is_the_stored_document_byte_for_byte(client_a, org_a, signing_key):
    attestation = attestation_issue(actor=TEST_ACTOR, organisation=org_a)
    response = client_a.get(f"/portal/attestations/{attestation.public_id}.json")
    assert response.content.decode() == attestation.document
    assert json.loads(response.content)["attestation"]["placements"] == []


def test_another_organisations_attestation_is_not_found(client_b, org_a, two_customers, signing_key):
    attestation = attestation_issue(actor=TEST_ACTOR, organisation=org_a)
    for suffix in ("json", "pdf"):
        assert client_b.get(f"/portal/attestations/{attestation.public_id}.{suffix}").status_code == 404
        assert client_b.get(f"/portal/attestations/{uuid.uuid4()}.{suffix}").status_code == 404
    assert str(attestation.public_id) not in client_b.get("/portal/attestations/").content.decode()


def test_viewer_sees_the_list_but_cannot_issue(client_b, org_b, signing_key):
    attestation_issue(actor=TEST_ACTOR, organisation=org_b)
    listing = client_b.get("/portal/attestations/").content.decode()
    assert "/portal/attestations/issue" not in listing
    assert "administrators can issue" in listing
    assert client_b.post("/portal/attestations/issue").status_code == 403
    assert Attestation.objects.filter(organisation=org_b).count() == 1


def test_issue_needs_post(client_a, signing_key):
    assert client_a.get("/portal/attestations/issue").status_code == 405


def test_issue_without_signing_key_says_so_and_issues_nothing(client_a, org_a, settings, tmp_path):
    settings.ART28_SIGNING_KEY_FILE = tmp_path / "missing.pem"
    response = client_a.post("/portal/attestations/issue", follow=True)
    assert "no signing key" in response.content.decode()
    assert not Attestation.objects.exists()


def test_issuing_writes_the_audit_trail(client_a, org_a, customer_a, signing_key):
    from art28.core.models import AuditEntry

    client_a.post("/portal/attestations/issue")
    entry = AuditEntry.objects.get(action="attestation.issue")
    assert entry.actor_id == customer_a.pk and entry.organisation_id == org_a.pk


def test_empty_list(client_a):
    assert "No attestation has been issued" in client_a.get("/portal/attestations/").content.decode()
