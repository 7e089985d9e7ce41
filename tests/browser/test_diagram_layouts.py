"""The residency diagram in a real Chromium: on a 390 px phone the stacked picture is shown, fits the screen
and its smallest label is drawn at 11 CSS px or more; at 1280 px the wide one is shown (issue 11). The
switch is the stylesheet's media query: no script (the CSP forbids inline ones)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, ViewportSize, expect, sync_playwright

from art28.core.models import Organisation
from art28.inventory.engine import refresh_locations
from art28.inventory.models import Asset, AssetKind, Flow, FlowKind, Placement, Site
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD
from tests.portal.fixtures import build_two_customers

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
SCREENSHOTS = os.environ.get("ART28_SCREENSHOTS", "")

PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=800)
LEGIBLE = 11
# Each label's font size as drawn: its computed size times the picture's scale (getScreenCTM), and the
# height of its box on screen, which is about its font size.
LABEL_SIZES = """selector => [...document.querySelectorAll(selector + ' text')].map(t => ({
  text: t.textContent,
  drawn: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
  height: t.getBoundingClientRect().height,
}))"""


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_phone_gets_the_stacked_diagram_legible_and_a_desktop_the_wide_one(live_server, org_a, org_b, customer_a):
    build_two_customers(org_a, org_b)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=PHONE, device_scale_factor=2, has_touch=True)
            page = context.new_page()
            _log_in(page, base, customer_a.email)
            page.goto(f"{base}/portal/")
            stacked, wide = page.locator("svg.diagram-stacked"), page.locator("svg.diagram")
            expect(stacked).to_be_visible()
            expect(wide).to_be_hidden()
            expect(stacked.locator("g.site[data-key='site:FRA-7']")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            box = stacked.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            sizes = page.evaluate(LABEL_SIZES, "svg.diagram-stacked")
            assert sizes, "the stacked diagram has no text"
            smallest = min(sizes, key=lambda s: s["drawn"])
            assert smallest["drawn"] >= LEGIBLE, f"{smallest['text']!r} drawn at {smallest['drawn']:.1f} px"
            flow = next(s for s in sizes if "→" in s["text"])  # a flow's label, the smallest kind of text
            assert flow["height"] >= LEGIBLE, flow
            # Screen readers meet one picture: the hidden one is out of the accessibility tree.
            assert page.get_by_role("img", name="Where the data of Acme Sàrl is").count() == 1

            page.set_viewport_size(DESKTOP)
            expect(wide).to_be_visible()
            expect(stacked).to_be_hidden()
            assert wide.locator("g.flow.leaves-policy").count() == 1
            assert page.get_by_role("img", name="Where the data of Acme Sàrl is").count() == 1
        finally:
            browser.close()


# Each flow label's box on screen, with its text (the white halo around the letters is inside the box).
FLOW_LABEL_BOXES = """selector => [...document.querySelectorAll(selector + ' g.flow > text')].map(t => {
  const r = t.getBoundingClientRect();
  return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
})"""


def _many_flows_from_switzerland(org: Organisation) -> None:
    """Six flows leave the Swiss frame, from two sites: to two German sites (the ones from Geneva and from
    Zurich cross each other) and to the United States (below the columns)."""
    gva = Site.objects.create(code="GVA-1", name="Geneva One", city="Genève", country="CH")
    zrh = Site.objects.create(code="ZRH-1", name="Zurich One", city="Zürich", country="CH")
    fra = Site.objects.create(code="FRA-7", name="Frankfurt Backup", city="Frankfurt", country="DE")
    muc = Site.objects.create(code="MUC-2", name="Munich Two", city="München", country="DE")
    vm = Asset.objects.create(ref="acme-vm-1", kind=AssetKind.VM, site=gva)
    bucket = Asset.objects.create(ref="acme-bucket", kind=AssetKind.BUCKET, site=zrh)
    refresh_locations()
    Placement.objects.create(customer=org, asset=vm, data_categories="contact", subjects=10, records=10)
    Placement.objects.create(customer=org, asset=bucket, data_categories="documents", subjects=10, records=10)
    for asset, kind, destination in [
        (vm, FlowKind.BACKUP, {"to_site": fra}),
        (vm, FlowKind.REPLICATION, {"to_site": muc}),
        (vm, FlowKind.TRANSFER, {"to_country": "US"}),
        (bucket, FlowKind.BACKUP, {"to_site": muc}),
        (bucket, FlowKind.REPLICATION, {"to_site": fra}),
        (bucket, FlowKind.SUPPORT_ACCESS, {"to_country": "US"}),
    ]:
        Flow.objects.create(asset=asset, kind=kind, **destination)


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]
    ]


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_the_labels_of_flows_leaving_one_country_do_not_overlap(live_server, org_a, customer_a):
    _many_flows_from_switzerland(org_a)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport=DESKTOP).new_page()
            _log_in(page, base, customer_a.email)
            page.goto(f"{base}/portal/")
            wide = page.locator("svg.diagram")
            expect(wide).to_be_visible()
            expect(wide.locator("g.flow")).to_have_count(6)
            if SCREENSHOTS:
                wide.screenshot(path=f"{SCREENSHOTS}/diagram-many-flows.png")
            boxes = page.evaluate(FLOW_LABEL_BOXES, "svg.diagram")
            assert len(boxes) == 6 and all(b["right"] > b["left"] for b in boxes), boxes
            assert _overlaps(boxes) == []

            # The phone's stacked picture lists the same six flows, one row each, none over another.
            page.set_viewport_size(PHONE)
            stacked = page.locator("svg.diagram-stacked")
            expect(stacked).to_be_visible()
            if SCREENSHOTS:
                stacked.screenshot(path=f"{SCREENSHOTS}/diagram-many-flows-stacked.png")
            boxes = page.evaluate(FLOW_LABEL_BOXES, "svg.diagram-stacked")
            assert len(boxes) == 6 and _overlaps(boxes) == []
        finally:
            browser.close()
