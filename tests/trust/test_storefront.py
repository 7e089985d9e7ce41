"""The trust center as the provider's storefront: its logo and name lead, a summary at the top, the
certifications valid today (and only those), their files served safely, a table of contents, a favicon."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker
from tests.assurance.conftest import JPEG, PDF, PNG, add_certification, today
from tests.conftest import TEST_ACTOR

from art28.assurance.services import certification_update, trust_profile_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _provider(settings):
    settings.ART28_PROVIDER_NAME = "Example Hosting SA"


def _page(language: str = "en") -> str:
    return Client().get(f"/{language}/trust/").content.decode()


def test_the_provider_name_leads_and_art28_is_only_powered_by(register):
    html = _page()
    brand = html.split('<a class="brand"', 1)[1].split("</a>", 1)[0]
    assert 'href="/en/trust/"' in brand and "Example Hosting SA" in brand and "art28" not in brand
    assert "<img" not in brand  # no logo uploaded
    footer = html.split('<footer class="footer">', 1)[1].split("</footer>", 1)[0]
    assert "Example Hosting SA" in footer and "powered by art28" in footer


def test_the_uploaded_logo_leads_the_header_of_every_trust_page(register, django_capture_on_commit_callbacks):
    _page()  # cached without a logo
    with django_capture_on_commit_callbacks(execute=True):
        profile = trust_profile_update(actor=TEST_ACTOR, tagline="Swiss hosting since 1998", logo=PNG)
    logo_url = f"/trust/logo/{profile.logo_sha256}"
    for url in ("/en/trust/", "/fr/trust/contact/", "/de/trust/policies/", "/trust/subscribe/"):
        html = Client().get(url).content.decode()
        brand = html.split('<a class="brand"', 1)[1].split("</a>", 1)[0]
        assert f'<img class="brand-logo" src="{logo_url}"' in brand, url
        assert "Example Hosting SA" in brand
    assert "Swiss hosting since 1998" in _page()


def test_the_logo_is_served_with_its_type_nosniff_and_a_long_cache(db):
    profile = trust_profile_update(actor=TEST_ACTOR, logo=JPEG)
    response = Client().get(f"/trust/logo/{profile.logo_sha256}")
    assert response.status_code == 200 and response.content == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_old_or_unknown_logo_url_is_a_404(db):
    assert Client().get(f"/trust/logo/{'0' * 64}").status_code == 404  # no logo at all
    old = trust_profile_update(actor=TEST_ACTOR, logo=PNG).logo_sha256
    new = trust_profile_update(actor=TEST_ACTOR, logo=JPEG).logo_sha256
    assert Client().get(f"/trust/logo/{old}").status_code == 404
    assert Client().get(f"/trust/logo/{new}").status_code == 200


def test_the_public_sees_only_certifications_valid_today_both_ends_included(register):
    add_certification("Ends today", valid_until=today())
    add_certification("Starts today", valid_from=today())
    add_certification("Ended yesterday", valid_until=today() - dt.timedelta(days=1))
    add_certification(
        "Starts tomorrow", valid_from=today() + dt.timedelta(days=1), valid_until=today() + dt.timedelta(days=900)
    )
    add_certification("Unpublished", published=False)
    html = _page()
    assert 'id="certifications"' in html and 'href="#certifications"' in html
    assert "Ends today" in html and "Starts today" in html
    assert "Ended yesterday" not in html and "Starts tomorrow" not in html and "Unpublished" not in html


def test_without_a_valid_certification_the_section_is_left_out(register):
    add_certification("Ended yesterday", valid_until=today() - dt.timedelta(days=1))
    html = _page()
    assert 'id="certifications"' not in html and 'href="#certifications"' not in html


def test_a_certification_shows_its_body_scope_validity_and_download(register):
    certification = add_certification(
        scope="Hosting and backup services in Geneva", certificate=PDF, valid_until=dt.date(2099, 12, 31)
    )
    html = _page()
    card = html.split(f'id="certification-{certification.pk}"', 1)[1].split("</article>", 1)[0]
    assert "ISO/IEC 27001:2022" in card and "SQS Swiss Association for Quality" in card
    assert "Hosting and backup services in Geneva" in card and "until 31 Dec 2099" in card
    assert f'href="/trust/certifications/{certification.pk}/{certification.certificate_sha256}.pdf"' in card


def test_the_certificate_downloads_as_an_attachment(db):
    certification = add_certification(certificate=PDF)
    response = Client().get(f"/trust/certifications/{certification.pk}/{hashlib.sha256(PDF).hexdigest()}.pdf")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="isoiec-270012022.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("state", ["expired", "unpublished", "wrong digest"])
def test_a_certificate_the_public_may_not_see_is_a_404(db, state):
    fields = {
        "expired": {"valid_until": today() - dt.timedelta(days=1)},
        "unpublished": {"published": False},
        "wrong digest": {},
    }[state]
    certification = add_certification(certificate=PDF, **fields)
    digest = "0" * 64 if state == "wrong digest" else certification.certificate_sha256
    assert Client().get(f"/trust/certifications/{certification.pk}/{digest}.pdf").status_code == 404


def test_the_summary_counts_sites_countries_subprocessors_and_certifications(register):
    add_certification("ISO/IEC 27001:2022")
    add_certification("ISO/IEC 27701:2019", position=1)
    html = _page()
    summary = html.split('id="summary"', 1)[1].split("</section>", 1)[0]
    # Sites GVA1 (CH) and FRA1 (DE): Switzerland first.
    assert '<div class="value summary-countries">Switzerland, Germany</div>' in summary
    assert "2 datacenters" in summary
    # cloud, cdn, backup, colo are in use.
    assert (
        '<div class="value">4</div>' in summary
        and "sub-processors in use (Switzerland, Germany, United States)" in summary
    )
    assert "ISO/IEC 27001:2022, ISO/IEC 27701:2019" in summary and "valid certifications" in summary
    # No intrusion-test or patch figure until those modules exist.
    assert "intrusion" not in summary.lower() and "patch" not in summary.lower()


def test_a_certification_change_refreshes_the_cached_page(register, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certification = add_certification("SOC 2 Type II")
    assert "SOC 2 Type II" in _page()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        certification_update(
            actor=TEST_ACTOR,
            certification=certification,
            name="SOC 2 Type II",
            issuer=certification.issuer,
            valid_from=certification.valid_from,
            valid_until=certification.valid_until,
            published=False,
        )
    assert "SOC 2 Type II" not in _page()


def test_the_table_of_contents_links_every_section(register):
    add_certification()
    html = _page()
    toc = html.split('class="toc"', 1)[1].split("</nav>", 1)[0]
    targets = [part.split('"', 1)[0] for part in toc.split('href="#')[1:]]
    assert targets == [
        "certifications",
        "subprocessors",
        "changes",
        "datacenters",
        "dpo",
        "policies",
        "faq",
        "security",
        "attestation-key",
    ]
    for target in targets:
        assert f'id="{target}"' in html, target


def test_every_page_links_the_favicon(register, staff_client):
    for html in (
        _page(),
        staff_client.get("/staff/").content.decode(),
        Client().get("/accounts/login/").content.decode(),
    ):
        assert '<link rel="icon" href="/static/art28/favicon.svg" type="image/svg+xml">' in html


def test_the_valid_certifications_as_json(db, settings):
    settings.ART28_BASE_URL = "https://trust.example-hosting.ch/"
    with_file = add_certification(scope="Hosting", certificate=PDF, valid_until=dt.date(2099, 12, 31))
    add_certification("SOC 2 Type II", issuer="Auditor LLP", position=1)
    add_certification("Expired", valid_until=today() - dt.timedelta(days=1))
    response = Client().get("/trust/certifications.json")
    assert response["Content-Type"] == "application/json" and response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs/schemas/certifications.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(document)
    assert document["provider"] == "Example Hosting SA" and document["version"] == 1
    assert [c["name"] for c in document["certifications"]] == ["ISO/IEC 27001:2022", "SOC 2 Type II"]
    first, second = document["certifications"]
    assert first["valid_until"] == "2099-12-31" and first["scope"] == "Hosting"
    assert first["certificate_url"] == (
        f"https://trust.example-hosting.ch/trust/certifications/{with_file.pk}/{with_file.certificate_sha256}.pdf"
    )
    assert second["certificate_url"] is None and second["certificate_sha256"] is None and second["scope"] is None
    assert Client().get("/fr/trust/certifications.json").json() == document
