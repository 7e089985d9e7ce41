"""Notices in a real Chromium: a customer reads a breach notice in the inbox as a formatted letter (headings,
a list, no ``==``, no topic code). The editor's tabs and preview: tests/breaches/test_browser_editor.py."""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from playwright.sync_api import expect, sync_playwright

from art28.notify.services import Draft, messages_create
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
SCREENSHOTS = os.environ.get("ART28_SCREENSHOTS", "")

BODY = """Dear {name},

We inform you of a personal data breach.

== What happened ==
A backup tape was lost in transit.

== Nature of the breach ==
- Confidentiality
- Availability
"""


def _log_in(page, url: str, email: str) -> None:
    page.goto(url)
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(url)


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_a_customer_reads_a_notice_with_headings_and_a_list(live_server, org_a, customer_a):
    with transaction.atomic():
        messages_create(
            topic="breach.notice",
            drafts=[
                Draft(
                    organisation=org_a,
                    subject="Personal data breach INC-1, first notice",
                    body_text=BODY.format(name=org_a.name),
                    language="en",
                )
            ],
            source_type="breaches.notice",
            source_id=1,
            requires_ack=True,
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="en-GB").new_page()
            _log_in(page, f"{live_server.url}/portal/inbox/", customer_a.email)
            page.get_by_role("link", name="Personal data breach INC-1, first notice").click()
            page.wait_for_url("**/portal/inbox/*/")
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/inbox-notice.png", full_page=True)
            notice = page.locator("article.message-body")
            expect(notice.get_by_role("heading", name="What happened", level=2)).to_be_visible()
            expect(notice.get_by_role("heading", name="Nature of the breach", level=2)).to_be_visible()
            assert notice.locator("ul > li").all_inner_texts() == ["Confidentiality", "Availability"]
            text = page.locator("main").inner_text()
            assert "==" not in text and "breach.notice" not in text
        finally:
            browser.close()
