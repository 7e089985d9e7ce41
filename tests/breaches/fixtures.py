"""The breach tests' inventory, built with the ORM (tests/residency/fixtures.py's builder):

sites     GVA1 (CH)  ZRH1 (CH)  FRA1 (DE)
services  Cloud servers, Object storage, Managed databases
assets    gva-host-1 (GVA1) > gva-vm-1 [cloud] > gva-vol-1 [cloud]
                              gva-vm-1 > gva-db-1 [databases]
          gva-host-2 (GVA1) > gva-vm-2 [cloud]
          zrh-cluster-1 (ZRH1) [storage] > zrh-bucket-1 [storage], zrh-bucket-2 [storage]
          fra-host-1 (FRA1) > fra-vm-1 [cloud]
data      ACME  (fr)  gva-vol-1 (contact;customer 1200/5000), gva-db-1 (health 100/300), zrh-bucket-1 (logs 10/20)
          BETA  (de)  gva-vm-2 (contact 50/60), fra-vm-1 (billing 7/8)
          GAMMA (it)  zrh-bucket-2 (contact 3/4)
          DELTA (en)  fra-vm-1 (contact 1/1)
subjects  ACME  gva-vol-1 customers;website visitors, gva-db-1 patients, zrh-bucket-1 website visitors
          BETA  gva-vm-2 employees, fra-vm-1 customers;  GAMMA zrh-bucket-2 members;  DELTA none declared
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from art28.core.models import Organisation
from art28.inventory.models import AssetKind, Service
from tests.residency.fixtures import InventoryBuilder

CLOUD, STORAGE, DATABASES = "Cloud servers", "Object storage", "Managed databases"


@dataclass
class BreachWorld:
    inventory: InventoryBuilder
    acme: Organisation
    beta: Organisation
    gamma: Organisation
    delta: Organisation

    @property
    def organisations(self) -> list[Organisation]:
        return [self.acme, self.beta, self.gamma, self.delta]


def build_breach_world(inventory: InventoryBuilder, make_org) -> BreachWorld:
    acme = make_org("ACME", name="Acme Sàrl", language="fr", privacy_email="privacy@acme.example")
    beta = make_org("BETA", name="Beta AG", language="de", privacy_email="dsb@beta.example")
    gamma = make_org("GAMMA", name="Gamma SA", language="it", privacy_email="privacy@gamma.example")
    delta = make_org("DELTA", name="Delta Ltd", language="en", privacy_email="privacy@delta.example")
    services = {name: Service.objects.create(name=name) for name in (CLOUD, STORAGE, DATABASES)}
    inv = inventory

    def asset(ref: str, kind: str, *, site: str | None = None, parent: str | None = None, service: str = "") -> None:
        created = inv.asset(ref, kind, site=site, parent=parent)
        if service:
            created.service = services[service]
            created.save(update_fields=["service"])

    asset("gva-host-1", AssetKind.HOST, site="GVA1")
    asset("gva-vm-1", AssetKind.VM, parent="gva-host-1", service=CLOUD)
    asset("gva-vol-1", AssetKind.VOLUME, parent="gva-vm-1", service=CLOUD)
    asset("gva-db-1", AssetKind.DATABASE, parent="gva-vm-1", service=DATABASES)
    asset("gva-host-2", AssetKind.HOST, site="GVA1")
    asset("gva-vm-2", AssetKind.VM, parent="gva-host-2", service=CLOUD)
    asset("zrh-cluster-1", AssetKind.STORAGE_CLUSTER, site="ZRH1", service=STORAGE)
    asset("zrh-bucket-1", AssetKind.BUCKET, parent="zrh-cluster-1", service=STORAGE)
    asset("zrh-bucket-2", AssetKind.BUCKET, parent="zrh-cluster-1", service=STORAGE)
    asset("fra-host-1", AssetKind.HOST, site="FRA1")
    asset("fra-vm-1", AssetKind.VM, parent="fra-host-1", service=CLOUD)
    inv.place(
        acme,
        "gva-vol-1",
        data_categories="contact;customer",
        subject_categories="customers;website visitors",
        subjects=1200,
        records=5000,
    )
    inv.place(acme, "gva-db-1", data_categories="health", subject_categories="patients", subjects=100, records=300)
    inv.place(
        acme, "zrh-bucket-1", data_categories="logs", subject_categories="website visitors", subjects=10, records=20
    )
    inv.place(beta, "gva-vm-2", data_categories="contact", subject_categories="employees", subjects=50, records=60)
    inv.place(beta, "fra-vm-1", data_categories="billing", subject_categories="customers", subjects=7, records=8)
    inv.place(gamma, "zrh-bucket-2", data_categories="contact", subject_categories="members", subjects=3, records=4)
    inv.place(delta, "fra-vm-1", data_categories="contact", subjects=1, records=1)
    inv.refresh()
    return BreachWorld(inventory=inv, acme=acme, beta=beta, gamma=gamma, delta=delta)


@pytest.fixture
def breach_world(inventory, make_org) -> BreachWorld:
    return build_breach_world(inventory, make_org)


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)
