"""Inventory data for portal tests: two customers on different assets and sites, one flow leaving CH."""

from __future__ import annotations

from dataclasses import dataclass

from art28.core.models import Organisation
from art28.inventory.engine import refresh_locations
from art28.inventory.models import Asset, AssetKind, Flow, FlowKind, Placement, Site


@dataclass
class TwoCustomers:
    a: Organisation
    b: Organisation
    a_assets: list[str]
    b_assets: list[str]
    a_sites: list[str]
    b_sites: list[str]


def build_two_customers(org_a: Organisation, org_b: Organisation) -> TwoCustomers:
    gva = Site.objects.create(code="GVA-1", name="Geneva One", city="Genève", country="CH")
    zrh = Site.objects.create(code="ZRH-1", name="Zurich One", city="Zürich", country="CH")
    fra = Site.objects.create(
        code="FRA-7", name="Frankfurt Backup", city="Frankfurt", country="DE", operator="ColoCorp"
    )
    lug = Site.objects.create(code="LUG-B", name="Lugano Beta", city="Lugano", country="CH")
    ber = Site.objects.create(code="BER-B", name="Berlin Beta", city="Berlin", country="DE")

    host_a = Asset.objects.create(ref="acme-host-1", kind=AssetKind.HOST, site=gva)
    vm_a = Asset.objects.create(ref="acme-vm-1", kind=AssetKind.VM, parent=host_a)
    bucket_a = Asset.objects.create(ref="acme-bucket", kind=AssetKind.BUCKET, site=zrh)
    replica_a = Asset.objects.create(ref="acme-bucket-replica", kind=AssetKind.BUCKET, site=gva)
    host_b = Asset.objects.create(ref="beta-host-9", kind=AssetKind.HOST, site=lug)
    db_b = Asset.objects.create(ref="beta-db-9", kind=AssetKind.DATABASE, parent=host_b)
    refresh_locations()

    Placement.objects.create(customer=org_a, asset=vm_a, data_categories="contact;customers", subjects=1200, records=50)
    Placement.objects.create(customer=org_a, asset=bucket_a, data_categories="documents", subjects=300, records=9000)
    Placement.objects.create(customer=org_b, asset=db_b, data_categories="patients", subjects=77, records=700)

    Flow.objects.create(asset=vm_a, kind=FlowKind.BACKUP, to_site=fra)  # leaves CH: a finding for A
    Flow.objects.create(asset=bucket_a, kind=FlowKind.REPLICATION, to_asset=replica_a)
    Flow.objects.create(asset=host_b, kind=FlowKind.BACKUP, to_site=ber)
    Flow.objects.create(asset=db_b, kind=FlowKind.TRANSFER, to_country="US")
    return TwoCustomers(
        a=org_a,
        b=org_b,
        a_assets=["acme-vm-1", "acme-bucket"],
        b_assets=["beta-host-9", "beta-db-9"],
        a_sites=["GVA-1", "ZRH-1", "FRA-7"],
        b_sites=["LUG-B", "BER-B"],
    )
