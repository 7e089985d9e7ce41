"""The Content Security Policy in a real Chromium (issue 10 item 5): art28's pages work under it (the
portal's diagram, the trust center, the language menu, which submits itself from a static script), and
the browser reports no violation of it."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import ConsoleMessage, sync_playwright

from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD
from tests.portal.fixtures import build_two_customers

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_policy_without_violations(live_server, org_a, org_b, customer_a) -> None:
    build_two_customers(org_a, org_b)
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context().new_page()
            page.on("console", on_console)
            response = page.goto(f"{live_server.url}/accounts/login/")
            assert response is not None
            assert "script-src 'self'" in response.headers["content-security-policy"]

            page.get_by_label("Email").fill(customer_a.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{live_server.url}/portal/")
            assert page.locator("svg.diagram g.site").count() >= 1

            # The language menu has no button when scripts run: choosing a language submits it.
            page.get_by_label("Language").select_option("de")
            page.wait_for_function("document.documentElement.lang === 'de'")

            page.goto(f"{live_server.url}/trust/")
            page.goto(f"{live_server.url}/api/v1/docs")
            page.wait_for_selector(".swagger-ui .info", timeout=15_000)
        finally:
            browser.close()
    assert violations == []
