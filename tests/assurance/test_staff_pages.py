"""The staff pages of /staff/assurance/: the DPO and administrators change the trust center's profile and
certifications (uploads included); other staff read; customers and the public are kept out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from art28.assurance.models import Certification, TrustCenterProfile
from art28.core.models import AuditEntry
from art28.core.roles import Role
from tests.assurance.conftest import PDF, PNG, SVG, add_certification, today
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def _form(**fields) -> dict:
    return {
        "name": "ISO/IEC 27701:2019",
        "issuer": "SGS Société Générale de Surveillance SA",
        "scope": "Privacy information management for the hosting services",
        "valid_from": "2026-01-01",
        "valid_until": (today() + dt.timedelta(days=500)).isoformat(),
        "position": "1",
        "published": "on",
    } | fields


def test_the_dpo_uploads_a_logo_and_sets_the_tagline(dpo_client: Client):
    response = dpo_client.post(
        "/staff/assurance/trust-center/",
        {
            "tagline": "Swiss hosting since 1998",
            "summary": "",
            "logo": SimpleUploadedFile("logo.png", PNG, "image/png"),
        },
    )
    assert response.status_code == 302
    profile = TrustCenterProfile.objects.get()
    assert profile.tagline == "Swiss hosting since 1998" and bytes(profile.logo) == PNG
    page = dpo_client.get("/staff/assurance/trust-center/").content.decode()
    assert f'src="/trust/logo/{profile.logo_sha256}"' in page


def test_an_svg_renamed_png_is_refused_on_the_logo_field(dpo_client: Client):
    response = dpo_client.post(
        "/staff/assurance/trust-center/",
        {"tagline": "x", "logo": SimpleUploadedFile("logo.png", SVG, "image/png")},
    )
    assert response.status_code == 400
    assert "PNG, JPEG or WebP" in response.content.decode()
    assert not TrustCenterProfile.objects.exists()


def test_the_dpo_adds_edits_and_deletes_a_certification(dpo_client: Client):
    response = dpo_client.post(
        "/staff/assurance/certifications/new/",
        _form(certificate=SimpleUploadedFile("cert.pdf", PDF, "application/pdf")),
    )
    assert response.status_code == 302, response.content.decode()
    certification = Certification.objects.get()
    assert certification.name == "ISO/IEC 27701:2019" and bytes(certification.certificate) == PDF
    listing = dpo_client.get("/staff/assurance/certifications/").content.decode()
    assert "ISO/IEC 27701:2019" in listing and f"/staff/assurance/certifications/{certification.pk}/" in listing

    edit = f"/staff/assurance/certifications/{certification.pk}/"
    assert dpo_client.get(edit).status_code == 200
    assert dpo_client.post(edit, _form(name="ISO/IEC 27701:2019 (amended)", published="")).status_code == 302
    certification.refresh_from_db()
    assert certification.name.endswith("(amended)") and not certification.published
    assert bytes(certification.certificate) == PDF  # no new file: kept

    assert dpo_client.post(f"{edit}delete").status_code == 302
    assert not Certification.objects.exists()
    actions = list(AuditEntry.objects.filter(action__startswith="assurance.").values_list("action", flat=True))
    assert actions == [
        "assurance.certification.create",
        "assurance.certification.update",
        "assurance.certification.delete",
    ]


def test_a_certificate_that_is_not_a_pdf_is_refused_on_its_field(dpo_client: Client):
    response = dpo_client.post(
        "/staff/assurance/certifications/new/",
        _form(certificate=SimpleUploadedFile("cert.pdf", PNG, "application/pdf")),
    )
    assert response.status_code == 400 and "must be a PDF" in response.content.decode()
    assert not Certification.objects.exists()


def test_dates_in_the_wrong_order_are_refused(dpo_client: Client):
    response = dpo_client.post(
        "/staff/assurance/certifications/new/", _form(valid_from="2027-01-02", valid_until="2027-01-01")
    )
    assert response.status_code == 400 and "before the first" in response.content.decode()


def test_the_list_flags_expired_and_expiring_certifications(dpo_client: Client):
    add_certification("Expired yesterday", valid_until=today() - dt.timedelta(days=1))
    add_certification("Ends today", valid_until=today())
    add_certification("Ends in 60 days", valid_until=today() + dt.timedelta(days=60))
    add_certification("Ends in 61 days", valid_until=today() + dt.timedelta(days=61))
    html = dpo_client.get("/staff/assurance/certifications/").content.decode()
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in html.split("<tr")[2:]}
    assert "expired on" in rows["Expired yesterday"] and 'class="flagged"' in "<tr" + rows["Expired yesterday"]
    assert "expires on" in rows["Ends today"] and "expired" not in rows["Ends today"]
    assert "expires on" in rows["Ends in 60 days"]
    assert "badge ok" in rows["Ends in 61 days"]


def test_staff_download_the_stored_certificate_even_unpublished(dpo_client: Client, security_client: Client):
    certification = add_certification(certificate=PDF, published=False)
    for client in (dpo_client, security_client):
        response = client.get(f"/staff/assurance/certifications/{certification.pk}/certificate.pdf")
        assert response.status_code == 200 and response.content == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="isoiec-270012022.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]


def test_other_staff_read_but_do_not_change(security_client: Client, make_user):
    certification = add_certification()
    assert security_client.get("/staff/assurance/trust-center/").status_code == 200
    assert security_client.post("/staff/assurance/trust-center/", {"tagline": "x"}).status_code == 403
    html = security_client.get("/staff/assurance/certifications/").content.decode()
    assert "ISO/IEC 27001:2022" in html and "/new/" not in html
    assert security_client.get("/staff/assurance/certifications/new/").status_code == 403
    assert security_client.post(f"/staff/assurance/certifications/{certification.pk}/delete").status_code == 403
    auditor = logged_in(make_user("audit@provider.example", Role.AUDITOR))
    assert auditor.get("/staff/assurance/certifications/").status_code == 200
    assert Certification.objects.count() == 1 and not TrustCenterProfile.objects.exists()


def test_customers_and_the_public_are_kept_out(client_a: Client):
    certification = add_certification(certificate=PDF)
    for url in (
        "/staff/assurance/trust-center/",
        "/staff/assurance/certifications/",
        f"/staff/assurance/certifications/{certification.pk}/certificate.pdf",
    ):
        assert client_a.get(url).status_code == 403
        assert Client().get(url)["Location"].startswith("/accounts/login/")


def test_an_unknown_certification_is_a_404(dpo_client: Client):
    assert dpo_client.get("/staff/assurance/certifications/999/").status_code == 404
    assert dpo_client.get("/staff/assurance/certifications/999/certificate.pdf").status_code == 404


def test_the_dashboard_warns_of_published_certifications_expiring_within_60_days(dpo_client: Client):
    add_certification("Far from its end", valid_until=today() + dt.timedelta(days=61))
    add_certification("Unpublished and ending", valid_until=today(), published=False)
    html = dpo_client.get("/staff/").content.decode()
    assert "/staff/assurance/trust-center/" in html and "/staff/assurance/certifications/" in html
    assert "expires within 60 days" not in html
    add_certification("SOC 2 Type II", valid_until=today() + dt.timedelta(days=60))
    html = dpo_client.get("/staff/").content.decode()
    assert "1 published certification has expired or expires within 60 days" in html and "SOC 2 Type II" in html


def test_an_upload_over_the_limit_is_refused_before_it_reaches_the_service(dpo_client: Client):
    big_logo = SimpleUploadedFile("logo.png", PNG + b"\x00" * (512 * 1024), "image/png")
    response = dpo_client.post("/staff/assurance/trust-center/", {"tagline": "x", "logo": big_logo})
    assert response.status_code == 400 and "too large (at most 512.0\xa0KB)" in response.content.decode()
    big_pdf = SimpleUploadedFile("cert.pdf", PDF + b"\x00" * (10 * 1024 * 1024), "application/pdf")
    response = dpo_client.post("/staff/assurance/certifications/new/", _form(certificate=big_pdf))
    assert response.status_code == 400 and "too large (at most 10.0\xa0MB)" in response.content.decode()
    assert not TrustCenterProfile.objects.exists() and not Certification.objects.exists()
