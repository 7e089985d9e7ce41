"""The trust center as the provider's storefront, in a real Chromium at desktop size: the provider's logo
and name lead the header, a table of contents stays in view beside the sections, and following one of its
links brings that section to the top of the screen."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from playwright.sync_api import ViewportSize, expect, sync_playwright

from art28.assurance.services import trust_profile_update
from art28.inventory.models import Site
from tests.assurance.conftest import PDF, add_certification
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import TEST_ACTOR
from tests.trust.conftest import add_subprocessor

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=390, height=844)


def _logo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (96, 32), (11, 92, 173)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_the_storefront_leads_with_the_provider_and_its_toc_lands_on_each_section(live_server, settings):
    settings.ART28_PROVIDER_NAME = "Example Hosting SA"
    Site.objects.create(code="GVA1", name="Geneva 1", city="Genève", country="CH")
    for index in range(8):  # a long page
        add_subprocessor(f"vendor{index}", purpose="Hosting of virtual machines " * 4)
    add_certification("ISO/IEC 27001:2022", certificate=PDF)
    profile = trust_profile_update(actor=TEST_ACTOR, tagline="Swiss hosting since 1998", logo=_logo())

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport=DESKTOP).new_page()
            page.goto(f"{live_server.url}/en/trust/")
            page.wait_for_load_state("load")

            brand = page.locator("header.topbar a.brand")
            assert brand.inner_text().strip() == "Example Hosting SA"
            assert brand.get_attribute("href") == "/en/trust/"
            logo = brand.locator("img.brand-logo")
            assert logo.get_attribute("src") == f"/trust/logo/{profile.logo_sha256}"
            assert page.evaluate("document.querySelector('img.brand-logo').naturalWidth") == 96  # it loaded
            assert "powered by art28" in page.locator("footer").inner_text()

            toc = page.get_by_role("navigation", name="On this page")
            expect(toc).to_be_visible()
            toc_box = toc.bounding_box()
            content_box = page.locator(".trust-content").bounding_box()
            assert toc_box and content_box and toc_box["x"] + toc_box["width"] <= content_box["x"]  # a sidebar

            toc.get_by_role("link", name="Datacenters").click()
            page.wait_for_function("location.hash === '#datacenters'")
            heading = page.locator("h2#datacenters").bounding_box()
            assert heading is not None and 0 <= heading["y"] < 100, heading
            # The table of contents stayed in view while the page scrolled.
            assert page.evaluate("window.scrollY") > 500
            box = toc.bounding_box()
            assert box is not None and 0 <= box["y"] < DESKTOP["height"]

            toc.get_by_role("link", name="Certifications").click()
            page.wait_for_function("location.hash === '#certifications'")
            heading = page.locator("h2#certifications").bounding_box()
            assert heading is not None and 0 <= heading["y"] < 100, heading
            expect(page.get_by_role("link", name="Download the certificate")).to_be_visible()
            if shots := os.environ.get("ART28_SCREENSHOTS"):
                page.goto(f"{live_server.url}/en/trust/")
                page.screenshot(path=f"{shots}/trust-desktop.png")

            # On a phone (390 px): the contents sit above the sections, and nothing scrolls sideways.
            phone = browser.new_context(viewport=PHONE, device_scale_factor=2, has_touch=True).new_page()
            phone.goto(f"{live_server.url}/en/trust/")
            phone.wait_for_load_state("load")
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            toc = phone.get_by_role("navigation", name="On this page")
            summary = phone.locator("#summary").bounding_box()
            expect(toc).to_be_visible()
            assert (box := toc.bounding_box()) and summary and box["y"] < summary["y"]
            expect(phone.locator("img.brand-logo")).to_be_visible()
            if shots:
                phone.screenshot(path=f"{shots}/trust-phone.png")
            toc.get_by_role("link", name="Policies").click()
            phone.wait_for_function("location.hash === '#policies'")
            heading = phone.locator("h2#policies").bounding_box()
            assert heading is not None and 0 <= heading["y"] < 100, heading
        finally:
            browser.close()
