"""`art28 import-inventory FOLDER` with NetBox 4 API lists: where each site is, and whose data is where (S1).

The fixtures in fixtures/netbox/ are shaped like NetBox 4.2's REST API output: regions, tenants,
clusters and devices in the paged envelope, sites and virtual machines as plain lists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from art28.core.models import Organisation
from art28.inventory.importers import import_inventory
from art28.inventory.models import Asset, Placement, Service, Site
from tests.conftest import TEST_ACTOR
from tests.inventory.conftest import NETBOX_EXAMPLE, db_state, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _country_custom_field(settings):
    settings.ART28_NETBOX_COUNTRY_FIELD = "iso_country"


def _site(code: str) -> tuple[str, str, str]:
    site = Site.objects.get(code=code)
    return site.country, site.country_source, site.country_source_detail


def test_a_sites_country_is_the_nearest_region_that_is_a_country_code():
    """europe > ch > geneva: the site in "geneva" is in CH, read from the region "ch"."""
    assert run_import(NETBOX_EXAMPLE).code == 0
    assert _site("gva1") == ("CH", "netbox-region", "ch")
    gva1 = Site.objects.get(code="gva1")
    assert (gva1.name, gva1.city, gva1.operator) == ("Geneva 1", "Plan-les-Ouates", "")


def test_the_country_custom_field_wins_over_regions_and_a_site_with_neither_is_unknown():
    assert run_import(NETBOX_EXAMPLE).code == 0
    # fra1 is in the region "de" too, but the custom field is what the setting names.
    assert _site("fra1") == ("DE", "netbox-custom-field", "iso_country")
    assert Site.objects.get(code="fra1").operator == "Mainhattan Colocation GmbH"
    assert _site("bsl1") == ("CH", "netbox-custom-field", "iso_country")
    assert _site("lab1") == ("", "unknown", "")


def test_without_the_setting_the_custom_field_is_not_read(settings):
    settings.ART28_NETBOX_COUNTRY_FIELD = ""
    assert run_import(NETBOX_EXAMPLE).code == 0
    assert _site("fra1") == ("DE", "netbox-region", "de")
    assert _site("bsl1") == ("", "unknown", "")  # only "europe" above it: no country


def test_tenants_become_customers_with_their_custom_fields():
    assert run_import(NETBOX_EXAMPLE).code == 0
    acme = Organisation.objects.get(ref="acme")
    assert (acme.name, acme.country, acme.language, acme.privacy_email) == (
        "Acme Sàrl",
        "CH",
        "fr",
        "privacy@acme.example",
    )
    gamma = Organisation.objects.get(ref="gamma")
    assert (gamma.country, gamma.language, gamma.privacy_email, gamma.allowed_countries) == ("", "en", "", "")


def test_devices_are_hosts_and_vms_go_under_their_device_or_to_their_clusters_site_or_their_own():
    assert run_import(NETBOX_EXAMPLE).code == 0
    assets = {a.ref: a for a in Asset.objects.select_related("site", "parent", "location")}
    assert sorted(assets) == [
        "gva1-host-3",
        "netbox-device-13",  # a device without a name
        "vm-in-cluster",
        "vm-nowhere",
        "vm-own-site",
        "vm-under-device",
        "web@fra1",  # two devices named "web": told apart by their site
        "web@gva1",
    ]
    assert {a.kind for ref, a in assets.items() if not ref.startswith("vm-")} == {"host"}
    under = assets["vm-under-device"]
    assert (under.kind, under.parent.ref, under.site, under.location.code) == ("vm", "gva1-host-3", None, "gva1")
    in_cluster = assets["vm-in-cluster"]  # cluster scoped to the site gva1
    assert (in_cluster.parent, in_cluster.site.code) == (None, "gva1")
    own = assets["vm-own-site"]  # cluster scoped to a region: the VM's own site
    assert (own.parent, own.site.code) == (None, "fra1")
    assert assets["vm-nowhere"].location is None
    assert assets["web@fra1"].site.code == "fra1"


def test_a_tenant_on_a_device_or_vm_is_a_placement_of_that_customer():
    assert run_import(NETBOX_EXAMPLE).code == 0
    placements = set(Placement.objects.values_list("customer__ref", "asset__ref", "data_categories", "subjects"))
    assert placements == {
        ("acme", "web@gva1", "", 0),
        ("beta", "web@fra1", "", 0),
        ("acme", "vm-under-device", "", 0),
        ("beta", "vm-in-cluster", "", 0),
        ("gamma", "vm-own-site", "", 0),
    }


def test_a_netbox_reimport_changes_nothing_and_never_overwrites_placement_figures():
    assert run_import(NETBOX_EXAMPLE).code == 0
    Placement.objects.filter(customer__ref="acme", asset__ref="web@gva1").update(
        data_categories="customer accounts", subjects=800, records=2400
    )
    before = db_state()

    report = import_inventory(NETBOX_EXAMPLE, actor=TEST_ACTOR)

    assert {entity: figures["unchanged"] for entity, figures in report.counts.items()} == {
        "sites": 4,
        "customers": 3,
        "assets": 8,
        "placements": 5,
        "flows": 0,
    }
    assert all(figures["created"] == figures["updated"] == 0 for figures in report.counts.values())
    after = db_state()
    assert after.pop("audit_entries") == before.pop("audit_entries") + 1  # the import's summary entry
    assert after == before


def test_an_existing_asset_with_the_same_ref_is_updated_and_keeps_what_netbox_does_not_know():
    service = Service.objects.create(name="Web hosting")
    Asset.objects.create(ref="gva1-host-3", kind="storage_cluster", service=service)
    Organisation.objects.create(ref="beta", name="Beta", language="de", allowed_countries="CH")

    report = import_inventory(NETBOX_EXAMPLE, actor=TEST_ACTOR)

    assert report.counts["assets"] == {"created": 7, "updated": 1, "unchanged": 0, "ended": 0}
    host = Asset.objects.get(ref="gva1-host-3")
    assert (host.kind, host.site.code, host.service) == ("host", "gva1", service)
    beta = Organisation.objects.get(ref="beta")
    # The tenant's custom fields are defined but empty: NetBox says "no language"; the policy is kept.
    assert (beta.language, beta.allowed_countries) == ("en", "CH")


def test_clusters_from_before_netbox_4_2_name_their_site_directly(netbox_example):
    clusters = json.loads((netbox_example / "clusters.json").read_text())
    for cluster in clusters["results"]:
        scope = cluster.pop("scope")
        del cluster["scope_type"], cluster["scope_id"]
        cluster["site"] = scope if scope and scope.get("slug") == "gva1" else None
    (netbox_example / "clusters.json").write_text(json.dumps(clusters, indent=2))

    assert run_import(netbox_example).code == 0
    assert Asset.objects.get(ref="vm-in-cluster").site.code == "gva1"
    assert Asset.objects.get(ref="vm-own-site").site.code == "fra1"


def test_an_unfinished_paged_export_and_unknown_regions_are_problems(netbox_example):
    devices = json.loads((netbox_example / "devices.json").read_text())
    devices["next"] = "https://netbox.example.net/api/dcim/devices/?limit=50&offset=50"
    (netbox_example / "devices.json").write_text(json.dumps(devices, indent=2))
    regions = json.loads((netbox_example / "regions.json").read_text())
    regions["results"] = [r for r in regions["results"] if r["slug"] != "ch"]
    (netbox_example / "regions.json").write_text(json.dumps(regions, indent=2))
    before = db_state()

    run = run_import(netbox_example)

    assert run.code == 1
    assert run.problems == [
        "devices.json:3: next: only one page of the list: fetch every page "
        "(https://netbox.example.net/api/dcim/devices/?limit=50&offset=50)",
        "sites.json:2: region: region id 2 is not in regions.json",
    ]
    assert db_state() == before


def test_bad_values_in_netbox_objects_are_reported_with_their_file_and_line(netbox_example):
    tenants = json.loads((netbox_example / "tenants.json").read_text())
    tenants["results"][0]["custom_fields"]["language"] = "es"
    tenants["results"][1]["slug"] = None
    (netbox_example / "tenants.json").write_text(json.dumps(tenants, indent=4))
    sites = json.loads((netbox_example / "sites.json").read_text())
    sites[1]["custom_fields"]["iso_country"] = "Germany"
    (netbox_example / "sites.json").write_text(json.dumps(sites, indent=4))

    run = run_import(netbox_example)

    assert run.code == 1
    devices, sites, tenants, vms = (
        _item_lines(netbox_example / name)
        for name in ("devices.json", "sites.json", "tenants.json", "virtual-machines.json")
    )
    assert run.problems == [
        f"devices.json:{devices[2]}: tenant: unknown customer 'beta' (not in the input nor in the database)",
        f"sites.json:{sites[1]}: custom_fields.iso_country: 'Germany' is not an ISO 3166-1 alpha-2 country code",
        f"tenants.json:{tenants[0]}: custom_fields.language: 'es' is not one of de, en, fr, it",
        f"tenants.json:{tenants[1]}: slug: required",
        f"virtual-machines.json:{vms[1]}: tenant: unknown customer 'beta' (not in the input nor in the database)",
    ]


def _item_lines(path: Path) -> list[int]:
    """The line each top-level object starts on, in a file written with indent=4."""
    text = path.read_text()
    prefix = "        {" if text.lstrip().startswith("{") else "    {"
    return [n for n, line in enumerate(text.splitlines(), 1) if line.rstrip() == prefix]


def test_the_netbox_example_in_the_docs_imports_as_the_docs_say(tmp_path):
    docs = (Path(__file__).resolve().parents[2] / "docs" / "import-formats.md").read_text("utf-8")
    section = docs[docs.index("## NetBox") : docs.index("## Errors")]
    blocks = re.findall(r"^`([a-z-]+\.json)`[^\n]*:\n\n```json\n(.*?)\n```", section, re.MULTILINE | re.DOTALL)
    assert [name for name, _ in blocks] == [
        "regions.json",
        "sites.json",
        "tenants.json",
        "clusters.json",
        "devices.json",
        "virtual-machines.json",
    ]
    folder = tmp_path / "docs-example"
    folder.mkdir()
    for name, text in blocks:
        (folder / name).write_text(text, "utf-8")

    assert run_import(folder).code == 0
    assert _site("gva1") == ("CH", "netbox-region", "ch")
    vm = Asset.objects.get(ref="shop-db")
    assert (vm.kind, vm.parent.ref, vm.location.code) == ("vm", "gva1-host-3", "gva1")
    assert Placement.objects.get(asset=vm).customer.ref == "acme"
