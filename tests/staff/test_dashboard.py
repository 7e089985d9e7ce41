"""The staff dashboard: inventory counts and the residency audit at a glance."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _tile(html: str, label: str) -> str:
    match = re.search(rf'<div class="value">([^<]+)</div><div class="label">{label}</div>', html)
    assert match, f"no tile {label!r}"
    return match.group(1)


def test_dashboard_counts_and_violations(staff_client, two_customers):
    html = staff_client.get("/staff/").content.decode()
    assert _tile(html, "customers") == "2"
    assert _tile(html, "sites") == "5"
    assert _tile(html, "assets") == "6"
    assert _tile(html, "placements") == "3"
    assert _tile(html, "flows") == "4"
    # A's backup to Frankfurt; B's backup to Berlin and transfer to the US.
    assert _tile(html, "violations") == "3"
    assert _tile(html, "customers concerned") == "2"
    assert _tile(html, "Sent outside the allowed countries") == "3"
    assert 'href="/staff/residency/audit/"' in html
    assert 'href="/staff/inventory/assets/"' in html


def test_dashboard_on_an_empty_inventory(staff_client):
    html = staff_client.get("/staff/").content.decode()
    assert 'class="banner ok"' in html
    assert "The inventory is empty" in html


def test_auditor_may_read_the_dashboard(auditor):
    from tests.conftest import logged_in

    assert logged_in(auditor).get("/staff/").status_code == 200
