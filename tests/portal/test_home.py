"""The customer's "where is my data" page (S1): only the user's own organisation, in their language."""

from __future__ import annotations

import re

import pytest

from art28.core.roles import Role
from art28.inventory.engine import refresh_locations
from art28.inventory.models import Asset, AssetKind, Placement, Site

pytestmark = pytest.mark.django_db


def _svg(html: str) -> str:
    match = re.search(r"<svg.*?</svg>", html, re.S)
    assert match, "the page has no SVG diagram"
    return match.group(0)


def test_home_shows_only_the_users_own_placements_and_sites(client_a, client_b, two_customers):
    page_a = client_a.get("/portal/").content.decode()
    svg_a = _svg(page_a)
    for ref in two_customers.a_assets:
        assert ref in page_a
    for code in two_customers.a_sites:
        assert code in page_a and code in svg_a
    for secret in [*two_customers.b_assets, *two_customers.b_sites, "Beta AG", "Lugano", "Berlin"]:
        assert secret not in page_a, f"customer A's page reveals {secret!r} of customer B"

    page_b = client_b.get("/portal/").content.decode()
    assert "LUG-B" in _svg(page_b)
    for secret in [*two_customers.a_assets, *two_customers.a_sites, "Acme"]:
        assert secret not in page_b, f"customer B's page reveals {secret!r} of customer A"


def test_home_has_banner_tiles_tables_and_plain_language_findings(client_a, two_customers):
    html = client_a.get("/portal/").content.decode()
    assert 'class="banner bad"' in html
    assert "1 finding" in html
    # Tiles: 2 countries (CH, DE), 3 sites, 2 placements, 1’500 subjects, 9’050 records (Swiss grouping).
    for value, label in [("2", "countries"), ("3", "sites"), ("2", "placements"), ("1’500", "data subjects")]:
        assert re.search(rf'<div class="value">{re.escape(value)}</div><div class="label">{label}', html)
    assert "contact, customers" in html  # data categories
    assert "leaves the allowed countries" in html  # the flows table flags the backup to Frankfurt
    assert "Sent outside the allowed countries" in html
    assert "Your data on acme-vm-1 is copied or sent to FRA-7 in Germany (DE)" in html


def test_compliant_organisation_gets_the_green_banner(client_b, org_b, two_customers):
    Placement.objects.filter(customer=org_b).delete()
    site = Site.objects.get(code="GVA-1")
    Placement.objects.create(customer=org_b, asset=Asset.objects.create(ref="beta-ok", kind="vm", site=site))
    refresh_locations()
    html = client_b.get("/portal/").content.decode()
    assert 'class="banner ok"' in html
    assert "None: every placement and every flow is within the allowed countries." in html


def test_empty_state_without_placements(client_a):
    response = client_a.get("/portal/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="no-placements"' in html
    assert "<svg" not in html


def test_page_is_in_the_users_language(client_a, customer_a, two_customers):
    customer_a.language = "fr"
    customer_a.save()
    html = client_a.get("/portal/").content.decode()
    assert '<html lang="fr">' in html
    assert "Suisse" in html and "Allemagne" in html


def test_browser_language_applies_when_the_user_has_none(client_b, two_customers):
    html = client_b.get("/portal/", headers={"accept-language": "de"}).content.decode()
    assert '<html lang="de">' in html
    assert "Schweiz" in html


def test_language_chosen_in_the_switcher_wins(client_a, customer_a, two_customers):
    customer_a.language = "fr"
    customer_a.save()
    client_a.cookies["django_language"] = "it"
    html = client_a.get("/portal/").content.decode()
    assert '<html lang="it">' in html and "Svizzera" in html


def test_placements_are_paginated_by_fifty(client_a, org_a):
    site = Site.objects.create(code="GVA-9", name="Geneva", country="CH")
    assets = Asset.objects.bulk_create(Asset(ref=f"p-{i:03}", kind=AssetKind.VOLUME, site=site) for i in range(60))
    refresh_locations()
    Placement.objects.bulk_create(Placement(customer=org_a, asset=asset) for asset in assets)
    first = client_a.get("/portal/").content.decode()
    assert "p-049" in first and "p-050" not in first
    assert "Page 1 of 2" in first
    second = client_a.get("/portal/?page=2").content.decode()
    assert "p-050" in second and "p-059" in second and "p-049" not in second


def test_home_query_count_does_not_grow_with_placements(client_a, org_a, two_customers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client_a.get("/portal/").status_code == 200
    site = Site.objects.get(code="ZRH-1")
    assets = Asset.objects.bulk_create(Asset(ref=f"more-{i:03}", kind=AssetKind.VOLUME, site=site) for i in range(80))
    refresh_locations()
    Placement.objects.bulk_create(Placement(customer=org_a, asset=asset) for asset in assets)
    with CaptureQueriesContext(connection) as many:
        assert client_a.get("/portal/").status_code == 200
    # 12, plus the six reads of the "Needs your attention" panel (one per kind; the nav count reuses them),
    # plus one read of the glossary of data categories (the placements' categories in the user's language)
    assert len(many.captured_queries) == len(few.captured_queries) <= 19


def test_viewer_sees_the_page_too(make_user, org_a, two_customers):
    from tests.conftest import logged_in

    viewer = make_user("viewer@acme.example", Role.CUSTOMER_VIEWER, org_a)
    assert "acme-vm-1" in logged_in(viewer).get("/portal/").content.decode()
