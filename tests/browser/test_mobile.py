"""On a phone (390 by 844 CSS px, in a real Chromium) no page scrolls sideways and the site menu folds away
behind a "Menu" button (art28.css, menu.js): the trust center, the portal home with its diagram, a portal
inbox message, the staff dashboard, the residency audit and an incident page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from art28.breaches.services import incident_declare
from art28.core.roles import Role
from art28.notify.models import Message
from tests.breaches.fixtures import hours_ago
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD, TEST_ACTOR
from tests.portal import attention_world as world
from tests.portal.fixtures import build_two_customers

# The sync Playwright API runs an event loop in this thread; Django's ORM calls made here stay synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PHONE = ViewportSize(width=390, height=844)
FOLDED_MENU_MAX_HEIGHT = 120
# The pictures' smallest own font size (flow labels, axis ticks); on a phone they are never drawn smaller.
LEGIBLE_SVG_TEXT = 10
# The smallest text drawn in any SVG picture on the page, in CSS px as shown (font size x the picture's scale).
# Pictures not shown (display: none, as the wide diagram on a phone) are skipped.
SMALLEST_SVG_TEXT = """Math.min(Infinity, ...[...document.querySelectorAll('svg')].filter(svg =>
  svg.getBoundingClientRect().width > 0).flatMap(svg => {
  const box = svg.viewBox.baseVal, shown = svg.getBoundingClientRect();
  const scale = box && box.width ? shown.width / box.width : 1;
  return [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
}))"""
# What sticks out past the screen's right edge, named in a failure message.
WIDE = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8)
  .map(e => e.tagName + '.' + e.getAttribute('class') + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _phone_page(browser: Browser) -> Page:
    return browser.new_context(viewport=PHONE, device_scale_factor=2, has_touch=True).new_page()


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _assert_fits_the_phone(page: Page, url: str, *, folds: bool = True) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth") == PHONE["width"], (
        f"{url} is {width} px wide: {page.evaluate(WIDE)}"
    )
    smallest_text = page.evaluate(SMALLEST_SVG_TEXT)
    assert smallest_text >= LEGIBLE_SVG_TEXT, f"{url}: pictures' text shrunk to {smallest_text:.1f} px"
    if folds:
        toggle = page.locator("button.menu-toggle")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(page.locator("#site-menu")).to_be_hidden()
    header = page.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] < FOLDED_MENU_MAX_HEIGHT, f"{url}: menu {header}"


def _assert_the_menu_opens(page: Page, link: str) -> None:
    toggle = page.locator("button.menu-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    expect(page.locator("#site-menu")).to_be_hidden()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_customer_pages_fit_a_phone_and_the_menu_folds(live_server, org_a, org_b, customer_a):
    build_two_customers(org_a, org_b)
    world.breach_notice(
        org_a, subject="Security incident INC-2026-0001 at https://status.provider.example/incidents/2026/0001"
    )
    message = Message.objects.get(organisation=org_a)
    base = live_server.url

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = _phone_page(browser)
            # The public pages run no script: their short menu stays open, and still takes little room.
            _assert_fits_the_phone(page, f"{base}/trust/", folds=False)
            expect(page.locator("button.menu-toggle")).to_be_hidden()

            _log_in(page, base, customer_a.email)
            _assert_fits_the_phone(page, f"{base}/portal/")
            _assert_the_menu_opens(page, "Attestations")
            # The diagram is the stacked one, drawn at least at its own size (text stays legible).
            expect(page.locator("svg.diagram")).to_be_hidden()
            svg = page.locator("svg.diagram-stacked")
            box = svg.bounding_box()
            assert box is not None and box["width"] >= float(svg.get_attribute("width") or 0) - 1
            _assert_fits_the_phone(page, f"{base}/portal/inbox/{message.public_id}/")
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_staff_pages_fit_a_phone_and_the_menu_folds(live_server, org_a, org_b, make_user):
    build_two_customers(org_a, org_b)
    dpo = make_user("dpo@provider.example", Role.DPO)
    incident = incident_declare(
        actor=TEST_ACTOR,
        title="Misconfigured object storage bucket exposed customer exports to the internet",
        aware_at=hours_ago(2),
        started_at=hours_ago(30),
        natures=["confidentiality"],
    )
    base = live_server.url

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = _phone_page(browser)
            _log_in(page, base, dpo.email)
            _assert_fits_the_phone(page, f"{base}/staff/")
            _assert_the_menu_opens(page, "Residency audit")
            _assert_fits_the_phone(page, f"{base}/staff/residency/audit/")
            _assert_fits_the_phone(page, f"{base}{incident.get_absolute_url()}")
        finally:
            browser.close()
