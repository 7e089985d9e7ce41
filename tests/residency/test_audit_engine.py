"""The residency audit's rules (S1: data stored only in the allowed countries, never transferred out).

PRODUCT.md, "Transfers": any site or flow outside the allowed countries breaks the promise and is
flagged, whatever the legal basis. One entry per (customer, asset, reason, destination).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from art28.inventory.models import Asset, AssetKind, FlowKind, Placement
from art28.residency.engine import FLOW_OUTSIDE, STORED_OUTSIDE, UNKNOWN_LOCATION, run_audit
from tests.residency.fixtures import WORLD_AUDIT

pytestmark = pytest.mark.django_db


def audit(**kwargs):
    return [v.as_dict() for v in run_audit(**kwargs)]


def test_the_example_world_gives_exactly_the_documented_audit(world):
    assert audit() == WORLD_AUDIT


def test_a_placement_at_a_foreign_site_is_stored_outside(inventory, org_a):
    inventory.asset("fra-host", site="FRA1")
    inventory.place(org_a, "fra-host")
    inventory.refresh()
    assert audit() == [
        {
            "customer": "ACME",
            "asset": "fra-host",
            "site": "FRA1",
            "country": "DE",
            "allowed": ["CH"],
            "reason": STORED_OUTSIDE,
            "destination": None,
        }
    ]


def test_a_placement_in_the_allowed_country_is_fine(inventory, org_a):
    inventory.asset("gva-host", site="GVA1")
    inventory.place(org_a, "gva-host")
    inventory.refresh()
    assert audit() == []


def test_an_asset_with_no_site_in_its_ancestry_is_unknown_location(inventory, org_a):
    inventory.asset("lost-host")
    inventory.asset("lost-vol", AssetKind.VOLUME, parent="lost-host")
    inventory.place(org_a, "lost-vol")
    inventory.refresh()
    [violation] = audit()
    assert (violation["reason"], violation["site"], violation["country"]) == (UNKNOWN_LOCATION, None, None)


def test_a_site_of_unknown_country_is_unknown_location(inventory, org_a):
    inventory.asset("host-x", site="XXX1")
    inventory.place(org_a, "host-x")
    inventory.refresh()
    [violation] = audit()
    assert (violation["reason"], violation["site"], violation["country"]) == (UNKNOWN_LOCATION, "XXX1", None)


def test_a_volume_inherits_the_location_of_its_nearest_ancestor_with_a_site(inventory, org_a):
    """Tree inheritance: volume (no site) < vm (no site) < host at FRA1 → stored outside, at FRA1."""
    inventory.asset("fra-host", site="FRA1")
    inventory.asset("fra-vm", AssetKind.VM, parent="fra-host")
    inventory.asset("fra-vol", AssetKind.VOLUME, parent="fra-vm")
    inventory.place(org_a, "fra-vol")
    inventory.refresh()
    [violation] = audit()
    assert violation["reason"] == STORED_OUTSIDE
    assert (violation["asset"], violation["site"], violation["country"]) == ("fra-vol", "FRA1", "DE")


def test_an_assets_own_site_wins_over_its_ancestors(inventory, org_a):
    inventory.asset("fra-host", site="FRA1")
    inventory.asset("gva-vol", AssetKind.VOLUME, site="GVA1", parent="fra-host")
    inventory.place(org_a, "gva-vol")
    inventory.refresh()
    assert audit() == []


@pytest.mark.parametrize(
    ("destination", "expected_label", "expected_country"),
    [
        ({"to_site": "FRA1"}, "FRA1", "DE"),
        ({"to_asset": "fra-backup"}, "fra-backup", "DE"),
        ({"to_country": "US"}, "US", "US"),
    ],
    ids=["to-a-site-abroad", "to-an-asset-abroad", "to-a-country"],
)
def test_a_flow_out_of_the_allowed_countries_is_flow_outside(
    inventory, org_a, destination, expected_label, expected_country
):
    inventory.asset("gva-host", site="GVA1")
    inventory.asset("fra-backup", AssetKind.BACKUP_SET, site="FRA1")
    inventory.place(org_a, "gva-host")
    inventory.flow("gva-host", kind=FlowKind.TRANSFER, **destination)
    inventory.refresh()
    assert audit() == [
        {
            "customer": "ACME",
            "asset": "gva-host",
            "site": "GVA1",
            "country": expected_country,
            "allowed": ["CH"],
            "reason": FLOW_OUTSIDE,
            "destination": expected_label,
        }
    ]


def test_a_flow_within_the_allowed_countries_is_fine(inventory, org_a):
    inventory.asset("gva-host", site="GVA1")
    inventory.asset("zrh-backup", AssetKind.BACKUP_SET, site="ZRH1")
    inventory.place(org_a, "gva-host")
    inventory.flow("gva-host", kind=FlowKind.BACKUP, to_asset="zrh-backup")
    inventory.flow("gva-host", kind=FlowKind.REPLICATION, to_site="ZRH1")
    inventory.flow("gva-host", kind=FlowKind.SUPPORT_ACCESS, to_country="CH")
    inventory.refresh()
    assert audit() == []


def test_a_flow_to_a_site_of_unknown_country_is_unknown_location_with_its_destination(inventory, org_a):
    inventory.asset("gva-host", site="GVA1")
    inventory.place(org_a, "gva-host")
    inventory.flow("gva-host", to_site="XXX1")
    inventory.refresh()
    [violation] = audit()
    assert violation["reason"] == UNKNOWN_LOCATION
    assert (violation["site"], violation["country"], violation["destination"]) == ("GVA1", None, "XXX1")


def test_a_flow_to_an_asset_without_location_is_unknown_location(inventory, org_a):
    inventory.asset("gva-host", site="GVA1")
    inventory.asset("nowhere-backup", AssetKind.BACKUP_SET)
    inventory.place(org_a, "gva-host")
    inventory.flow("gva-host", kind=FlowKind.BACKUP, to_asset="nowhere-backup")
    inventory.refresh()
    [violation] = audit()
    assert (violation["reason"], violation["destination"]) == (UNKNOWN_LOCATION, "nowhere-backup")


def test_a_flow_from_a_host_carries_the_data_of_a_volume_two_levels_down(inventory, org_a):
    inventory.asset("gva-host", site="GVA1")
    inventory.asset("gva-vm", AssetKind.VM, parent="gva-host")
    inventory.asset("gva-vol", AssetKind.VOLUME, parent="gva-vm")
    inventory.place(org_a, "gva-vol")
    inventory.flow("gva-host", to_site="FRA1")
    inventory.refresh()
    [violation] = audit()
    assert (violation["asset"], violation["reason"], violation["destination"]) == ("gva-vol", FLOW_OUTSIDE, "FRA1")


def test_a_flow_from_a_volume_does_not_carry_its_parents_data(inventory, org_a):
    inventory.asset("gva-host", site="GVA1")
    inventory.asset("gva-vm", AssetKind.VM, parent="gva-host")
    inventory.asset("gva-vol", AssetKind.VOLUME, parent="gva-vm")
    inventory.place(org_a, "gva-vm")
    inventory.flow("gva-vol", to_site="FRA1")
    inventory.refresh()
    assert audit() == []


def test_data_sent_to_a_backup_set_travels_on_with_the_backup_sets_own_flows(inventory, org_a):
    """Onward flows: host → backup set (CH, fine), then backup set → FRA1: the host's data left."""
    inventory.asset("gva-host", site="GVA1")
    inventory.asset("gva-backup", AssetKind.BACKUP_SET, site="GVA1")
    inventory.place(org_a, "gva-host")
    inventory.flow("gva-host", kind=FlowKind.BACKUP, to_asset="gva-backup")
    inventory.flow("gva-backup", kind=FlowKind.REPLICATION, to_site="FRA1")
    inventory.refresh()
    [violation] = audit()
    assert (violation["asset"], violation["reason"], violation["destination"]) == ("gva-host", FLOW_OUTSIDE, "FRA1")


def test_onward_flows_also_leave_through_the_destinations_ancestors(inventory, org_a):
    inventory.asset("gva-host", site="GVA1")
    inventory.asset("zrh-cluster", AssetKind.STORAGE_CLUSTER, site="ZRH1")
    inventory.asset("zrh-bucket", AssetKind.BUCKET, parent="zrh-cluster")
    inventory.place(org_a, "gva-host")
    inventory.flow("gva-host", kind=FlowKind.BACKUP, to_asset="zrh-bucket")
    inventory.flow("zrh-cluster", kind=FlowKind.REPLICATION, to_country="US")
    inventory.refresh()
    assert [(v["asset"], v["destination"]) for v in audit()] == [("gva-host", "US")]


def test_a_loop_of_flows_terminates(inventory, org_a):
    inventory.asset("gva-a", site="GVA1")
    inventory.asset("zrh-b", site="ZRH1")
    inventory.place(org_a, "gva-a")
    inventory.flow("gva-a", to_asset="zrh-b")
    inventory.flow("zrh-b", to_asset="gva-a")
    inventory.flow("zrh-b", kind=FlowKind.BACKUP, to_site="FRA1")
    inventory.refresh()
    assert [(v["asset"], v["reason"], v["destination"]) for v in audit()] == [("gva-a", FLOW_OUTSIDE, "FRA1")]


def test_two_flows_from_different_ancestors_to_one_destination_give_one_entry(inventory, org_a):
    inventory.asset("gva-host", site="GVA1")
    inventory.asset("gva-vm", AssetKind.VM, parent="gva-host")
    inventory.asset("gva-vol", AssetKind.VOLUME, parent="gva-vm")
    inventory.place(org_a, "gva-vol")
    inventory.flow("gva-host", kind=FlowKind.REPLICATION, to_site="FRA1")
    inventory.flow("gva-vm", kind=FlowKind.BACKUP, to_site="FRA1")
    inventory.flow("gva-vm", kind=FlowKind.TRANSFER, to_country="US")
    inventory.refresh()
    assert [(v["asset"], v["destination"]) for v in audit()] == [("gva-vol", "FRA1"), ("gva-vol", "US")]


def test_the_provider_default_policy_applies_to_customers_without_their_own(inventory, org_a, settings):
    inventory.asset("fra-host", site="FRA1")
    inventory.place(org_a, "fra-host")
    inventory.refresh()
    assert [v["reason"] for v in audit()] == [STORED_OUTSIDE]
    settings.ART28_ALLOWED_COUNTRIES = ["CH", "DE"]
    assert audit() == []


def test_a_customers_own_policy_replaces_the_provider_default(inventory, make_org, settings):
    settings.ART28_ALLOWED_COUNTRIES = ["CH"]
    gamma = make_org("GAMMA", allowed_countries="CH;DE")
    strict = make_org("STRICT", allowed_countries="LI")
    inventory.asset("fra-host", site="FRA1")
    inventory.asset("gva-host", site="GVA1")
    inventory.place(gamma, "fra-host")
    inventory.place(strict, "gva-host")
    inventory.flow("gva-host", to_site="FRA1")
    inventory.refresh()
    found = audit()
    assert [(v["customer"], v["asset"], v["reason"], v["allowed"]) for v in found] == [
        ("STRICT", "gva-host", FLOW_OUTSIDE, ["LI"]),
        ("STRICT", "gva-host", STORED_OUTSIDE, ["LI"]),
    ]


def test_the_audit_can_be_limited_to_one_customer(world):
    assert {v["customer"] for v in audit(organisation_id=world.beta.pk)} == {"BETA"}


def _build_foreign_placements(inventory, organisation, count):
    start = Asset.objects.count()
    assets = Asset.objects.bulk_create(
        Asset(ref=f"fra-vol-{start + i}", kind=AssetKind.VOLUME, parent=inventory.assets["fra-host"])
        for i in range(count)
    )
    Placement.objects.bulk_create(Placement(customer=organisation, asset=a) for a in assets)
    inventory.refresh()


def test_the_audit_query_count_does_not_grow_with_the_number_of_placements(
    inventory, org_a, django_assert_max_num_queries
):
    """DESIGN.md: the engine is set-based (four statements), never a query per row."""
    inventory.asset("fra-host", site="FRA1")
    inventory.asset("gva-host", site="GVA1")
    inventory.flow("fra-host", to_country="US")
    _build_foreign_placements(inventory, org_a, 10)
    with CaptureQueriesContext(connection) as small:
        assert len(run_audit()) == 20
    _build_foreign_placements(inventory, org_a, 90)
    with django_assert_max_num_queries(len(small.captured_queries)), CaptureQueriesContext(connection) as large:
        assert len(run_audit()) == 200
    assert len(large.captured_queries) == len(small.captured_queries) == 4
