"""The notice editor in a real Chromium: a responder switches the language tabs and previews one affected
customer's notice, with no Content Security Policy violation (the tabs are a static script, not inline)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from art28.breaches.decisions import incident_decide_notify
from art28.breaches.sending import notice_create
from art28.core.roles import Role
from tests.breaches.fixtures import build_breach_world
from tests.breaches.flows import declared
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_notices import _log_in
from tests.conftest import TEST_ACTOR

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
SCREENSHOTS = os.environ.get("ART28_SCREENSHOTS", "")


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_a_responder_switches_language_tabs_and_previews_a_customers_notice(
    live_server, inventory, make_org, make_user
):
    build_breach_world(inventory, make_org)
    responder = make_user("security@provider.example", Role.SECURITY)
    incident = declared()
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    notice = notice_create(actor=TEST_ACTOR, incident=incident, kind="initial")
    url = f"{live_server.url}/staff/breaches/{incident.ref}/notices/{notice.sequence}/"
    violations: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            _log_in(page, url, responder.email)

            french, german = page.get_by_label("Text (Français)"), page.get_by_label("Text (Deutsch)")
            expect(french).to_be_visible()  # waits for the tab script, unlike is_visible()
            expect(german).to_be_hidden()
            page.get_by_role("tab", name="DE · Deutsch").click()
            expect(german).to_be_visible()
            expect(french).to_be_hidden()
            german.fill("Guten Tag {customer_name}\n\n== Was geschah ==\n- eins\n- zwei\n")

            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/notice-editor.png", full_page=True)
            page.get_by_label("Affected customer").select_option("BETA")
            with context.expect_page() as opened:
                page.get_by_role("button", name="Preview").click()
            preview = opened.value
            preview.wait_for_load_state()
            if SCREENSHOTS:
                preview.screenshot(path=f"{SCREENSHOTS}/notice-preview.png", full_page=True)
            article = preview.locator("article.message-body")
            expect(article.get_by_role("heading", name="Was geschah", level=2)).to_be_visible()
            assert article.locator("ul > li").all_inner_texts() == ["eins", "zwei"]
            assert "Guten Tag Beta AG" in article.inner_text() and "==" not in article.inner_text()
        finally:
            browser.close()
    assert not violations, violations
