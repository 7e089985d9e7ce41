"""Staff inventory pages: sites, assets (search, filters, tree), customers and a customer's residency."""

from __future__ import annotations

import pytest

from art28.inventory.engine import refresh_locations
from art28.inventory.models import Asset, AssetKind, Service, Site

pytestmark = pytest.mark.django_db


def test_sites_flag_countries_outside_the_default_policy(staff_client, two_customers):
    html = staff_client.get("/staff/inventory/").content.decode()
    assert "GVA-1" in html and "Germany (DE)" in html
    assert html.count("outside default policy") == 2  # FRA-7 and BER-B
    assert "ColoCorp" in html and "colocation" in html
    assert 'href="/staff/inventory/assets/?site=GVA-1"' in html


def test_assets_search_and_filters(staff_client, two_customers):
    html = staff_client.get("/staff/inventory/assets/?q=acme").content.decode()
    assert "acme-vm-1" in html and "beta-host-9" not in html
    html = staff_client.get("/staff/inventory/assets/?kind=database").content.decode()
    assert "beta-db-9" in html and "acme-vm-1" not in html
    # The site filter uses the effective location: the VM inherits GVA-1 from its host.
    html = staff_client.get("/staff/inventory/assets/?site=GVA-1").content.decode()
    assert "acme-vm-1" in html and "acme-bucket-replica" in html and "acme-bucket<" not in html
    assert "inherited" in html


def test_assets_filter_by_service_and_bad_input_is_ignored(staff_client, two_customers):
    mail = Service.objects.create(name="Mail")
    Asset.objects.filter(ref="acme-bucket").update(service=mail)
    html = staff_client.get(f"/staff/inventory/assets/?service={mail.pk}").content.decode()
    assert "acme-bucket" in html and "acme-vm-1" not in html
    assert staff_client.get("/staff/inventory/assets/?service=x&kind=nope&page=zz").status_code == 200


def test_assets_are_paginated(staff_client):
    site = Site.objects.create(code="S1", name="S1", country="CH")
    Asset.objects.bulk_create(Asset(ref=f"vol-{i:03}", kind=AssetKind.VOLUME, site=site) for i in range(55))
    html = staff_client.get("/staff/inventory/assets/").content.decode()
    assert "55 assets" in html and "vol-049" in html and "vol-050" not in html
    html = staff_client.get("/staff/inventory/assets/?page=2").content.decode()
    assert "vol-054" in html


def test_asset_detail_shows_tree_placements_and_flows(staff_client, two_customers):
    Asset.objects.create(ref="acme-volume-1", kind=AssetKind.VOLUME, parent=Asset.objects.get(ref="acme-vm-1"))
    refresh_locations()
    html = staff_client.get("/staff/inventory/assets/acme-vm-1/").content.decode()
    assert 'href="/staff/inventory/assets/acme-host-1/"' in html  # breadcrumb
    assert "acme-volume-1" in html  # child
    assert "Acme Sàrl" in html and 'href="/staff/inventory/customers/ACME/"' in html
    assert "site FRA-7" in html  # flow out
    replica = staff_client.get("/staff/inventory/assets/acme-bucket-replica/").content.decode()
    assert 'href="/staff/inventory/assets/acme-bucket/"' in replica  # flow in
    assert staff_client.get("/staff/inventory/assets/nope/").status_code == 404


def test_asset_with_a_slash_in_its_ref(staff_client):
    Asset.objects.create(ref="rack1/host2", kind=AssetKind.HOST)
    assert staff_client.get("/staff/inventory/assets/rack1/host2/").status_code == 200


def test_customers_list_and_search(staff_client, two_customers):
    html = staff_client.get("/staff/inventory/customers/").content.decode()
    assert "Acme Sàrl" in html and "Beta AG" in html
    html = staff_client.get("/staff/inventory/customers/?q=beta").content.decode()
    assert "Beta AG" in html and "Acme Sàrl" not in html


def test_customer_detail_reuses_the_portal_diagram(staff_client, two_customers):
    html = staff_client.get("/staff/inventory/customers/BETA/").content.decode()
    assert "<svg" in html and "LUG-B" in html and "BER-B" in html
    assert "GVA-1" not in html.split("<svg", 1)[1]
    assert staff_client.get("/staff/inventory/customers/NOPE/").status_code == 404
