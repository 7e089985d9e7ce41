"""A German visitor in a real Chromium meets the branded 404 page, in German, with a way back (issue 11 item 8)."""

from __future__ import annotations

import os

import pytest
from django.test import override_settings
from playwright.sync_api import expect, sync_playwright

from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
@override_settings(DEBUG=False)
def test_a_german_browser_gets_the_branded_404_in_german_and_finds_the_way_back(live_server):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="de-CH").new_page()
            response = page.goto(f"{live_server.url}/gibt-es-nicht/")

            assert response is not None and response.status == 404
            assert page.locator("html").get_attribute("lang") == "de"
            assert page.get_by_role("heading", level=1).inner_text() == "Seite nicht gefunden"
            expect(page.locator("header.topbar")).to_be_visible()  # the site's layout, not Django's bare page

            page.get_by_role("link", name="Zurück zur Startseite").click()
            page.wait_for_url(f"{live_server.url}/trust/")
        finally:
            browser.close()
