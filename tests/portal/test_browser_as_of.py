"""A customer, in a real Chromium, picks a past day in the "As of" date picker of the portal home and
sees where the organisation's data was then (its own only), then a day before the history and its message."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD
from tests.residency.history import build_history

# The sync Playwright API runs an event loop in this thread; Django's ORM calls made here stay synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_the_customer_picks_a_past_day_and_sees_where_its_data_was(
    live_server, tmp_path, monkeypatch, settings, org_a, org_b, customer_a
):
    history = build_history(tmp_path, monkeypatch, settings)
    base = live_server.url

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context().new_page()
            page.goto(f"{base}/portal/")
            page.get_by_label("Email").fill(customer_a.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{base}/portal/")
            placements = page.locator("#placements + table tbody")
            assert "zrh1-db-1" in placements.inner_text() and "gva1-vol-7" not in placements.inner_text()

            page.get_by_label("As of").fill(history.first_day)
            page.get_by_role("button", name="Show").click()
            page.wait_for_url(f"{base}/portal/?at={history.first_day}")
            assert "the inventory as it was then (from its history)" in page.locator("#as-of").inner_text()
            assert "gva1-vol-7" in placements.inner_text()
            assert page.locator("svg").first.get_by_text("GVA1").count() >= 1
            body = page.locator("main").inner_text()
            for secret in ["GAMMA", "Gamma", "payroll", "Beta AG"]:
                assert secret not in body
            picker = page.get_by_label("As of")
            assert picker.get_attribute("min") == history.first_day
            assert picker.input_value() == history.first_day

            page.goto(f"{base}/portal/?at=2020-01-01")
            assert "history begins on" in page.get_by_role("alert").first.inner_text()
            page.get_by_role("link", name="Today").click()
            page.wait_for_url(f"{base}/portal/")
            assert "gva1-vol-7" not in placements.inner_text()
        finally:
            browser.close()
