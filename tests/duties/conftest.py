"""End-of-contract tests: the breach tests' inventory (tests/breaches/fixtures.py) with backup stores and
flows, so that copies of a customer's data exist beyond its placements.

flows     gva-vm-1      backup      → zrh-backup-1 (ZRH1)      ACME's gva-vol-1 and gva-db-1
          gva-host-2    backup      → zrh-backup-1             BETA's gva-vm-2
          zrh-backup-1  replication → fra-backup-2 (FRA1)      the backups, onwards
          zrh-cluster-1 replication → site FRA1                ACME's zrh-bucket-1, GAMMA's zrh-bucket-2
          fra-vm-1      transfer    → US                       BETA's and DELTA's fra-vm-1
retention zrh-backup-1 keeps 90 days (its own); everything else the default, 30
"""

from __future__ import annotations

import pytest

from art28.core.audit import SystemActor
from art28.core.roles import Role
from art28.duties.retention import backup_retention_set
from art28.inventory.models import AssetKind, FlowKind
from tests.breaches.fixtures import build_breach_world
from tests.conftest import logged_in
from tests.residency.fixtures import inventory  # noqa: F401


@pytest.fixture
def world(inventory, make_org, settings):  # noqa: F811
    settings.ART28_BACKUP_RETENTION_DAYS = 30
    built = build_breach_world(inventory, make_org)
    inv = built.inventory
    inv.asset("zrh-backup-1", AssetKind.BACKUP_SET, site="ZRH1")
    inv.asset("fra-backup-2", AssetKind.BACKUP_SET, site="FRA1")
    inv.flow("gva-vm-1", kind=FlowKind.BACKUP, to_asset="zrh-backup-1")
    inv.flow("gva-host-2", kind=FlowKind.BACKUP, to_asset="zrh-backup-1")
    inv.flow("zrh-backup-1", kind=FlowKind.REPLICATION, to_asset="fra-backup-2")
    inv.flow("zrh-cluster-1", kind=FlowKind.REPLICATION, to_site="FRA1")
    inv.flow("fra-vm-1", kind=FlowKind.TRANSFER, to_country="US")
    inv.refresh()
    backup_retention_set(actor=SystemActor("test"), asset=inv.assets["zrh-backup-1"], service=None, days=90)
    return built


@pytest.fixture
def acme_admin(make_user, world):
    return make_user("admin@acme.example", Role.CUSTOMER_ADMIN, world.acme)


@pytest.fixture
def acme_viewer(make_user, world):
    return make_user("viewer@acme.example", Role.CUSTOMER_VIEWER, world.acme)


@pytest.fixture
def beta_admin(make_user, world):
    return make_user("admin@beta.example", Role.CUSTOMER_ADMIN, world.beta)


@pytest.fixture
def operations(make_user):
    return make_user("ops@provider.example", Role.OPERATIONS)


@pytest.fixture
def dpo(make_user):
    return make_user("dpo@provider.example", Role.DPO)


@pytest.fixture
def ops_client(operations):
    return logged_in(operations)
