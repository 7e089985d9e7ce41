"""A small published register (sites, services, sub-processors with a chain, an announced change) and
the real SMTP peer of the outbox tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone
from tests.conftest import TEST_ACTOR
from tests.notify.conftest import SmtpServer, smtp_down, smtp_server  # noqa: F401 (fixtures)

from art28.core.models import Organisation
from art28.inventory.models import Asset, Placement, Service, Site
from art28.notify.worker import deliver_due
from art28.subprocessors.changes import change_announce, change_draft
from art28.subprocessors.flowdown import flowdown_agreement_record
from art28.subprocessors.models import Change, FlowDownClause, SubProcessor
from art28.subprocessors.services import subprocessor_create

LONG_AGO = dt.date(2024, 1, 1)


@dataclass
class Register:
    hosting: Service
    mail: Service
    gva: Site
    fra: Site
    cloud: SubProcessor
    cdn: SubProcessor
    backup: SubProcessor  # engaged by ``cloud`` (the chain, Art. 28(4))
    colo: SubProcessor  # operates the Frankfurt site
    customer: Organisation


def add_subprocessor(slug: str, *, in_use: bool = True, agreement: bool = True, **fields) -> SubProcessor:
    """``agreement``: bound by a complete flow-down agreement signed on 2024-01-01 (GDPR Art. 28(4))."""
    fields.setdefault("legal_name", f"{slug.title()} AG")
    fields.setdefault("address", f"{slug.title()}strasse 1\n8000 Zürich")
    fields.setdefault("purpose", f"{slug} services")
    fields.setdefault("countries", "CH")
    sp = subprocessor_create(actor=TEST_ACTOR, slug=slug, **fields)
    if agreement:
        flowdown_agreement_record(
            actor=TEST_ACTOR,
            subprocessor=sp,
            signed_on=LONG_AGO,
            file_name=f"{slug}-flow-down.pdf",
            content=f"%PDF-1.7 {slug}".encode(),
            clauses=FlowDownClause.values,
        )
    if in_use:
        SubProcessor.objects.filter(pk=sp.pk).update(in_use_from=LONG_AGO)
        sp.refresh_from_db()
    return sp


@pytest.fixture
def register(db, make_org) -> Register:
    hosting = Service.objects.create(name="Web hosting")
    mail = Service.objects.create(name="Mail")
    gva = Site.objects.create(code="GVA1", name="Geneva 1", city="Genève", country="CH")
    fra = Site.objects.create(code="FRA1", name="Frankfurt 1", city="Frankfurt", country="DE", operator="Colo GmbH")
    customer = make_org(
        "CUST", name="Customer SA", language="fr", privacy_email="privacy@cust.example", security_email=""
    )
    host = Asset.objects.create(ref="host-1", kind="host", site=gva, service=hosting)
    Placement.objects.create(customer=customer, asset=host)
    cloud = add_subprocessor(
        "cloud",
        legal_name="Cloud Infra SA",
        purpose="Virtual machines for the web hosting",
        services=["Web hosting"],
        data_categories="contact;usage",
        contact_name="Private Person",
        contact_email="private.person@cloud.example",
        website="https://cloud.example",
    )
    cdn = add_subprocessor(
        "cdn",
        legal_name="Edge CDN Inc.",
        purpose="Content delivery",
        services=["Web hosting"],
        countries="CH;US",
        transfer_safeguard="SCC with the Swiss addendum",
        contact_email="dpo@cdn.example",
    )
    backup = add_subprocessor("backup", legal_name="Backup Vault AG", engaged_by=cloud, services=["Mail"])
    colo = add_subprocessor("colo", legal_name="Colo GmbH", purpose="Datacenter space", countries="DE", sites=["FRA1"])
    return Register(hosting, mail, gva, fra, cloud, cdn, backup, colo, customer)


@pytest.fixture
def announce(register) -> Callable[..., Change]:
    """Draft and announce an addition for the web hosting service (notifies ``register.customer``)."""

    def make(slug: str = "newco", **fields) -> Change:
        sp = add_subprocessor(slug, in_use=False, services=["Web hosting"], **fields)
        change = change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=sp, summary=f"We add {slug}.")
        return change_announce(actor=TEST_ACTOR, change=change)

    return make


def sent_to(smtp: SmtpServer, address: str) -> list:
    return [r.message for r in smtp.received if address in r.rcpt_tos]


def plain(message) -> str:
    """The plain-text part of a received mail (every notice is multipart/alternative)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_part(message) -> str:
    return message.get_body(("html",)).get_content()


def drain() -> int:
    """Send every due delivery now (the worker's job)."""
    return deliver_due(now=timezone.now())
