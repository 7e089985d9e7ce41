"""Inventories for residency tests, built with the ORM (then ``refresh_locations`` for Asset.location).

``world`` is the example inventory of docs/residency-audit.md:

    sites   GVA1 (CH, Genève)   ZRH1 (CH, Zürich)   FRA1 (DE, Frankfurt, colocation)   XXX1 (country unknown)
    assets  gva-host-1 (GVA1) > gva-vm-1 > gva-vol-1          gva-backup-1 (backup set, GVA1)
            zrh-cluster-1 (ZRH1) > zrh-vol-1                  orphan-vol-1 (no site, no parent)
            fra-host-1 (FRA1) > fra-vm-1 > fra-vol-1          unknown-host-1 (XXX1)
    flows   gva-host-1 → gva-backup-1 (backup);  gva-backup-1 → FRA1 (replication);  zrh-cluster-1 → FR (transfer)
    service Web hosting: fra-vm-1 (and so fra-vol-1 below it)
    sub-processors  helvetia-support (CH, Web hosting) engages postbote (US): the chain, Art. 28(4)
    data    ACME (default policy: CH)      on gva-vol-1, fra-vol-1
            BETA (default policy: CH)      on zrh-vol-1, orphan-vol-1
            GAMMA (own policy: CH;DE)      on fra-vm-1, unknown-host-1
    authorisations  ACME signed a DPA (general, 30 days); BETA and GAMMA have none on record (GDPR
            Art. 28(2)): for GAMMA, whose Web hosting VM the chain works for, that is a finding each
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from art28.core.models import Organisation
from art28.inventory.engine import refresh_locations
from art28.inventory.models import Asset, AssetKind, Flow, FlowKind, Placement, Service, Site
from art28.subprocessors.models import Contract, SubProcessor


@dataclass
class InventoryBuilder:
    sites: dict[str, Site] = field(default_factory=dict)
    assets: dict[str, Asset] = field(default_factory=dict)

    def site(self, code: str, country: str, *, city: str = "", operator: str = "") -> Site:
        source = Site.CountrySource.DECLARED if country else Site.CountrySource.UNKNOWN
        site = Site.objects.create(
            code=code, name=f"Site {code}", city=city, country=country, country_source=source, operator=operator
        )
        self.sites[code] = site
        return site

    def asset(
        self, ref: str, kind: str = AssetKind.HOST, *, site: str | None = None, parent: str | None = None
    ) -> Asset:
        asset = Asset.objects.create(
            ref=ref,
            kind=kind,
            site=self.sites[site] if site else None,
            parent=self.assets[parent] if parent else None,
        )
        self.assets[ref] = asset
        return asset

    def place(self, customer: Organisation, asset: str, **fields) -> Placement:
        return Placement.objects.create(customer=customer, asset=self.assets[asset], **fields)

    def flow(
        self,
        asset: str,
        *,
        kind: str = FlowKind.REPLICATION,
        to_asset: str | None = None,
        to_site: str | None = None,
        to_country: str = "",
    ) -> Flow:
        return Flow.objects.create(
            asset=self.assets[asset],
            kind=kind,
            to_asset=self.assets[to_asset] if to_asset else None,
            to_site=self.sites[to_site] if to_site else None,
            to_country=to_country,
        )

    def refresh(self) -> InventoryBuilder:
        refresh_locations()
        return self


@pytest.fixture
def inventory(db) -> InventoryBuilder:
    """An empty inventory with the usual sites: GVA1, ZRH1 (CH), FRA1 (DE, colocation), XXX1 (unknown)."""
    builder = InventoryBuilder()
    builder.site("GVA1", "CH", city="Genève")
    builder.site("ZRH1", "CH", city="Zürich")
    builder.site("FRA1", "DE", city="Frankfurt am Main", operator="Mainhattan Colocation GmbH")
    builder.site("XXX1", "")
    return builder


SIGNED = dt.date(2024, 1, 1)


@dataclass
class World:
    inventory: InventoryBuilder
    acme: Organisation
    beta: Organisation
    gamma: Organisation


@pytest.fixture
def world(inventory, org_a, org_b, make_org) -> World:
    gamma = make_org("GAMMA", name="Gamma GmbH", language="de", allowed_countries="CH;DE")
    inv = inventory
    inv.asset("gva-host-1", AssetKind.HOST, site="GVA1")
    inv.asset("gva-vm-1", AssetKind.VM, parent="gva-host-1")
    inv.asset("gva-vol-1", AssetKind.VOLUME, parent="gva-vm-1")
    inv.asset("gva-backup-1", AssetKind.BACKUP_SET, site="GVA1")
    inv.asset("zrh-cluster-1", AssetKind.STORAGE_CLUSTER, site="ZRH1")
    inv.asset("zrh-vol-1", AssetKind.VOLUME, parent="zrh-cluster-1")
    inv.asset("fra-host-1", AssetKind.HOST, site="FRA1")
    inv.asset("fra-vm-1", AssetKind.VM, parent="fra-host-1")
    inv.asset("fra-vol-1", AssetKind.VOLUME, parent="fra-vm-1")
    inv.asset("orphan-vol-1", AssetKind.VOLUME)
    inv.asset("unknown-host-1", AssetKind.HOST, site="XXX1")
    inv.flow("gva-host-1", kind=FlowKind.BACKUP, to_asset="gva-backup-1")
    inv.flow("gva-backup-1", kind=FlowKind.REPLICATION, to_site="FRA1")
    inv.flow("zrh-cluster-1", kind=FlowKind.TRANSFER, to_country="FR")
    inv.place(org_a, "gva-vol-1", data_categories="contact;customer", subjects=1200, records=5000)
    inv.place(org_a, "fra-vol-1", data_categories="logs", subjects=300, records=90000)
    inv.place(org_b, "zrh-vol-1", data_categories="health", subjects=80, records=400)
    inv.place(org_b, "orphan-vol-1")
    inv.place(gamma, "fra-vm-1")
    inv.place(gamma, "unknown-host-1")
    inv.refresh()
    world_subprocessors(inv)
    Contract.objects.create(
        organisation=org_a, authorisation="general", notice_days=30, signed_on=SIGNED, recorded_on=SIGNED
    )
    return World(inventory=inv, acme=org_a, beta=org_b, gamma=gamma)


def world_subprocessors(inv: InventoryBuilder) -> None:
    """fra-vm-1 serves Web hosting, whose support desk (CH) passes tickets to a US mail service."""
    web = Service.objects.create(name="Web hosting")
    Asset.objects.filter(pk=inv.assets["fra-vm-1"].pk).update(service=web)
    desk = SubProcessor.objects.create(
        slug="helvetia-support",
        legal_name="Helvetia Support AG",
        address="Bahnhofstrasse 1, 8001 Zürich",
        purpose="Support tickets",
        countries="CH",
        in_use_from=dt.date(2024, 1, 1),
    )
    desk.services.set([web])
    SubProcessor.objects.create(
        slug="postbote",
        legal_name="Postbote Inc.",
        address="1 Market Street, San Francisco, CA, USA",
        purpose="Sending the support desk's e-mail",
        countries="US",
        transfer_safeguard="SCC with the Swiss addendum",
        engaged_by=desk,
        in_use_from=dt.date(2024, 1, 1),
    )


# The world's audit, exactly as `art28 residency-audit --json` prints it (sorted).
WORLD_AUDIT = [
    {
        "customer": "ACME",
        "asset": "fra-vol-1",
        "site": "FRA1",
        "country": "DE",
        "allowed": ["CH"],
        "reason": "stored-outside",
        "destination": None,
    },
    {
        "customer": "ACME",
        "asset": "fra-vol-1",
        "site": "FRA1",
        "country": "US",
        "allowed": ["CH"],
        "reason": "subprocessor-outside",
        "destination": "postbote",
    },
    {
        "customer": "ACME",
        "asset": "gva-vol-1",
        "site": "GVA1",
        "country": "DE",
        "allowed": ["CH"],
        "reason": "flow-outside",
        "destination": "FRA1",
    },
    {
        "customer": "BETA",
        "asset": "orphan-vol-1",
        "site": None,
        "country": None,
        "allowed": ["CH"],
        "reason": "unknown-location",
        "destination": None,
    },
    {
        "customer": "BETA",
        "asset": "zrh-vol-1",
        "site": "ZRH1",
        "country": "FR",
        "allowed": ["CH"],
        "reason": "flow-outside",
        "destination": "FR",
    },
    {
        "customer": "GAMMA",
        "asset": None,
        "site": None,
        "country": None,
        "allowed": ["CH", "DE"],
        "reason": "subprocessor-unauthorised",
        "destination": "helvetia-support",
    },
    {
        "customer": "GAMMA",
        "asset": None,
        "site": None,
        "country": None,
        "allowed": ["CH", "DE"],
        "reason": "subprocessor-unauthorised",
        "destination": "postbote",
    },
    {
        "customer": "GAMMA",
        "asset": "fra-vm-1",
        "site": "FRA1",
        "country": "US",
        "allowed": ["CH", "DE"],
        "reason": "subprocessor-outside",
        "destination": "postbote",
    },
    {
        "customer": "GAMMA",
        "asset": "unknown-host-1",
        "site": "XXX1",
        "country": None,
        "allowed": ["CH", "DE"],
        "reason": "unknown-location",
        "destination": None,
    },
]
