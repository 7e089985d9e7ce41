"""The demo storefront: its files pass the same checks as uploads, and one certification ends within 60
days so that the staff dashboard's warning shows in the demo."""

from __future__ import annotations

import pytest
from django.test import Client

from art28.assurance.files import check_certificate, check_logo
from art28.assurance.selectors import certifications_needing_attention, published_certifications
from art28.core.audit import SystemActor
from art28.demo.assurance import demo_certificate_pdf, demo_logo_png, load_demo_assurance

pytestmark = pytest.mark.django_db


def test_the_demo_files_are_what_an_upload_must_be():
    assert check_logo(demo_logo_png()).content_type == "image/png"
    pdf = demo_certificate_pdf(["DEMO (not real)", "ISO/IEC 27001:2022"])
    assert check_certificate(pdf).content_type == "application/pdf" and pdf.rstrip().endswith(b"%%EOF")


def test_the_demo_trust_center_has_a_logo_and_certifications(settings):
    settings.ART28_PROVIDER_NAME = "Example Hosting SA"
    load_demo_assurance(SystemActor("demo"))
    assert [c.name for c in published_certifications()] == ["ISO/IEC 27001:2022", "ISO/IEC 27701:2019", "SOC 2 Type II"]
    assert [c.name for c in certifications_needing_attention()] == ["ISO/IEC 27701:2019"]
    html = Client().get("/en/trust/").content.decode()
    assert 'class="brand-logo"' in html and "Swiss hosting, run in Geneva and Zurich" in html
