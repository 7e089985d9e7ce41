"""The DPIA tests' world: the end-of-contract world (tests/duties/conftest.py) with what a pack reads besides
the inventory.

translations  Cloud servers = "Serveurs cloud" (fr); "contact" = "coordonnées" (fr); no French for "health"
sub-processors  helvetia-support (CH, Cloud servers) engages postbote (US, SCC); blobcare (CH, Object storage)
measures      tom-a-encryption (every service, evidence uploaded: effective), tom-b-firewall (Cloud servers,
              no evidence: stale), tom-c-bucket-restore (Object storage only)
incidents     on Cloud servers: INC cloud (scope: the service, assessed high), INC geneva (site GVA1),
              INC host (asset gva-host-2, which holds a Cloud VM), INC backup (asset fra-backup-2: no service,
              but its frozen impact names ACME's gva-vol-1 and gva-db-1: copies of Cloud data);
              not on it: INC gamma (GAMMA's bucket, Object storage), INC old (Cloud, 25 months ago)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from art28.breaches.decisions import incident_decide_notify
from art28.breaches.models import Incident
from art28.breaches.services import incident_declare, severity_assess
from art28.breaches.severity import SeverityInput
from art28.core.models import CategoryKind, DataCategory
from art28.core.roles import Role
from art28.evidence.services import evidence_upload
from art28.inventory.models import Service
from art28.records.models import TechnicalMeasure
from art28.subprocessors.models import SubProcessor
from tests.breaches.fixtures import CLOUD, STORAGE
from tests.conftest import TEST_ACTOR

SECRET_TITLE = "Gamma's members list leaked from zrh-bucket-2"


@dataclass
class DpiaWorld:
    base: object  # the end-of-contract world (acme, beta, gamma, delta, inventory)
    cloud: Service
    storage: Service
    databases: Service
    incidents: dict[str, Incident]


def _incident(title: str, *, days_ago: float, **scope) -> Incident:
    aware = timezone.now() - dt.timedelta(days=days_ago)
    return incident_declare(
        actor=TEST_ACTOR, title=title, aware_at=aware, started_at=aware - dt.timedelta(hours=2),
        natures=scope.pop("natures", ["confidentiality"]), description=f"{title}: details of the customers", **scope,
    )  # fmt: skip


@pytest.fixture
def dpia_world(world, make_user) -> DpiaWorld:
    cloud, storage = Service.objects.get(name=CLOUD), Service.objects.get(name=STORAGE)
    databases = Service.objects.get(name="Managed databases")
    cloud.name_i18n = {"fr": "Serveurs cloud", "de": "Cloud-Server"}
    cloud.description = "Virtual machines in Geneva and Zurich."
    cloud.save()
    DataCategory.objects.create(kind=CategoryKind.DATA, name="contact", name_i18n={"fr": "coordonnées"})
    desk = SubProcessor.objects.create(
        slug="helvetia-support", legal_name="Helvetia Support AG", address="Bahnhofstrasse 1, 8001 Zürich",
        purpose="Support tickets", purpose_i18n={"fr": "Tickets de support"}, countries="CH",
        in_use_from=dt.date(2024, 1, 1),
    )  # fmt: skip
    desk.services.set([cloud])
    SubProcessor.objects.create(
        slug="postbote", legal_name="Postbote Inc.", address="1 Market Street, San Francisco",
        purpose="Sending the support desk's e-mail", countries="US", transfer_safeguard="SCC (EU 2021/914)",
        engaged_by=desk, in_use_from=dt.date(2024, 1, 1),
    )  # fmt: skip
    blobcare = SubProcessor.objects.create(
        slug="blobcare", legal_name="Blobcare GmbH", address="Basel", purpose="Disk replacement", countries="CH",
        in_use_from=dt.date(2024, 1, 1),
    )  # fmt: skip
    blobcare.services.set([storage])
    owner = make_user("owner@provider.example", Role.SECURITY)
    soon = timezone.localdate() + dt.timedelta(days=60)

    def measure(ref: str, area: str, title: str, services=(), **fields) -> TechnicalMeasure:
        created = TechnicalMeasure.objects.create(
            ref=ref, area=area, title=title, description=title, owner=owner, next_review_on=soon, **fields
        )
        created.services.set(services)
        return created

    encryption = measure("tom-a-encryption", "a", "Disk encryption", title_i18n={"fr": "Chiffrement des disques"})
    measure("tom-b-firewall", "b", "Firewall per tenant", [cloud])
    measure("tom-c-bucket-restore", "c", "Bucket restore", [storage])
    evidence_upload(actor=owner, controls=[encryption], title="Encryption report", effective_on=timezone.localdate(),
                    valid_until=soon, content=b"%PDF-1.7 report", name="report.pdf")  # fmt: skip
    incidents = {
        "cloud": _incident("Cloud console outage", days_ago=30, services=[CLOUD], natures=["availability"]),
        "geneva": _incident("Geneva power cut", days_ago=200, sites=["GVA1"], natures=["availability", "integrity"]),
        "host": _incident("Beta's host compromised", days_ago=400, assets=["gva-host-2"]),
        "backup": _incident("Frankfurt backup store exposed", days_ago=10, assets=["fra-backup-2"]),
        "gamma": _incident(SECRET_TITLE, days_ago=5, assets=["zrh-bucket-2"]),
        "old": _incident("Old cloud incident", days_ago=31 * 25, services=[CLOUD]),
    }
    severity_assess(actor=TEST_ACTOR, incident=incidents["cloud"],
                    values=SeverityInput(dpc_base=3, ease_of_identification=Decimal("1"),
                                         cb_availability=Decimal("0.25")))  # fmt: skip
    incident_decide_notify(actor=TEST_ACTOR, incident=incidents["backup"], reason="Backups of customers' data.")
    return DpiaWorld(base=world, cloud=cloud, storage=storage, databases=databases, incidents=incidents)
