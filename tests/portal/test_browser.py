"""A customer administrator, in a real Chromium, clears the "Needs your attention" panel of the portal
home: each kind of item is listed with its deadline and one link; acting on it (acknowledging a breach
notice, objecting to or consenting to a sub-processor change, accepting the terms, countersigning the
DPA, answering a forwarded request) removes it, and the navigation count follows."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from art28.core.roles import Role
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD
from tests.portal import attention_world as world

# The sync Playwright API runs an event loop in this thread; Django's ORM calls made here stay synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _panel_kinds(page: Page) -> list[str]:
    return page.locator("#attention li.attention-item").evaluate_all("items => items.map(i => i.dataset.kind)")


def _act(page: Page, base: str, kind: str, nth: int = 0) -> None:
    """Follow the item's one link from the home page."""
    page.goto(f"{base}/portal/")
    page.locator(f"#attention li.attention-item[data-kind='{kind}'] a").nth(nth).click()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_the_customer_clears_each_kind_of_pending_item_from_the_panel(live_server, org_a, org_b, customer_a, make_user):
    dpo_user = make_user("dpo@provider.example", Role.DPO)
    world.breach_notice(org_a)
    world.announced_change(org_a, name="Cloudy Mail GmbH", effective_in_days=20)
    world.announced_change(org_a, name="Consent Needed AG", specific=True, effective_in_days=40)
    world.terms_to_accept(effective_in_days=10)
    world.dpa_to_countersign()
    request = world.forwarded_request(org_a, dpo_user)
    world.breach_notice(org_b, subject="Beta's secret notice")
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

            panel = page.get_by_role("region", name="Needs your attention")
            expect(panel).to_be_visible()
            assert _panel_kinds(page) == [
                "dpa",
                "breach-notice",
                "document",
                "subprocessor-change",
                "dsr",
                "subprocessor-change",
            ]
            assert "Beta's secret notice" not in page.content()
            home_link = page.get_by_role("link", name="Where my data is, 6 items need your attention")
            expect(home_link).to_be_visible()
            expect(page.locator("#nav-attention-count")).to_have_text("6")

            _act(page, base, "breach-notice")
            page.get_by_role("button", name="Acknowledge receipt").click()
            page.get_by_text("Receipt acknowledged. The provider has been told.").wait_for()
            page.goto(f"{base}/portal/")
            assert "breach-notice" not in _panel_kinds(page)
            assert page.locator("#nav-attention-count").inner_text() == "5"

            _act(page, base, "subprocessor-change", 0)
            page.get_by_role("button", name="Object to this change").click()
            page.get_by_text("Your objection is recorded").wait_for()

            _act(page, base, "subprocessor-change", 0)
            page.get_by_role("button", name="I consent").click()
            page.get_by_text("Your consent is recorded").wait_for()
            page.goto(f"{base}/portal/")
            assert "subprocessor-change" not in _panel_kinds(page)

            _act(page, base, "document")
            page.get_by_role("button", name="Accept version 1").click()
            page.get_by_text("version 1, accepted").wait_for()

            _act(page, base, "dpa")
            page.get_by_role("button", name="Countersign the DPA").click()
            page.get_by_text("The DPA is countersigned for your organisation").wait_for()

            _act(page, base, "dsr")
            assert request.reference in page.content()
            page.get_by_label("handled by us").check()
            page.get_by_role("button", name="Send the answer").click()
            page.get_by_text("your answer was sent").wait_for()

            page.goto(f"{base}/portal/")
            assert _panel_kinds(page) == []
            expect(page.get_by_text("Nothing needs you now.")).to_be_visible()
            assert page.locator("#nav-attention-count").count() == 0
        finally:
            browser.close()
