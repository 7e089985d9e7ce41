"""The impact engine: affected customers from an incident's scope (assets, sites, services), S3.

The "approximate number of data subjects and of records" of GDPR Art. 33(3)(a) / DSV Art. 15(1)(c)
come from here, so each placement must count exactly once.
"""

from __future__ import annotations

import pytest

from art28.breaches.impact import UnknownScope, impact_of_incident, impact_of_scope, resolve_scope

pytestmark = pytest.mark.django_db


def impact(**scope):
    return impact_of_scope(resolve_scope(**scope)).as_dict()


def test_an_asset_scope_includes_everything_below_it(breach_world):
    result = impact(assets=["gva-host-1"])
    assert result == {
        "customers": [
            {
                "customer": "ACME",
                "assets": ["gva-db-1", "gva-vol-1"],
                "data_categories": ["contact", "customer", "health"],
                "subject_categories": ["customers", "patients", "website visitors"],
                "subjects": 1300,
                "records": 5300,
            }
        ],
        "totals": {"customers": 1, "subjects": 1300, "records": 5300},
    }


def test_a_leaf_asset_scope_is_just_that_asset(breach_world):
    result = impact(assets=["gva-db-1"])
    assert [(c["customer"], c["assets"], c["subjects"]) for c in result["customers"]] == [("ACME", ["gva-db-1"], 100)]


def test_a_site_scope_uses_the_effective_location(breach_world):
    # Nothing is placed on the hosts at GVA1: the VMs and volumes below inherit the site.
    result = impact(sites=["GVA1"])
    assert [(c["customer"], c["assets"]) for c in result["customers"]] == [
        ("ACME", ["gva-db-1", "gva-vol-1"]),
        ("BETA", ["gva-vm-2"]),
    ]
    assert result["totals"] == {"customers": 2, "subjects": 1350, "records": 5360}


def test_a_service_scope_takes_its_assets_and_what_is_below_them(breach_world):
    result = impact(services=["Object storage"])
    assert [(c["customer"], c["assets"], c["subjects"], c["records"]) for c in result["customers"]] == [
        ("ACME", ["zrh-bucket-1"], 10, 20),
        ("GAMMA", ["zrh-bucket-2"], 3, 4),
    ]
    # gva-db-1 (Managed databases) sits inside gva-vm-1 (Cloud servers): a breach of the VMs reaches it.
    cloud = impact(services=["Cloud servers"])
    assert {c["customer"]: c["assets"] for c in cloud["customers"]} == {
        "ACME": ["gva-db-1", "gva-vol-1"],
        "BETA": ["fra-vm-1", "gva-vm-2"],
        "DELTA": ["fra-vm-1"],
    }


def test_overlapping_scopes_count_each_placement_once(breach_world):
    # gva-vol-1 is matched by its asset, its host, its site and its service: still one placement.
    once = impact(assets=["gva-vol-1"])
    many = impact(assets=["gva-vol-1", "gva-host-1", "gva-vm-1"], sites=["GVA1"], services=["Cloud servers"])
    acme = next(c for c in many["customers"] if c["customer"] == "ACME")
    assert acme["assets"] == ["gva-db-1", "gva-vol-1"]
    assert acme["subjects"] == 1300 and acme["records"] == 5300
    assert once["totals"] == {"customers": 1, "subjects": 1200, "records": 5000}


def test_totals_sum_the_customers(breach_world):
    result = impact(sites=["GVA1", "ZRH1", "FRA1"])
    assert [c["customer"] for c in result["customers"]] == ["ACME", "BETA", "DELTA", "GAMMA"]
    assert result["totals"] == {
        "customers": 4,
        "subjects": sum(c["subjects"] for c in result["customers"]),
        "records": sum(c["records"] for c in result["customers"]),
    }
    assert result["totals"]["subjects"] == 1200 + 100 + 10 + 50 + 7 + 3 + 1


def test_an_empty_scope_touches_nobody(breach_world):
    assert impact() == {"customers": [], "totals": {"customers": 0, "subjects": 0, "records": 0}}


def test_unknown_scope_names_every_unknown_ref(breach_world):
    with pytest.raises(UnknownScope) as caught:
        resolve_scope(assets=["gva-host-1", "nope-1"], sites=["MARS"], services=["Cloud servers"])
    assert caught.value.missing == {"asset": ["nope-1"], "site": ["MARS"]}
    assert "unknown asset 'nope-1'" in str(caught.value) and "unknown site 'MARS'" in str(caught.value)


def test_the_impact_query_count_does_not_grow_with_the_placements(breach_world, django_assert_num_queries):
    scope = resolve_scope(sites=["GVA1", "ZRH1"], services=["Cloud servers"])
    with django_assert_num_queries(1):
        small = impact_of_scope(scope)
    inv = breach_world.inventory
    for n in range(30):
        inv.asset(f"gva-extra-{n}", parent="gva-host-2")
        inv.place(breach_world.gamma, f"gva-extra-{n}", data_categories=f"cat{n % 3}", subjects=1, records=2)
    inv.refresh()
    with django_assert_num_queries(1):
        large = impact_of_scope(scope)
    assert large.totals["subjects"] == small.totals["subjects"] + 30


def test_an_incident_impact_reads_its_scope_in_the_same_query(breach_world, django_assert_max_num_queries):
    from art28.breaches.services import incident_declare
    from tests.breaches.fixtures import hours_ago
    from tests.conftest import TEST_ACTOR

    incident = incident_declare(
        actor=TEST_ACTOR,
        title="Hypervisor escape",
        aware_at=hours_ago(1),
        started_at=hours_ago(3),
        natures=["confidentiality"],
        assets=["gva-vm-1"],
        sites=["ZRH1"],
    )
    with django_assert_max_num_queries(1):
        result = impact_of_incident(incident)
    assert [(c.customer, c.assets) for c in result.customers] == [
        ("ACME", ["gva-db-1", "gva-vol-1", "zrh-bucket-1"]),
        ("GAMMA", ["zrh-bucket-2"]),
    ]


# --- copies: data that flows carry into the scope ------------------------------------------------


def test_a_breach_of_a_backup_store_touches_every_customer_backed_up_there(breach_world):
    """A backup flow from gva-host-1 carries ACME's volume and database (below the host) to the backup set:
    a breach of the backup set is a breach of that data (GDPR Art. 33(2): the processor notifies the
    controller of every breach of *its* data, wherever the copy is)."""
    inv = breach_world.inventory
    inv.asset("zrh-backup-1", "backup_set", site="ZRH1")
    inv.flow("gva-host-1", kind="backup", to_asset="zrh-backup-1")
    inv.refresh()

    result = impact(assets=["zrh-backup-1"])

    assert [(c["customer"], c["assets"], c["subjects"], c["records"]) for c in result["customers"]] == [
        ("ACME", ["gva-db-1", "gva-vol-1"], 1300, 5300)
    ]


def test_copies_travel_on_with_the_flows_of_the_asset_they_land_on(breach_world):
    """gva-vm-2 is backed up to a Zurich backup set, which is itself copied to Frankfurt: a breach of the
    Frankfurt site touches BETA's gva-vm-2 as well as the placements stored there."""
    inv = breach_world.inventory
    inv.asset("zrh-backup-1", "backup_set", site="ZRH1")
    inv.asset("fra-backup-1", "backup_set", site="FRA1")
    inv.flow("gva-host-2", kind="backup", to_asset="zrh-backup-1")
    inv.flow("zrh-backup-1", kind="replication", to_asset="fra-backup-1")
    inv.refresh()

    result = impact(sites=["FRA1"])

    assert {c["customer"]: c["assets"] for c in result["customers"]} == {
        "BETA": ["fra-vm-1", "gva-vm-2"],
        "DELTA": ["fra-vm-1"],
    }
    assert result["totals"] == {"customers": 2, "subjects": 58, "records": 69}


def test_a_flow_out_of_the_scope_does_not_widen_it(breach_world):
    """Data leaving a scoped asset was already in scope; the destination's other data is not touched."""
    inv = breach_world.inventory
    inv.flow("gva-host-1", kind="backup", to_asset="zrh-cluster-1")
    inv.refresh()

    assert [c["customer"] for c in impact(assets=["gva-host-1"])["customers"]] == ["ACME"]
