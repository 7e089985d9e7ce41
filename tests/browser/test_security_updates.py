"""Security updates end to end, in a real Chromium (S7; issue 13): an advisory is imported, the staff page
shows the newly exposed host, the customer whose data sits on it sees the overdue critical fix in its
portal, an upgrade import closes the exposure and its time-to-patch appears in the figures."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect, sync_playwright

from art28.inventory.models import Asset, Placement
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD
from tests.patching.fleet import RELEASE, import_hosts, write_json

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
CVE = "CVE-2026-4242"


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def exposure_rows(page: Page) -> list[str]:
    return [" ".join(row.split()) for row in page.locator("table.exposures tbody tr").all_inner_texts()]


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_an_advisory_exposes_a_host_the_customer_sees_it_and_the_upgrade_shows_in_the_figures(
    live_server, tmp_path, org_a, org_b, customer_a, staff_user
):
    now = timezone.now()
    import_hosts(tmp_path, ["vm-a", "vm-b"])
    Placement.objects.create(customer=org_a, asset=Asset.objects.get(ref="vm-a"), data_categories="orders")
    Placement.objects.create(customer=org_b, asset=Asset.objects.get(ref="vm-b"), data_categories="payroll")
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "vm-a.txt").write_text("ii \tlibfoo1\t1.0-1\tfoo\t\n")
    (lists / "vm-b.txt").write_text("ii \tlibfoo1\t1.0-2\tfoo\t\n")
    call_command(
        "packages_import", str(lists), "--release", RELEASE, "--taken-at", (now - dt.timedelta(days=20)).isoformat()
    )

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            staff = browser.new_context().new_page()
            log_in(staff, live_server.url, staff_user.email)
            staff.goto(f"{live_server.url}/staff/patching/")
            expect(staff.get_by_text("No host is exposed to a known CVE with these filters.")).to_be_visible()

            # A critical advisory (CVSS 9.8), its fix published ten days ago: vm-a is below it, vm-b is not.
            tracker = {"foo": {CVE: {"description": "Heap overflow in foo", "releases": {
                RELEASE: {"status": "resolved", "fixed_version": "1.0-2", "urgency": "high"}}}}}  # fmt: skip
            osv = {"id": "DSA-9999-1", "aliases": [CVE], "published": (now - dt.timedelta(days=10)).isoformat(),
                   "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                   "affected": [{"package": {"ecosystem": "Debian:12", "name": "foo"}, "ranges": [
                       {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0-2"}]}]}]}  # fmt: skip
            call_command(
                "advisories_import", str(write_json(tmp_path / "t.json", tracker)), "--format", "debian-tracker"
            )
            call_command("advisories_import", str(write_json(tmp_path / "osv.json", osv)), "--format", "osv")

            staff.reload()
            rows = exposure_rows(staff)
            assert len(rows) == 1 and "vm-a" in rows[0] and CVE in rows[0] and "1.0-2" in rows[0]
            assert "vm-b" not in staff.locator("table.exposures").inner_text()
            staff.get_by_role("link", name=CVE).first.click()
            staff.wait_for_url(f"{live_server.url}/staff/patching/cves/{CVE}/")
            assert "ACME" in staff.content() and "BETA" not in staff.content()

            customer = browser.new_context().new_page()
            log_in(customer, live_server.url, customer_a.email)
            customer.goto(f"{live_server.url}/portal/security-updates/")
            overdue = customer.get_by_role("alert")
            assert CVE in overdue.inner_text() and "foo" in overdue.inner_text()
            assert "vm-a" not in customer.content()  # no host is named to a customer

            # The upgrade: vm-a's next package list has the fix.
            (lists / "vm-a.txt").write_text("ii \tlibfoo1\t1.0-2\tfoo\t\n")
            call_command("packages_import", str(lists / "vm-a.txt"), "--release", RELEASE)

            staff.goto(f"{live_server.url}/staff/patching/")
            expect(staff.get_by_text("No host is exposed to a known CVE with these filters.")).to_be_visible()
            critical = staff.locator("table.patch-record tbody tr").first
            assert " ".join(critical.inner_text().split()).split()[1:4] == ["1", "10.0", "10.0"]
            assert staff.locator("svg.ttp-chart[data-severity=critical] g.month").count() == 1

            customer.reload()
            assert customer.get_by_role("alert").count() == 0
            figures = " ".join(customer.locator("table.patch-record tbody tr").first.inner_text().split())
            assert figures.split()[1:4] == ["1", "10,0", "10,0"] or figures.split()[1:4] == ["1", "10.0", "10.0"]
        finally:
            browser.close()
