"""A responder, in a real Chromium and without JavaScript-only controls: declares an incident, decides,
composes the first notice, reads it, confirms and sends it; only the affected customers receive it (S3);
a French customer reads it in French in the portal and acknowledges receipt."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from art28.core.roles import Role
from art28.notify.models import Message
from tests.breaches.fixtures import build_breach_world, hours_ago
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
SCREENSHOTS = os.environ.get("ART28_SCREENSHOTS", "")


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_a_responder_declares_decides_and_notifies_in_the_browser(
    live_server, inventory, make_org, make_user, security_user
):
    world = build_breach_world(inventory, make_org)
    acme_admin = make_user("dpo@acme.example", Role.CUSTOMER_ADMIN, world.acme)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.goto(f"{live_server.url}/staff/breaches/declare/")
            page.get_by_label("Email").fill(security_user.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{live_server.url}/staff/breaches/declare/")

            page.get_by_label("Title").fill("Hypervisor escape on GVA1")
            page.get_by_label("confidentiality (data disclosed or accessed without authorisation)").check()
            page.get_by_label("Provider aware at").fill(local(hours_ago(1)))
            page.get_by_label("Started at").fill(local(hours_ago(3)))
            page.get_by_label("GVA1 · Site GVA1").check()
            page.get_by_role("button", name="Declare").click()
            page.wait_for_url("**/staff/breaches/INC-*/")
            assert "ACME" in page.content() and "BETA" in page.content()
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/incident-declared.png", full_page=True)

            page.get_by_role("button", name="Decide to notify the affected customers").click()
            page.get_by_role("button", name="Compose a notice").click()
            page.wait_for_url("**/notices/1/")
            assert page.get_by_label("Text (Français)").input_value().startswith("{customer_name}\n\nMadame, Monsieur,")
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/notice-draft.png", full_page=True)
            page.get_by_role("tab", name="DE · Deutsch").click()  # one language at a time (static/art28/tabs.js)
            page.get_by_label("Text (Deutsch)").fill("Guten Tag {customer_name}: {subjects} Personen.")
            page.get_by_role("button", name="Save and send…").click()
            page.get_by_role("button", name="Yes, send it now").click()
            page.wait_for_url("**/staff/breaches/INC-*/")
            assert "Notice no. 1 sent to 2 customers" in page.content()
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/incident-notified.png", full_page=True)
            page.goto(f"{live_server.url}/staff/breaches/")
            assert "Hypervisor escape on GVA1" in page.content()
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/breach-list.png", full_page=True)
            page.goto(f"{live_server.url}/staff/breaches/declare/")
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/breach-declare.png", full_page=True)

            # The French customer's administrator reads the notice in French and acknowledges it.
            customer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-CH").new_page()
            customer.goto(f"{live_server.url}/portal/inbox/")
            customer.locator("input[name=login]").fill(acme_admin.email)
            customer.locator("input[name=password]").fill(PASSWORD)
            customer.locator("button[type=submit]").click()
            customer.wait_for_url(f"{live_server.url}/portal/inbox/")
            customer.get_by_role("link", name="violation").first.click()
            expect(customer.locator("body")).to_contain_text("Madame, Monsieur,")  # waits for the notice to load
            customer.get_by_role("button", name="Accuser réception").click()
            expect(customer.get_by_role("status")).to_have_count(1)
        finally:
            browser.close()
    assert set(Message.objects.values_list("organisation__ref", flat=True)) == {"ACME", "BETA"}
    assert not Message.objects.filter(organisation__in=[world.gamma, world.delta]).exists()
    assert Message.objects.get(organisation=world.beta).body_text == "Guten Tag Beta AG: 50 Personen."
    acknowledged = Message.objects.get(organisation=world.acme)
    assert acknowledged.acknowledged_at is not None and acknowledged.acknowledged_by == acme_admin
