"""In a real Chromium (S11): a person writes to the DPO through the trust center, the DPO forwards the
request to the controller, the customer administrator answers in the portal."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from art28.dpo.models import Request
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD

# The sync Playwright API runs an event loop in this thread; Django's ORM calls made here stay synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def log_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_contact_form_to_the_dpo_then_to_the_controller_who_answers(live_server, dpo_user, customer_a, org_a):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            visitor = browser.new_context().new_page()
            visitor.goto(f"{live_server.url}/en/trust/")
            visitor.get_by_role("link", name="Contact the data protection officer").click()
            visitor.get_by_label("What is your message about?").select_option("erasure")
            visitor.get_by_label("Your name", exact=True).fill("Petra Muster")
            visitor.get_by_label("Your e-mail address").fill("petra@example.net")
            visitor.get_by_label("Your country of residence").select_option("CH")
            visitor.get_by_label("Your message", exact=True).fill("Please erase my account on shop.acme.example.")
            visitor.get_by_role("button", name="Send").click()
            visitor.wait_for_url(f"{live_server.url}/en/trust/contact/sent/")
            reference = Request.objects.get().reference

            staff = browser.new_context().new_page()
            log_in(staff, live_server.url, dpo_user.email)
            staff.get_by_role("link", name="DPO desk").first.click()
            staff.get_by_role("link", name=reference).click()
            staff.get_by_label("Forward to the controller: the customer's reference").fill(org_a.ref)
            staff.get_by_role("button", name="Forward").click()
            expect(staff.get_by_text("Forwarded to the controller; the requester is told.")).to_be_visible()

            customer = browser.new_context().new_page()
            log_in(customer, live_server.url, customer_a.email)
            customer.get_by_role("link", name="Data subject requests").click()
            customer.get_by_role("link", name=reference).click()
            expect(customer.get_by_text("Please erase my account")).to_be_visible()
            customer.get_by_label("handled by us").check()
            customer.get_by_label("Note for our DPO (optional)").fill("Account erased.")
            customer.get_by_role("button", name="Send the answer").click()
            expect(customer.get_by_text("your answer was sent")).to_be_visible()

            staff.reload()
            expect(staff.get_by_text("Account erased.").first).to_be_visible()
        finally:
            browser.close()
    answered = Request.objects.get()
    assert answered.customer_answer == "handled" and answered.answered_by == customer_a
