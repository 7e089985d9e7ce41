"""The customer's DPA (GDPR Art. 28(3), (9); nFADP Art. 9): generated from the DPA template in force and
the customer's inventory; a deterministic PDF whose SHA-256 the customer administrator countersigns."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.legal.dpa import dpa_countersign, dpa_for, dpa_html, pdf_cache_key
from art28.legal.models import Acceptance, Document, DocumentVersion, VersionStatus
from art28.records.services import measure_update
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def publish(document: Document, number: int, body: str, effective_on: dt.date) -> DocumentVersion:
    return DocumentVersion.objects.create(
        document=document,
        number=number,
        body=body,
        status=VersionStatus.PUBLISHED,
        effective_on=effective_on,
        published_at=timezone.now(),
    )


@pytest.fixture
def dpa_template(db) -> DocumentVersion:
    document = Document.objects.create(
        slug="dpa", kind="dpa", title="Data processing agreement", requires_acceptance=True
    )
    today = timezone.localdate()
    publish(document, 1, "## Old terms", today - dt.timedelta(days=60))
    publish(document, 3, "## Future terms", today + dt.timedelta(days=30))  # not in force yet
    return publish(document, 2, "## Subject-matter\n\nThe processor processes **on documented instructions**.", today)


def test_art28_3_the_dpa_holds_the_template_in_force_and_the_customers_annexes(records_world, dpa_template):
    dpa = dpa_for(records_world.acme)
    assert dpa is not None and dpa.version == dpa_template
    html = dpa.html
    assert "<strong>on documented instructions</strong>" in html and "Future terms" not in html
    assert "Acme Sàrl" in html and "privacy@acme.example" in html
    assert "Backup" in html and "Web hosting" in html
    # Acme's language is French: the DPA names the countries in French (the English texts without a
    # French translation are the English, marked).
    assert "Deliverability Inc." in html and "SCC with the Swiss addendum" in html and "États-Unis (US)" in html
    assert "Disk encryption" in html and "Mail filtering" not in html and "Old restore drill" not in html
    assert "Running nightly backups." in html and "Mailbox passwords" not in html
    assert dpa.pdf.startswith(b"%PDF-")


def test_art28_2_an_objected_subprocessor_is_not_in_that_customers_dpa(records_world, dpa_template):
    assert "Deliverability Inc." not in dpa_for(records_world.beta).html


def test_the_pdf_bytes_are_deterministic_so_the_hash_can_be_recomputed(records_world, dpa_template):
    first = dpa_for(records_world.acme)
    cache.clear()  # render again with WeasyPrint, not from the PDF cache
    second = dpa_for(records_world.acme)
    assert first.pdf == second.pdf
    assert first.sha256 == hashlib.sha256(second.pdf).hexdigest()
    assert dpa_for(records_world.beta).sha256 != first.sha256  # another customer, another document
    measure_update(actor=records_world.dpo, measure=records_world.measures["tom-a-encryption"], title="AES-256 disks")
    assert dpa_for(records_world.acme).sha256 != first.sha256  # a changed annex is a different document


def test_a_generated_pdf_is_kept_by_the_digest_of_its_html(records_world, dpa_template):
    """The portal shows the DPA on every visit; WeasyPrint runs once per distinct document."""
    cache.clear()
    dpa = dpa_for(records_world.acme)
    _, document = dpa_html(records_world.acme, dpa_template)
    assert cache.get(pdf_cache_key(document)) == dpa.pdf
    assert dpa_for(records_world.acme).pdf == dpa.pdf
    _, beta_document = dpa_html(records_world.beta, dpa_template)
    assert cache.get(pdf_cache_key(beta_document)) is None  # not rendered yet


def test_without_a_published_template_the_portal_shows_a_clear_empty_state(records_world, acme_admin):
    client = logged_in(acme_admin)
    response = client.get("/portal/dpa/")
    assert response.status_code == 200 and "has not published a DPA yet" in response.content.decode()
    assert client.get("/portal/dpa/dpa.pdf").status_code == 302
    assert client.post("/portal/dpa/countersign", {"sha256": "0" * 64}).status_code == 400
    assert not Acceptance.objects.exists()


def test_art28_9_a_customer_admin_countersigns_the_exact_pdf_hash_shown(records_world, dpa_template, acme_admin):
    client = logged_in(acme_admin)
    page = client.get("/portal/dpa/").content.decode()
    pdf = client.get("/portal/dpa/dpa.pdf")
    digest = hashlib.sha256(pdf.content).hexdigest()
    assert digest in page and pdf["X-Content-SHA256"] == digest
    assert client.post("/portal/dpa/countersign", {"sha256": digest}).status_code == 302
    acceptance = Acceptance.objects.get()
    assert acceptance.organisation == records_world.acme and acceptance.version == dpa_template
    assert acceptance.method == "countersign" and acceptance.evidence_sha256 == digest
    entry = AuditEntry.objects.get(action="legal.document.accept")
    assert entry.after["evidence_sha256"] == digest and entry.organisation_id == records_world.acme.pk
    assert "Countersigned by alice@acme.example" in client.get("/portal/dpa/").content.decode()


def test_a_stale_hash_is_refused_when_the_dpa_changed_meanwhile(records_world, dpa_template, acme_admin):
    client = logged_in(acme_admin)
    old = dpa_for(records_world.acme).sha256
    measure_update(actor=records_world.dpo, measure=records_world.measures["tom-a-encryption"], title="AES-256 disks")
    response = client.post("/portal/dpa/countersign", {"sha256": old})
    assert response.status_code == 400 and "changed since you opened it" in response.content.decode()
    bad = client.post("/portal/dpa/countersign", {"sha256": "not-a-hash"})
    assert bad.status_code == 400 and "64-hex-digit" in bad.content.decode()
    assert not Acceptance.objects.exists()


def test_a_viewer_cannot_countersign_nor_another_organisation_for_acme(
    records_world, dpa_template, acme_viewer, beta_admin_client
):
    digest = dpa_for(records_world.acme).sha256
    viewer = logged_in(acme_viewer)
    assert "Countersign the DPA" not in viewer.get("/portal/dpa/").content.decode()
    assert viewer.post("/portal/dpa/countersign", {"sha256": digest}).status_code == 403
    # BETA's admin echoing ACME's hash signs nothing for ACME, and its own DPA has another hash.
    assert beta_admin_client.post("/portal/dpa/countersign", {"sha256": digest}).status_code == 400
    assert not Acceptance.objects.exists()
    with pytest.raises(PermissionDenied):
        dpa_countersign(actor=acme_viewer, organisation=records_world.acme, echoed_sha256=digest)


def test_staff_download_any_customers_dpa_and_customers_see_only_their_own(records_world, dpa_template, auditor):
    response = logged_in(auditor).get("/staff/records/BETA/dpa.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response["X-Content-SHA256"] == dpa_for(records_world.beta).sha256
    with pytest.raises(PermissionDenied):  # staff never countersign for a customer
        dpa_countersign(actor=auditor, organisation=records_world.beta, echoed_sha256=response["X-Content-SHA256"])


def test_staff_dpa_download_without_a_template_explains_and_goes_back(records_world, auditor):
    response = logged_in(auditor).get("/staff/records/ACME/dpa.pdf", follow=True)
    assert response.redirect_chain[-1][0] == "/staff/records/ACME/"
    assert "No DPA template is published yet" in response.content.decode()


def _token_client(user):
    from django.test import Client

    from art28.core.services import api_token_create

    _, secret = api_token_create(actor=user, user=user, name="dpa")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_art28_9_the_dpa_by_api_download_and_countersign(records_world, dpa_template, acme_admin, acme_viewer):
    admin = _token_client(acme_admin)
    response = admin.get("/api/v1/legal/my/dpa")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    sha256 = hashlib.sha256(response.content).hexdigest()
    assert response["X-Content-SHA256"] == sha256
    viewer = _token_client(acme_viewer)
    assert viewer.get("/api/v1/legal/my/dpa").status_code == 200
    refused = viewer.post("/api/v1/legal/my/dpa/countersign", {"sha256": sha256}, content_type="application/json")
    assert refused.status_code == 403 and not Acceptance.objects.exists()
    stale = admin.post("/api/v1/legal/my/dpa/countersign", {"sha256": "0" * 64}, content_type="application/json")
    assert stale.status_code == 422 and "sha256: The DPA changed" in stale.json()["detail"]
    signed = admin.post("/api/v1/legal/my/dpa/countersign", {"sha256": sha256}, content_type="application/json")
    assert signed.status_code == 201
    acceptance = Acceptance.objects.get()
    assert acceptance.organisation == records_world.acme and acceptance.evidence_sha256 == sha256


def test_the_dpa_api_is_scoped_staff_read_any_and_customers_only_their_own(
    records_world, dpa_template, acme_admin, dpo_client
):
    customer = _token_client(acme_admin)
    assert customer.get("/api/v1/legal/dpa/BETA").status_code == 403
    staff = dpo_client.get("/api/v1/legal/dpa/BETA")
    assert staff.status_code == 200 and staff.content.startswith(b"%PDF-")
    assert dpo_client.get("/api/v1/legal/dpa/NOPE").status_code == 404
    assert dpo_client.get("/api/v1/legal/my/dpa").status_code == 403
