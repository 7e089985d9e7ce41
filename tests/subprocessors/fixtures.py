"""The sub-processor tests' world, built with the ORM (tests/residency/fixtures.py's builder):

sites       GVA1 (CH)  ZRH1 (CH)  FRA1 (DE, colocation)  XXX1 (unknown)
services    Web hosting, Mail, Backup
assets      gva-host-1 (GVA1) > web-vm-1 [Web hosting] > web-vol-1 [Web hosting]
            gva-host-2 (GVA1) > mail-1 [Mail]
            backup-1 (ZRH1) [Backup]
data        ACME  (fr, default policy CH)     web-vol-1
            BETA  (de, default policy CH)     web-vm-1, mail-1
            GAMMA (it, policy CH;US)          mail-1
            DELTA (en, default policy CH)     gva-host-2 (the host itself: no service)
register    helpdesk (Helvetia Helpdesk AG, CH, Web hosting), in use since 2024-01-01
agreements  each sub-processor made by ``new_subprocessor`` and helpdesk is bound by a complete flow-down
            agreement signed 2024-01-01 (GDPR Art. 28(4): without one an addition cannot be announced;
            tests of that case pass ``agreement=False``)
contracts   every customer gave a general written authorisation, 30 days' notice, signed 2024-01-01
            (GDPR Art. 28(2): without a recorded one a customer authorises nothing; tests of that case
            remove it with ``without_authorisation``)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from art28.core.models import Organisation
from art28.inventory.models import AssetKind, Service
from art28.subprocessors.changes import change_announce, change_draft
from art28.subprocessors.flowdown import flowdown_agreement_record
from art28.subprocessors.models import Change, Contract, FlowDownAgreement, FlowDownClause, SubProcessor
from art28.subprocessors.services import contract_set, subprocessor_create
from tests.conftest import TEST_ACTOR
from tests.residency.fixtures import InventoryBuilder

WEB, MAIL, BACKUP = "Web hosting", "Mail", "Backup"
SINCE = dt.date(2024, 1, 1)


@dataclass
class SpWorld:
    inventory: InventoryBuilder
    acme: Organisation
    beta: Organisation
    gamma: Organisation
    delta: Organisation
    helpdesk: SubProcessor

    @property
    def organisations(self) -> list[Organisation]:
        return [self.acme, self.beta, self.gamma, self.delta]


def build_sp_world(inventory: InventoryBuilder, make_org) -> SpWorld:
    acme = make_org("ACME", name="Acme Sàrl", language="fr", privacy_email="privacy@acme.example")
    beta = make_org("BETA", name="Beta AG", language="de", privacy_email="dsb@beta.example")
    gamma = make_org(
        "GAMMA", name="Gamma SA", language="it", privacy_email="privacy@gamma.example", allowed_countries="CH;US"
    )
    delta = make_org("DELTA", name="Delta Ltd", language="en", privacy_email="privacy@delta.example")
    services = {name: Service.objects.create(name=name) for name in (WEB, MAIL, BACKUP)}
    inv = inventory

    def asset(ref: str, kind: str, *, site: str | None = None, parent: str | None = None, service: str = "") -> None:
        created = inv.asset(ref, kind, site=site, parent=parent)
        if service:
            created.service = services[service]
            created.save(update_fields=["service"])

    asset("gva-host-1", AssetKind.HOST, site="GVA1")
    asset("web-vm-1", AssetKind.VM, parent="gva-host-1", service=WEB)
    asset("web-vol-1", AssetKind.VOLUME, parent="web-vm-1", service=WEB)
    asset("gva-host-2", AssetKind.HOST, site="GVA1")
    asset("mail-1", AssetKind.MAILSTORE, parent="gva-host-2", service=MAIL)
    asset("backup-1", AssetKind.BACKUP_SET, site="ZRH1", service=BACKUP)
    inv.place(acme, "web-vol-1")
    inv.place(beta, "web-vm-1")
    inv.place(beta, "mail-1")
    inv.place(gamma, "mail-1")
    inv.place(delta, "gva-host-2")
    inv.refresh()
    helpdesk = subprocessor_create(
        actor=TEST_ACTOR,
        slug="helpdesk",
        legal_name="Helvetia Helpdesk AG",
        address="Bahnhofstrasse 1, 8001 Zürich",
        purpose="Support tickets",
        countries="CH",
        services=[WEB],
        in_use_from=SINCE,
    )
    agreement_for(helpdesk)
    for organisation in (acme, beta, gamma, delta):
        contract_set(
            actor=TEST_ACTOR, organisation=organisation, authorisation="general", notice_days=30, signed_on=SINCE
        )
    return SpWorld(inventory=inv, acme=acme, beta=beta, gamma=gamma, delta=delta, helpdesk=helpdesk)


def without_authorisation(organisation: Organisation) -> Organisation:
    """The customer's recorded authorisation removed: it has authorised no sub-processor (Art. 28(2))."""
    Contract.objects.filter(organisation=organisation).delete()
    return organisation


@pytest.fixture
def sp_world(inventory, make_org) -> SpWorld:
    return build_sp_world(inventory, make_org)


def agreement_for(
    sp: SubProcessor,
    *,
    clauses: list[str] | None = None,
    signed_on: dt.date = SINCE,
    content: bytes | None = None,
    file_name: str = "",
    **kw,
) -> FlowDownAgreement:
    """A flow-down agreement binding ``sp`` (GDPR Art. 28(4)); by default complete: every Art. 28(3) duty."""
    return flowdown_agreement_record(
        actor=TEST_ACTOR,
        subprocessor=sp,
        signed_on=signed_on,
        file_name=file_name or f"{sp.slug}-dpa.pdf",
        content=content if content is not None else f"%PDF-1.7 flow-down agreement with {sp.slug}".encode(),
        clauses=FlowDownClause.values if clauses is None else clauses,
        **kw,
    )


def new_subprocessor(
    slug: str = "mailjet-us", *, countries: str = "US", agreement: bool = True, **fields
) -> SubProcessor:
    """A sub-processor not in use yet; ``agreement``: bound by a complete flow-down agreement (Art. 28(4))."""
    fields.setdefault("legal_name", "Deliverability Inc.")
    fields.setdefault("address", "1 Market Street, San Francisco, CA, USA")
    fields.setdefault("purpose", "Delivering outgoing e-mail")
    if countries not in ("CH", "DE"):
        fields.setdefault("transfer_safeguard", "SCC with the Swiss addendum")
    sp = subprocessor_create(actor=TEST_ACTOR, slug=slug, countries=countries, **fields)
    if agreement:
        agreement_for(sp)
    return sp


def announced_addition(services: list[str], *, slug: str = "mailjet-us", countries: str = "US", **kw) -> Change:
    sp = new_subprocessor(slug, countries=countries)
    change = change_draft(
        actor=TEST_ACTOR, kind="addition", subprocessor=sp, summary="Better e-mail delivery.", services=services
    )
    return change_announce(actor=TEST_ACTOR, change=change, **kw)


def past_effective_date(change: Change, days: int = 1) -> Change:
    """Move the effective date into the past (the tests have no clock to turn)."""
    from django.utils import timezone

    Change.objects.filter(pk=change.pk).update(effective_on=timezone.localdate() - dt.timedelta(days=days))
    change.refresh_from_db()
    return change
