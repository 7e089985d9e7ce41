"""In a real Chromium (issue 17): a customer administrator asks for the deletion of its data, operations
mark each place deleted, and the customer downloads the signed certificate and checks it offline."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.dpo.test_browser import log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_deletion_asked_done_and_certified_in_the_browser(live_server, world, acme_admin, operations, signing_key,
                                                          tmp_path):  # fmt: skip
    acme_admin.language = "en"  # the labels below are the English ones (the customer's organisation is French)
    acme_admin.save(update_fields=["language"])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            alice = browser.new_context(accept_downloads=True).new_page()
            log_in(alice, live_server.url, acme_admin.email)
            alice.get_by_role("link", name="End of contract").first.click()
            alice.get_by_label("delete the data").check()
            alice.get_by_label("The contract ends on").fill(__import__("datetime").date.today().isoformat())
            alice.get_by_label("I understand that deleted data cannot be recovered.").check()
            alice.get_by_role("button", name="Send the request").click()
            expect(alice.locator("table.deletion-items code", has_text="gva-db-1")).to_be_visible()
            expect(alice.locator("table.deletion-items tr.state-pending")).to_have_count(5)
            case_url = alice.url

            ops = browser.new_context().new_page()
            log_in(ops, live_server.url, operations.email)
            ops.get_by_role("link", name="Processor duties").click()
            ops.locator("table a", has_text="EOC-").first.click()
            pending = ops.locator("tr.state-pending")
            for left in range(5, 0, -1):
                expect(pending).to_have_count(left)
                pending.first.get_by_role("button", name="Mark deleted").click()
            expect(ops.get_by_text("Every place is done: the deletion certificate is issued.")).to_be_visible()
            expect(ops.get_by_role("link", name="Download the signed certificate (JSON)")).to_be_visible()

            alice.goto(case_url)
            expect(alice.locator("tr.state-deleted")).to_have_count(5)
            with alice.expect_download() as download:
                alice.get_by_role("link", name="Download the deletion certificate").click()
            path = tmp_path / "certificate.json"
            download.value.save_as(path)
            key = tmp_path / "key.pem"
            key.write_bytes(alice.request.get(f"{live_server.url}/trust/attestation-key.pem").body())
        finally:
            browser.close()
    out = io.StringIO()
    call_command("deletion_certificate_verify", str(path), "--public-key", str(key), stdout=out)
    assert out.getvalue().startswith("valid: deletion certificate EOC-") and " for ACME" in out.getvalue()
