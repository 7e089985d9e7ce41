"""In a real Chromium without JavaScript (GDPR Art. 28(3), (9): the contract in writing, electronic form
allowed): a customer administrator accepts the terms in the portal, downloads its DPA, checks that the
PDF's SHA-256 is the one the page shows, and countersigns it; the acceptances say who, when, which version
and which exact document."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import sync_playwright

from art28.legal.models import Acceptance, AcceptanceMethod, Document
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD
from tests.records.test_dpa import dpa_template, publish  # noqa: F401  (fixture)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
SCREENSHOTS = os.environ.get("ART28_SCREENSHOTS", "")


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_a_customer_accepts_the_terms_and_countersigns_its_dpa_in_the_browser(
    live_server,
    records_world,
    acme_admin,
    dpa_template,  # noqa: F811
):
    terms = Document.objects.create(slug="terms", kind="terms", title="Terms and conditions", requires_acceptance=True)
    terms_v1 = publish(terms, 1, "## Terms\n\nWe host; you pay.", timezone.localdate() - dt.timedelta(days=10))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
            page = context.new_page()
            page.goto(f"{live_server.url}/portal/documents/")
            page.locator("input[name=login]").fill(acme_admin.email)
            page.locator("input[name=password]").fill(PASSWORD)
            page.locator("button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/portal/documents/")
            page.get_by_role("button", name="Accept version 1").click()
            page.wait_for_url(f"{live_server.url}/portal/documents/**")
            assert page.get_by_role("button", name="Accept version 1").count() == 0

            page.get_by_role("link", name="Countersign the DPA").first.click()
            page.wait_for_url(f"{live_server.url}/portal/dpa/")
            shown = re.search(r"\b[0-9a-f]{64}\b", page.content())
            assert shown is not None
            pdf = page.request.get(f"{live_server.url}/portal/dpa/dpa.pdf").body()
            assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == shown.group(0)
            page.get_by_role("button", name="Countersign the DPA").click()
            page.wait_for_url(f"{live_server.url}/portal/dpa/**")
            assert page.get_by_role("status").filter(has_text=acme_admin.email).count() == 1
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/portal-dpa-countersigned.png", full_page=True)
        finally:
            browser.close()

    accepted = {a.version_id: a for a in Acceptance.objects.filter(organisation=records_world.acme)}
    assert set(accepted) == {terms_v1.pk, dpa_template.pk}
    assert accepted[terms_v1.pk].method == AcceptanceMethod.CLICK and accepted[terms_v1.pk].accepted_by == acme_admin
    signed = accepted[dpa_template.pk]
    assert signed.method == AcceptanceMethod.COUNTERSIGN and signed.evidence_sha256 == shown.group(0)
    assert not Acceptance.objects.exclude(organisation=records_world.acme).exists()
