"""Intrusion tests end to end, in a real Chromium (S6; issue 14): security imports a report through the
staff page, and a customer sees the last test's date and its findings counted for the services its data
uses, and nothing of another service's test."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import sync_playwright

from art28.core.roles import Role
from art28.inventory.models import Asset, Placement, Service
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_security_updates import log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
HEADER = "ref,title,severity_vector,assets,description,recommendation\n"


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_staff_import_a_report_and_the_customer_sees_its_services_test(live_server, tmp_path, org_a, org_b,
                                                                        customer_a, make_user):  # fmt: skip
    web, mail = Service.objects.create(name="Web hosting"), Service.objects.create(name="Mail")
    Asset.objects.create(ref="web-01", kind="vm", service=web)
    Asset.objects.create(ref="mx-01", kind="vm", service=mail)
    Placement.objects.create(customer=org_a, asset=Asset.objects.get(ref="web-01"), data_categories="orders")
    Placement.objects.create(customer=org_b, asset=Asset.objects.get(ref="mx-01"), data_categories="mail")
    security = make_user("sec@provider.example", Role.SECURITY)
    report = tmp_path / "alpine-2026.csv"
    report.write_text(
        HEADER
        + "A-1,Stored XSS in the ticket form,CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N,web-01,,Encode output\n"
        + "A-2,Clickjacking,CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:N,web-01,,Send frame-ancestors\n"
    )
    other = tmp_path / "mail.csv"
    other.write_text(HEADER + "M-1,Open relay,CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N,mx-01,,Close it\n")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            staff = browser.new_context().new_page()
            log_in(staff, live_server.url, security.email)
            for ref, service, path, completed in (("PT-WEB-2026", "Web hosting", report, "2026-11-20"),
                                                  ("PT-MAIL-2026", "Mail", other, "2026-10-01")):  # fmt: skip
                staff.goto(f"{live_server.url}/staff/assurance/intrusion-tests/")
                staff.get_by_role("link", name="Import an intrusion test").click()
                staff.get_by_label("Campaign reference").fill(ref)
                staff.get_by_label("Findings file").set_input_files(str(path))
                staff.get_by_label("Format").select_option("csv")
                staff.locator("input[name=service]").fill(service)
                staff.get_by_label("Kind").select_option("web-application")
                staff.locator("input[name=tester]").fill("Alpine Security AG")
                staff.get_by_label("Completed on").fill(completed)
                staff.get_by_role("button", name="Import").click()
                staff.wait_for_url(f"{live_server.url}/staff/assurance/intrusion-tests/{ref}/")
            staff.goto(f"{live_server.url}/staff/assurance/intrusion-tests/PT-WEB-2026/")
            assert "Stored XSS in the ticket form" in staff.content()

            customer = browser.new_context().new_page()
            log_in(customer, live_server.url, customer_a.email)
            customer.goto(f"{live_server.url}/portal/intrusion-tests/")
            sections = customer.locator("section.service-test")
            assert sections.count() == 1
            text = sections.first.inner_text()
            assert "Web hosting" in text and "Alpine Security AG" in text and "2026" in text
            assert "Stored XSS" not in customer.content() and "web-01" not in customer.content()
            counts = [int(cell) for cell in sections.first.locator("tbody td").all_inner_texts()]
            assert sum(counts) == 2  # the two findings, counted, nothing of Mail's test
        finally:
            browser.close()
