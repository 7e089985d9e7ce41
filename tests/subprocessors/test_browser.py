"""In a real Chromium, without JavaScript-only controls (S4, GDPR Art. 28(2)): the DPO announces a new
sub-processor; the public trust center lists the upcoming change with its date; the customer concerned
objects in the portal with a reason; the DPO sees the objection and keeps that customer on the old
arrangement; when the date comes the change applies to the other customer concerned only."""

from __future__ import annotations

import os

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import sync_playwright

from art28.notify.models import Message
from art28.subprocessors.changes import change_draft, changes_apply_due
from art28.subprocessors.models import ChangeRecipient, Resolution
from art28.subprocessors.rules import recipient_applies
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD, TEST_ACTOR
from tests.subprocessors.fixtures import MAIL, new_subprocessor, past_effective_date

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
SCREENSHOTS = os.environ.get("ART28_SCREENSHOTS", "")


def log_in(page, url: str, email: str) -> None:
    page.goto(url)
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(url)


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_announce_object_and_resolve_in_the_browser(live_server, sp_world, dpo_user, beta_admin):
    mailer = new_subprocessor("mailjet-us", countries="US", legal_name="Deliverability Inc.")
    change = change_draft(
        actor=TEST_ACTOR,
        kind="addition",
        subprocessor=mailer,
        summary="Outgoing mail is relayed through Deliverability Inc. for better delivery.",
        services=[MAIL],
    )
    change_url = f"{live_server.url}/staff/subprocessors/changes/{change.pk}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
            dpo = context.new_page()
            log_in(dpo, change_url, dpo_user.email)
            dpo.get_by_role("button", name="Announce to the customers concerned").click()
            dpo.wait_for_url(change_url)
            told = dpo.get_by_role("region", name="Customers told")
            assert told.get_by_text("BETA").count() == 1 and told.get_by_text("GAMMA").count() == 1
            assert told.get_by_text("ACME").count() == 0 and told.get_by_text("DELTA").count() == 0

            # Anyone: the trust center lists the upcoming change and its date, in English from the URL.
            change.refresh_from_db()
            public = browser.new_context(java_script_enabled=False).new_page()
            public.goto(f"{live_server.url}/en/trust/")
            upcoming = public.locator(f"#change-{change.pk}")
            assert "Outgoing mail is relayed through Deliverability Inc." in upcoming.inner_text()
            with translation.override("en"):
                assert f"Effective on {date_format(change.effective_on)}" in upcoming.inner_text()
            if SCREENSHOTS:
                public.screenshot(path=f"{SCREENSHOTS}/trust-center.png", full_page=True)

            # The customer concerned objects in the portal, with a reason.
            customer = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
            beta = customer.new_page()
            log_in(beta, f"{live_server.url}/portal/subprocessors/", beta_admin.email)
            beta.get_by_role("link", name="Deliverability Inc.").first.click()
            beta.get_by_label("Your reason").fill("Our customers' mail must not be read in the United States.")
            beta.get_by_role("button", name="Object to this change").click()
            assert "Our customers' mail must not be read in the United States." in beta.content()
            if SCREENSHOTS:
                beta.screenshot(path=f"{SCREENSHOTS}/portal-objection.png", full_page=True)

            # The DPO sees it among the open objections and keeps BETA on the old arrangement.
            dpo.goto(change_url + "?show=objections")
            row = dpo.get_by_role("row").filter(has_text="BETA")
            assert "must not be read in the United States" in row.inner_text()
            row.get_by_label("Resolution").select_option(Resolution.OLD_ARRANGEMENT.value)
            row.get_by_label("What was agreed").fill("Beta stays on the Swiss relay; agreed by phone with their DPO.")
            row.get_by_role("button", name="Resolve").click()
            dpo.wait_for_url(f"{change_url}**")
            assert "customer kept on the old arrangement" in dpo.content()
            if SCREENSHOTS:
                dpo.screenshot(path=f"{SCREENSHOTS}/change-resolved.png", full_page=True)
        finally:
            browser.close()

    assert set(Message.objects.filter(source_id=change.pk).values_list("organisation__ref", flat=True)) == {
        "BETA",
        "GAMMA",
    }
    past_effective_date(change)
    changes_apply_due(actor=TEST_ACTOR)
    applies = {
        row.organisation.ref: recipient_applies(row, change.kind)
        for row in ChangeRecipient.objects.filter(change=change).select_related("organisation")
    }
    assert applies == {"BETA": False, "GAMMA": True}
    beta = ChangeRecipient.objects.get(change=change, organisation=sp_world.beta)
    assert beta.resolution == Resolution.OLD_ARRANGEMENT and beta.resolved_by == dpo_user
    assert beta.objected_by == beta_admin
