"""In a real Chromium (issue 11 item 7, GDPR Art. 28(9)): a customer administrator who accepted version 1
of the terms follows the portal's "what changed" link, reads the redline in English, switches the page to
French with the language links, and still sees the same two versions compared, changes marked in place."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import expect, sync_playwright

from art28.legal.models import DocumentKind
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD
from tests.legal.conftest import accept, new_document, publish, today

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
SCREENSHOTS = os.environ.get("ART28_SCREENSHOTS", "")

V1 = "# Terms\n\n## Support\n\nWe answer within two days.\n\n- e-mail\n- phone\n\nThis paragraph goes.\n"
V2 = "# Terms\n\n## Support hours\n\nWe answer within one day.\n\n- e-mail\n- chat\n- phone\n"


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_a_customer_reads_the_redline_and_switches_it_to_french(live_server, customer_a):
    terms = new_document("terms", DocumentKind.TERMS)
    accept(customer_a, publish(terms, V1))
    publish(terms, V2, on=today() + dt.timedelta(days=30), summary="Faster answers, a chat.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="en-GB").new_page()
            page.goto(f"{live_server.url}/portal/documents/")
            page.locator("input[name=login]").fill(customer_a.email)
            page.locator("input[name=password]").fill(PASSWORD)
            page.locator("button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/portal/documents/")

            page.get_by_role("link", name="What changed from version 1 (accepted) to version 2").click()
            page.wait_for_url("**/trust/policies/terms/diff/?from=1&to=2")
            redline = page.locator("article.redline")
            assert redline.locator("h2 ins").text_content() == "inserted: hours"
            assert redline.locator("p ins").text_content() == "inserted: one day."
            assert redline.locator("p del").first.text_content() == "deleted: two days."
            assert redline.locator("li ins").text_content() == "inserted: chat"
            assert redline.locator("p.redline-delete del").text_content() == "deleted: This paragraph goes."
            # Not colour alone: underlined and struck through, and the legend says so.
            assert "underline" in redline.locator("ins").first.evaluate("e => getComputedStyle(e).textDecorationLine")
            assert "line-through" in redline.locator("del").first.evaluate(
                "e => getComputedStyle(e).textDecorationLine"
            )
            expect(page.get_by_text("is underlined in green")).to_be_visible()
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/policy-redline.png", full_page=True)
            label = page.locator("ins .visually-hidden").first  # for screen readers, not on screen
            assert label.evaluate("e => e.getBoundingClientRect().width <= 1")

            page.get_by_role("navigation", name="Language").get_by_role("link", name="FR").click()
            page.wait_for_url(f"{live_server.url}/fr/trust/policies/terms/diff/?from=1&to=2")
            assert page.locator("html").get_attribute("lang") == "fr"
            assert page.locator("article.redline li ins").text_content().endswith("chat")
            assert page.locator("select[name=from]").input_value() == "1"
            assert page.locator("select[name=to]").input_value() == "2"

            # The auditors' view of the same two versions: the Markdown, line by line.
            page.locator("nav.diff-views a").nth(1).click()
            page.wait_for_url(f"{live_server.url}/fr/trust/policies/terms/diff/?from=1&to=2&view=source")
            assert page.locator("table.diff").get_by_text("## Support").count() == 1
        finally:
            browser.close()
