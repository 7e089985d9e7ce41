"""The residency audit's SQL sub-processor rules and the plain Python rules give the same answer on any
register (hypothesis generates them): ``subprocessor-outside`` and ``subprocessor-unauthorised``
(``art28.residency.engine``) against ``subprocessors.rules`` (``recipient_applies``, ``in_use_on``,
``unauthorised_subprocessors``) as the selectors apply them to one customer or one sub-processor.

The rules themselves: GDPR Art. 28(2) and DSV Art. 7 (a change applies to a customer only with its
authorisation, without a standing objection or with its consent; a replacement that applies moves the
customer off the old sub-processor), Art. 28(4) (a sub-processor works for its engagers' services and is
in use only while they are), nFADP Art. 9(3) (no recorded authorisation, no sub-processor).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from art28.core.models import Organisation
from art28.inventory.engine import refresh_locations
from art28.inventory.models import Asset, AssetKind, Placement, Service, Site
from art28.residency.engine import SUBPROCESSOR_OUTSIDE, SUBPROCESSOR_UNAUTHORISED, run_audit
from art28.subprocessors.models import (
    Change,
    ChangeKind,
    ChangeRecipient,
    ConsentStatus,
    Contract,
    RecipientAuthorisation,
    Resolution,
    SubProcessor,
)
from art28.subprocessors.selectors import (
    public_register,
    subprocessors_for_organisation,
    unauthorised_customers_of,
    unauthorised_subprocessors_for,
)

pytestmark = pytest.mark.django_db

COUNTRIES = ("CH", "DE", "US", "IN")
SERVICES = ("Web hosting", "Mail", "Backup")
# A fixed asset tree: (ref, kind, site, parent). Services are drawn per example.
ASSETS = (
    ("gva-host", AssetKind.HOST, "GVA1", None),
    ("gva-vm", AssetKind.VM, None, "gva-host"),
    ("gva-vol", AssetKind.VOLUME, None, "gva-vm"),
    ("fra-host", AssetKind.HOST, "FRA1", None),
    ("fra-mail", AssetKind.MAILSTORE, None, "fra-host"),
)
# Days relative to today: in use from today counts, in use until today does not (``rules.in_use_on``).
DAY_OFFSETS = (-400, -30, -1, 0, 1, 30)


@dataclass(frozen=True)
class CustomerSpec:
    allowed: str  # '' = the provider default (ART28_ALLOWED_COUNTRIES)
    authorisation: str | None  # the recorded Contract; None = none recorded
    placed_on: tuple[bool, ...]


@dataclass(frozen=True)
class SubProcessorSpec:
    countries: str
    services: tuple[int, ...]
    engaged_by: int | None
    in_use_from: int | None
    in_use_until: int | None


@dataclass(frozen=True)
class RecipientSpec:
    authorisation: str
    consent: str
    objected: bool
    resolution: str


@dataclass(frozen=True)
class ChangeSpec:
    kind: str
    subprocessor: int
    replaces: int
    status: str
    effective_in: int
    recipients: tuple[RecipientSpec | None, ...]


@dataclass(frozen=True)
class RegisterSpec:
    asset_services: tuple[int | None, ...]
    customers: tuple[CustomerSpec, ...]
    subprocessors: tuple[SubProcessorSpec, ...]
    changes: tuple[ChangeSpec, ...]


country_lists = st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=2, unique=True).map(
    lambda codes: ";".join(sorted(codes))
)
offsets = st.sampled_from(DAY_OFFSETS)
# Mostly in use (since long ago, with no end), so that most examples have findings to compare.
starts = st.sampled_from((-400,) * 5 + (0, 1, None))
ends = st.sampled_from((None,) * 5 + (-1, 0, 30))


@st.composite
def registers(draw) -> RegisterSpec:
    customers = draw(
        st.lists(
            st.builds(
                CustomerSpec,
                allowed=st.one_of(st.just(""), country_lists),
                authorisation=st.sampled_from((None, "general", "specific")),
                placed_on=st.tuples(*[st.sampled_from((True, True, False))] * len(ASSETS)),
            ),
            min_size=2,
            max_size=4,
        )
    )
    count = draw(st.integers(min_value=2, max_value=5))
    subprocessors = tuple(
        SubProcessorSpec(
            countries=draw(country_lists),
            services=tuple(draw(st.lists(st.integers(0, len(SERVICES) - 1), min_size=1, max_size=2, unique=True))),
            engaged_by=draw(st.one_of(st.none(), st.integers(0, i - 1), st.just(i - 1))) if i else None,
            in_use_from=draw(starts),
            in_use_until=draw(ends),
        )
        for i in range(count)
    )
    # Every customer usually has a row; a general authorisation with an objection (withdrawn or not) and a
    # specific one with each consent are the cases where the rules decide.
    recipient = st.one_of(
        st.builds(
            RecipientSpec,
            authorisation=st.just("general"),
            consent=st.just("not_needed"),
            objected=st.booleans(),
            resolution=st.sampled_from([Resolution.OBJECTION_WITHDRAWN, *Resolution.values]),
        ),
        st.builds(
            RecipientSpec,
            authorisation=st.sampled_from(RecipientAuthorisation.values),
            consent=st.sampled_from(ConsentStatus.values),
            objected=st.booleans(),
            resolution=st.sampled_from(Resolution.values),
        ),
        st.none(),
    )
    changes = []
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        # Replacements and effective changes weigh more: they are what keeps a customer on or off one.
        kinds = ["replacement", "replacement", "addition", "removal"]
        kind = draw(st.sampled_from(kinds))
        new = draw(st.integers(0, count - 1))
        old = (new + draw(st.integers(1, count - 1))) % count if kind == ChangeKind.REPLACEMENT else -1
        changes.append(
            ChangeSpec(
                kind=kind,
                subprocessor=new,
                replaces=old,
                status=draw(
                    st.sampled_from(["effective", "effective", "effective", "announced", "withdrawn", "draft"])
                ),
                effective_in=draw(offsets),
                recipients=tuple(draw(recipient) for _ in customers),
            )
        )
    return RegisterSpec(
        asset_services=tuple(draw(st.sampled_from((None, 0, 0, 1, 1, 2))) for _ in ASSETS),
        customers=tuple(customers),
        subprocessors=subprocessors,
        changes=tuple(changes),
    )


def build(spec: RegisterSpec) -> tuple[list[Organisation], list[SubProcessor]]:
    """The register and inventory of ``spec`` in the database, with the ORM (no services: any state the
    models allow, including ones the services would only reach through a longer history)."""
    today = timezone.localdate()

    def day(offset: int | None) -> dt.date | None:
        return None if offset is None else today + dt.timedelta(days=offset)

    sites = {
        "GVA1": Site.objects.create(code="GVA1", name="Geneva", country="CH"),
        "FRA1": Site.objects.create(code="FRA1", name="Frankfurt", country="DE"),
    }
    services = [Service.objects.create(name=name) for name in SERVICES]
    assets: dict[str, Asset] = {}
    for (ref, kind, site, parent), service in zip(ASSETS, spec.asset_services, strict=True):
        assets[ref] = Asset.objects.create(
            ref=ref,
            kind=kind,
            site=sites[site] if site else None,
            parent=assets[parent] if parent else None,
            service=services[service] if service is not None else None,
        )
    refresh_locations()
    organisations = []
    for n, customer in enumerate(spec.customers):
        organisation = Organisation.objects.create(
            ref=f"C{n}", name=f"Customer {n}", allowed_countries=customer.allowed
        )
        organisations.append(organisation)
        if customer.authorisation:
            Contract.objects.create(
                organisation=organisation, authorisation=customer.authorisation, notice_days=30, recorded_on=today
            )
        for (ref, *_), placed in zip(ASSETS, customer.placed_on, strict=True):
            if placed:
                Placement.objects.create(customer=organisation, asset=assets[ref])
    subprocessors: list[SubProcessor] = []
    for n, sp_spec in enumerate(spec.subprocessors):
        sp = SubProcessor.objects.create(
            slug=f"sp-{n}",
            legal_name=f"Sub-processor {n}",
            address="Somewhere",
            purpose="Processing",
            countries=sp_spec.countries,
            engaged_by=subprocessors[sp_spec.engaged_by] if sp_spec.engaged_by is not None else None,
            in_use_from=day(sp_spec.in_use_from),
            in_use_until=day(sp_spec.in_use_until),
        )
        sp.services.set([services[i] for i in sp_spec.services])
        subprocessors.append(sp)
    for change_spec in spec.changes:
        change = Change.objects.create(
            kind=change_spec.kind,
            subprocessor=subprocessors[change_spec.subprocessor],
            replaces=subprocessors[change_spec.replaces] if change_spec.kind == ChangeKind.REPLACEMENT else None,
            summary="Generated.",
            status=change_spec.status,
            effective_on=day(change_spec.effective_in),
        )
        for organisation, row in zip(organisations, change_spec.recipients, strict=True):
            if row is not None:
                ChangeRecipient.objects.create(
                    change=change,
                    organisation=organisation,
                    authorisation=row.authorisation,
                    consent=row.consent,
                    objected_at=timezone.now() if row.objected else None,
                    resolution=row.resolution,
                )
    return organisations, subprocessors


def sql_findings(reason: str, **kwargs) -> set[tuple[str, ...]]:
    """The audit's findings of one reason as (customer, sub-processor[, country])."""
    return {
        (v.customer, v.destination, v.country) if reason == SUBPROCESSOR_OUTSIDE else (v.customer, v.destination)
        for v in run_audit(**kwargs)
        if v.reason == reason
    }


def python_outside(organisation: Organisation) -> set[tuple[str, ...]]:
    """Each country outside the customer's policy of each sub-processor on its data (the rules' side)."""
    allowed = set(organisation.allowed_country_list)
    return {
        (organisation.ref, sp.slug, country)
        for sp in subprocessors_for_organisation(organisation)
        for country in sp.country_list
        if country not in allowed
    }


def python_unauthorised(organisation: Organisation) -> set[tuple[str, ...]]:
    return {(organisation.ref, slug) for slug in unauthorised_subprocessors_for(organisation)}


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(registers())
def test_gdpr_art_28_2_and_28_4_the_sql_audit_and_the_python_rules_find_the_same_sub_processors(spec):
    with transaction.atomic():
        organisations, _ = build(spec)
        outside, unauthorised = sql_findings(SUBPROCESSOR_OUTSIDE), sql_findings(SUBPROCESSOR_UNAUTHORISED)

        assert outside == set().union(*(python_outside(org) for org in organisations))
        assert unauthorised == set().union(*(python_unauthorised(org) for org in organisations))
        # The audit for one customer (the portal's) is the same rule, filtered.
        for org in organisations:
            assert sql_findings(SUBPROCESSOR_OUTSIDE, organisation_id=org.pk) == python_outside(org)
            assert sql_findings(SUBPROCESSOR_UNAUTHORISED, organisation_id=org.pk) == python_unauthorised(org)
        # The staff page of a sub-processor lists the same customers without an authorisation.
        for sp in public_register():
            assert {org.ref for org in unauthorised_customers_of(sp)} == {c for c, s in unauthorised if s == sp.slug}
        transaction.set_rollback(True)
