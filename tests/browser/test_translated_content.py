"""A customer whose language is French, in a real Chromium, reads a sub-processor's purpose in French on
the portal's sub-processor page, not the English one (issue 11 item 2: a page is in the user's language)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from art28.core.roles import Role
from art28.subprocessors.services import subprocessor_update
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD, TEST_ACTOR
from tests.residency.fixtures import inventory  # noqa: F401  (fixtures)
from tests.subprocessors.fixtures import sp_world  # noqa: F401

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

FRENCH = "Tickets de support des clients de l’hébergement web"
ENGLISH = "Support tickets"


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_a_french_customer_reads_the_french_purpose_of_a_sub_processor(live_server, sp_world, make_user):  # noqa: F811
    subprocessor_update(actor=TEST_ACTOR, subprocessor=sp_world.helpdesk, purpose_i18n={"fr": FRENCH})
    alice = make_user("alice@acme.example", Role.CUSTOMER_ADMIN, sp_world.acme)
    alice.language = "fr"
    alice.save(update_fields=["language"])

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="en-GB").new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("Email").fill(alice.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{live_server.url}/portal/")

            page.goto(f"{live_server.url}/portal/subprocessors/")
            row = page.get_by_role("row").filter(has_text="Helvetia Helpdesk AG")
            expect(row.get_by_text(FRENCH)).to_be_visible()
            assert ENGLISH not in row.inner_text()
            assert page.locator("html").get_attribute("lang") == "fr"
        finally:
            browser.close()
