"""The staff page /staff/residency/audit/: the same findings as the CLI, summarised, filtered, paginated (S1)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from art28.inventory.models import Asset, AssetKind, Placement
from tests.residency.fixtures import WORLD_AUDIT

pytestmark = pytest.mark.django_db
URL = "/staff/residency/audit/"


def rows(response) -> list[str]:
    """The asset column of the findings table, in order."""
    return [v.asset for v, _label in response.context["rows"]]


def test_the_url_is_named_residency_audit():
    assert reverse("residency:audit") == URL


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_customer_users_are_refused(client_a):
    assert client_a.get(URL).status_code == 403


def test_staff_see_the_summary_the_charts_and_every_violation(staff_client, world):
    response = staff_client.get(URL)
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.total, summary.customers) == (9, 3)
    assert summary.by_reason == {
        "stored-outside": 1,
        "flow-outside": 2,
        "unknown-location": 2,
        "subprocessor-outside": 2,
        "subprocessor-unauthorised": 2,
    }
    # Most first; unknown after a tie; the unauthorised findings are about no place, in no country.
    assert summary.by_country == [("DE", 2), ("US", 2), (None, 2), ("FR", 1)]
    html = response.content.decode()
    assert html.count("<svg") == 2
    assert "Violations by reason" in html and "Violations by country" in html
    assert rows(response) == [v["asset"] for v in WORLD_AUDIT]
    assert "Download JSON" in html


def test_bars_link_to_the_matching_filter(staff_client, world):
    html = staff_client.get(URL).content.decode()
    assert 'href="?reason=flow-outside"' in html
    assert 'href="?country=DE"' in html
    assert 'href="?country=unknown"' in html


@pytest.mark.parametrize(
    ("query", "expected_assets"),
    [
        ({"reason": "unknown-location"}, ["orphan-vol-1", "unknown-host-1"]),
        ({"customer": "beta"}, ["orphan-vol-1", "zrh-vol-1"]),
        ({"country": "de"}, ["fra-vol-1", "gva-vol-1"]),
        ({"reason": "subprocessor-outside"}, ["fra-vol-1", "fra-vm-1"]),
        ({"country": "unknown"}, ["orphan-vol-1", "unknown-host-1"]),
        ({"reason": "flow-outside", "customer": "ACME"}, ["gva-vol-1"]),
        ({"reason": "subprocessor-unauthorised"}, [None, None]),
    ],
)
def test_filters(staff_client, world, query, expected_assets):
    response = staff_client.get(URL, query)
    assert rows(response) == expected_assets
    assert response.context["summary"].total == 9  # the tiles and charts keep the whole picture


def test_an_unknown_reason_is_reported_and_filters_nothing(staff_client, world):
    response = staff_client.get(URL, {"reason": "teleported"})
    assert response.status_code == 200
    assert len(rows(response)) == 9
    assert "not understood" in response.content.decode()


def test_no_match_shows_an_empty_state(staff_client, world):
    response = staff_client.get(URL, {"customer": "NOBODY"})
    assert "No violation matches these filters." in response.content.decode()


def test_an_inventory_without_violations_shows_the_all_clear(staff_client, inventory, org_a):
    inventory.asset("gva-host", site="GVA1")
    inventory.place(org_a, "gva-host")
    inventory.refresh()
    html = staff_client.get(URL).content.decode()
    assert "No violations: every placement and flow is within its customer's allowed countries." in html
    assert "<table" not in html and "<svg" not in html


def test_the_json_download_is_the_clis_output_sorted(staff_client, world):
    from tests.residency.test_audit_cli import in_audit_order, run_cli

    response = staff_client.get(URL, {"format": "json"})
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="residency-audit-')
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == "[" and json.loads(body) == in_audit_order(json.loads(run_cli("--json")[1]))
    assert json.loads(body) == WORLD_AUDIT


def test_the_json_download_keeps_the_filters(staff_client, world):
    response = staff_client.get(URL, {"format": "json", "customer": "GAMMA"})
    assert json.loads(b"".join(response.streaming_content)) == [v for v in WORLD_AUDIT if v["customer"] == "GAMMA"]


def _foreign_placements(inventory, organisation, count):
    start = Asset.objects.count()
    assets = Asset.objects.bulk_create(
        Asset(ref=f"fra-vol-{start + i:04}", kind=AssetKind.VOLUME, parent=inventory.assets["fra-host"])
        for i in range(count)
    )
    Placement.objects.bulk_create(Placement(customer=organisation, asset=a) for a in assets)
    inventory.refresh()


def test_findings_are_paginated_100_per_page_keeping_the_filters(staff_client, inventory, org_a):
    inventory.asset("fra-host", site="FRA1")
    _foreign_placements(inventory, org_a, 150)
    first = staff_client.get(URL, {"customer": "ACME"})
    assert len(rows(first)) == 100
    assert "?customer=ACME&amp;page=2" in first.content.decode()
    second = staff_client.get(URL, {"customer": "ACME", "page": 2})
    assert len(rows(second)) == 50
    assert "Page 2 of 2" in second.content.decode()


def test_the_page_query_count_does_not_grow_with_the_inventory(
    staff_client, inventory, org_a, django_assert_max_num_queries
):
    inventory.asset("fra-host", site="FRA1")
    _foreign_placements(inventory, org_a, 10)
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(URL).status_code == 200
    _foreign_placements(inventory, org_a, 90)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert staff_client.get(URL).status_code == 200
