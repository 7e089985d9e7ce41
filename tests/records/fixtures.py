"""The records tests' world: the sub-processor world (tests/subprocessors/fixtures.py) plus

sites       NYC1 (US): the provider's own site abroad
assets      nyc-archive-1 (NYC1) [Backup]; fra-backup-1 (FRA1, DE)
flows       web-vm-1 → fra-backup-1 (backup: a copy of ACME's and BETA's web data sits in Germany)
data        ACME  web-vol-1 (contact;customer), nyc-archive-1 (invoices)
            BETA  web-vm-1, mail-1 (as before)
register    helpdesk (CH, Web hosting); mailjet-us (US, SCC, Web hosting): effective, BETA objected
measures    tom-a-encryption (a, every service), tom-b-mail-filter (b, Mail only),
            tom-d-pentest (d, every service, review overdue), tom-c-restore (c, retired)
matrix      "Content" (every service), "Backups" (Backup), "Mailbox passwords" (Mail)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from art28.core.models import User
from art28.core.roles import Role
from art28.inventory.models import AssetKind, FlowKind, Placement, Service
from art28.records.models import TechnicalMeasure
from art28.records.services import measure_create, measure_retire, responsibility_create
from art28.subprocessors.changes import changes_apply_due
from art28.subprocessors.models import SubProcessor
from art28.subprocessors.responses import change_object
from tests.conftest import TEST_ACTOR
from tests.subprocessors.fixtures import BACKUP, MAIL, WEB, SpWorld, announced_addition, past_effective_date


@dataclass
class RecordsWorld:
    sp: SpWorld
    dpo: User
    security: User
    mailjet: SubProcessor
    measures: dict[str, TechnicalMeasure]
    services: dict[str, Service]

    @property
    def acme(self):
        return self.sp.acme

    @property
    def beta(self):
        return self.sp.beta


def build_records_world(sp_world: SpWorld, make_user) -> RecordsWorld:
    inv = sp_world.inventory
    services = {s.name: s for s in Service.objects.all()}
    inv.site("NYC1", "US", city="New York")
    archive = inv.asset("nyc-archive-1", AssetKind.BACKUP_SET, site="NYC1")
    archive.service = services[BACKUP]
    archive.save(update_fields=["service"])
    Placement.objects.filter(customer=sp_world.acme, asset__ref="web-vol-1").update(data_categories="contact;customer")
    inv.place(sp_world.acme, "nyc-archive-1", data_categories="invoices")
    inv.asset("fra-backup-1", AssetKind.BACKUP_SET, site="FRA1")
    inv.flow("web-vm-1", kind=FlowKind.BACKUP, to_asset="fra-backup-1")
    inv.refresh()

    beta_admin = make_user("records-beta-admin@beta.example", Role.CUSTOMER_ADMIN, sp_world.beta)
    change = announced_addition([WEB])
    change_object(actor=beta_admin, change=change, organisation=sp_world.beta, reason="No US, please.")
    past_effective_date(change, days=0)
    changes_apply_due()

    dpo = make_user("dpo@example-hosting.ch", Role.DPO)
    security = make_user("security@example-hosting.ch", Role.SECURITY)
    today = timezone.localdate()
    measures = {
        "tom-a-encryption": measure_create(
            actor=TEST_ACTOR,
            ref="tom-a-encryption",
            area="a",
            title="Disk encryption",
            description="LUKS on every volume.",
            owner=security,
        ),
        "tom-b-mail-filter": measure_create(
            actor=TEST_ACTOR,
            ref="tom-b-mail-filter",
            area="b",
            title="Mail filtering",
            description="Inbound malware filtering.",
            owner=security,
            services=[services[MAIL]],
        ),
        "tom-d-pentest": measure_create(
            actor=TEST_ACTOR,
            ref="tom-d-pentest",
            area="d",
            title="Yearly intrusion test",
            description="External test every year.",
            owner=dpo,
            next_review_on=today - dt.timedelta(days=3),
        ),
        "tom-c-restore": measure_create(
            actor=TEST_ACTOR,
            ref="tom-c-restore",
            area="c",
            title="Old restore drill",
            description="Replaced.",
            owner=dpo,
        ),
    }
    measure_retire(actor=TEST_ACTOR, measure=measures["tom-c-restore"])
    responsibility_create(
        actor=TEST_ACTOR,
        service=None,
        topic="Content",
        customer_part="What you store.",
        provider_part="Keeping it available.",
    )
    responsibility_create(
        actor=TEST_ACTOR,
        service=services[BACKUP],
        topic="Backups",
        customer_part="Choosing retention.",
        provider_part="Running nightly backups.",
    )
    responsibility_create(
        actor=TEST_ACTOR,
        service=services[MAIL],
        topic="Mailbox passwords",
        customer_part="Strong passwords.",
        provider_part="Rate-limiting logins.",
    )
    return RecordsWorld(
        sp=sp_world,
        dpo=dpo,
        security=security,
        mailjet=SubProcessor.objects.get(slug="mailjet-us"),
        measures=measures,
        services=services,
    )


@pytest.fixture
def records_world(sp_world, make_user) -> RecordsWorld:
    return build_records_world(sp_world, make_user)
