"""A customer, in a real Chromium: logs in, sees where the data is, issues and verifies an attestation (S1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from art28.core.signing import provider_public_key, verify_document
from art28.residency.services import attestation_issue
from tests.conftest import PASSWORD, TEST_ACTOR
from tests.portal.fixtures import build_two_customers

# The sync Playwright API runs an event loop in this thread; Django's ORM calls made here stay synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_customer_logs_in_sees_the_diagram_and_verifies_an_attestation(
    live_server, org_a, org_b, customer_a, signing_key, tmp_path: Path
):
    build_two_customers(org_a, org_b)
    others = attestation_issue(actor=TEST_ACTOR, organisation=org_b)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(accept_downloads=True).new_page()
            page.goto(f"{live_server.url}/portal/")
            assert "/accounts/login/" in page.url

            page.get_by_label("Email").fill(customer_a.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{live_server.url}/portal/")

            diagram = page.locator("svg.diagram")
            assert diagram.get_attribute("role") == "img"
            assert diagram.locator("g.site[data-key='site:GVA-1']").count() == 1
            assert diagram.locator("g.flow.leaves-policy").count() == 1
            assert "LUG-B" not in page.content()

            page.get_by_role("link", name="Attestations", exact=True).click()
            page.get_by_role("button", name="Issue an attestation now").click()
            page.wait_for_url(f"{live_server.url}/portal/attestations/")
            expect(page.get_by_text("Attestation issued as of")).to_be_visible()

            with page.expect_download() as download_info:
                page.get_by_role("link", name="JSON").first.click()
            download = download_info.value
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert saved.name.startswith("attestation-acme-") and saved.suffix == ".json"
            result = verify_document(saved.read_bytes(), provider_public_key())
            assert result.ok, result.reason
            assert result.statement["customer"]["ref"] == "ACME"

            response = page.goto(f"{live_server.url}/portal/attestations/{others.public_id}.json")
            assert response is not None and response.status == 404
        finally:
            browser.close()
