"""In a real Chromium (issue 16): a security officer starts the access review of a zone, keeps one
authorisation, is refused the one they approved, and a colleague revokes it; the review completes."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from art28.core.roles import Role
from art28.physical.importer import physical_import
from art28.physical.models import AccessReview, Authorisation
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.dpo.test_browser import log_in
from tests.physical.conftest import ACTOR

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PEOPLE = (
    "ref,name,employer,kind,left_on,email\n"
    "P1,Anna Day,Provider SA,staff,,anna@example-hosting.ch\n"
    "P2,Bruno Cabler,Cablers GmbH,contractor,,\n"
    "P3,Chloé Night,Provider SA,staff,,\n"
)
AUTHORISATIONS = (
    "person,site,zone,from,until,days,hours,approved_by\n"
    "P2,GVA1,hall,2026-01-01,,mon-fri,07:00-19:00,P1\n"
    "P3,GVA1,hall,2026-01-01,,,,P2\n"
)


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_a_review_in_the_browser(live_server, geneva, write, make_user):
    make_user("anna@example-hosting.ch", Role.SECURITY)
    make_user("ops@example-hosting.ch", Role.OPERATIONS)
    physical_import(write(people=PEOPLE, badges=None, authorisations=AUTHORISATIONS), actor=ACTOR)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            anna = browser.new_context().new_page()
            log_in(anna, live_server.url, "anna@example-hosting.ch")
            anna.get_by_role("link", name="Physical security").first.click()
            anna.get_by_role("link", name="Access reviews").click()
            anna.get_by_label("Site").select_option("GVA1")
            anna.get_by_label("Zone").fill("hall")
            anna.get_by_role("button", name="Start the review").click()
            expect(anna.get_by_text("2 authorisations still to decide")).to_be_visible()
            row = anna.locator("table.review-items tr", has_text="Chloé Night")
            row.get_by_label("Note").fill("Night operations, still needed.")
            row.get_by_role("button", name="Keep").click()
            expect(anna.get_by_text("1 authorisation still to decide")).to_be_visible()
            # Anna approved Bruno's access: she may not certify it.
            anna.locator("table.review-items tr", has_text="Bruno Cabler").get_by_role("button", name="Revoke").click()
            expect(anna.get_by_role("alert")).to_contain_text("You approved this access")

            ops = browser.new_context().new_page()
            log_in(ops, live_server.url, "ops@example-hosting.ch")
            ops.goto(f"{live_server.url}{AccessReview.objects.get().get_absolute_url()}")
            ops.locator("table.review-items tr", has_text="Bruno Cabler").get_by_role("button", name="Revoke").click()
            expect(ops.get_by_text("completed")).to_be_visible()
        finally:
            browser.close()
    assert AccessReview.objects.get().completed_at is not None
    assert Authorisation.objects.get(person__ref="P2").revoked_on is not None
    assert Authorisation.objects.get(person__ref="P3").revoked_on is None
