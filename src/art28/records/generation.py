"""The processor's record of processing for each controller, GENERATED from the inventory, the services,
the sub-processor register and the TOMs, never typed (GDPR Art. 30(2), nFADP Art. 12, PRODUCT.md S12).

Art. 30(2) asks for: (a) the processor's and each controller's name and contact details, and the DPO;
(b) the categories of processing carried out on behalf of each controller; (c) transfers to a third
country with their safeguards (Art. 46(1)); (d) where possible, a general description of the Art. 32(1)
measures. nFADP Art. 12(3) asks the same of a Swiss processor, and nFADP Art. 12(2)(g) lists EVERY
foreign state the data is disclosed to, not only the third countries of the GDPR.

So a record lists each state outside the provider's own country (``ART28_PROVIDER_COUNTRY``) where the
controller's data is: on the provider's own sites, carried there by flows (backups, replicas — followed
onwards as the residency audit follows them), or processed by a sub-processor of its services or one of
their chain (Art. 28(4)). Each place carries its ground under each law (``art28.core.adequacy``): ``eea``
/ ``switzerland`` (no transfer), ``adequacy`` naming the decision or DSV Annex 1, ``safeguard`` naming
it, or ``none`` — a problem, shown as one. ``gdpr_third_country`` marks the states Art. 30(2)(c) asks for.

Set-based: ``iter_records()`` runs a fixed handful of queries (services through the asset tree, data
categories, sites abroad, flows abroad, the sub-processor register, the objections, the measures) and then
streams one record per controller, so 10,000 controllers cost the same number of queries as one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from art28.core.adequacy import Ground, Law, ground_text, grounds_for
from art28.core.countries import EEA_COUNTRIES, country_name
from art28.core.dpo import dpo_profile
from art28.core.models import Organisation
from art28.core.translated import all_languages
from art28.inventory.engine import DESTINATION_COUNTRY, drive_joins_by_index, flows_reaching_ctes
from art28.inventory.models import Placement, Service, Site
from art28.records.models import MeasureArea, TechnicalMeasure
from art28.subprocessors.models import ChangeKind, ChangeRecipient, ChangeStatus, SubProcessor
from art28.subprocessors.rules import needs_answer, recipient_applies
from art28.subprocessors.selectors import chain_of, public_register


@dataclass(frozen=True, slots=True)
class Processor:
    """Art. 30(2)(a): the processor and its data protection officer (Art. 37)."""

    name: str
    address: str
    dpo_name: str
    dpo_email: str


@dataclass(frozen=True, slots=True)
class SubProcessorEntry:
    name: str
    purpose: str
    countries: list[str]
    safeguard: str
    # Every language that has a text, English included (art28.core.translated.all_languages): the pages
    # show the reader's language with ``{% tr %}``, the JSON export carries them all.
    purpose_i18n: dict[str, str] = field(default_factory=dict)
    safeguard_i18n: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Place:
    """Where in a foreign state the controller's data is, and on what ground under each law."""

    kind: str  # "site": the provider's own site; "flow": a flow's destination; "subprocessor"
    name: str
    gdpr: Ground
    nfadp: Ground

    @property
    def gdpr_text(self) -> str:
        return ground_text(self.gdpr)

    @property
    def nfadp_text(self) -> str:
        return ground_text(self.nfadp)

    @property
    def has_problem(self) -> bool:
        return self.gdpr.is_problem or self.nfadp.is_problem


@dataclass(frozen=True, slots=True)
class ForeignState:
    """GDPR Art. 30(2)(c) / nFADP Art. 12(2)(g): a state outside the provider's own country where the
    controller's data is processed or disclosed."""

    country: str
    places: list[Place]
    # GDPR Art. 30(2)(c) asks for transfers to third countries: states outside the EEA.
    gdpr_third_country: bool

    @property
    def name(self) -> str:
        return country_name(self.country)

    @property
    def has_problem(self) -> bool:
        return any(place.has_problem for place in self.places)


@dataclass(frozen=True, slots=True)
class MeasureEntry:
    area: str
    ref: str
    title: str
    title_i18n: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ServiceName:
    """A service's English name (its key) and its name in every language that has one."""

    name: str
    name_i18n: dict[str, str]


@dataclass(frozen=True, slots=True)
class ControllerRecord:
    """One controller's Art. 30(2) record, as pages, exports and the DPA show it."""

    ref: str
    name: str
    country: str
    contact: str
    processor: Processor
    services: list[str]
    data_categories: list[str]
    subprocessors: list[SubProcessorEntry]
    foreign_states: list[ForeignState]
    measures: list[MeasureEntry]
    generated_on: dt.date
    service_ids: list[int] = field(default_factory=list, repr=False)
    # ``services`` lists the English names; this maps each to its names in every language that has one.
    services_i18n: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("service_ids")
        data["generated_on"] = self.generated_on.isoformat()
        data["foreign_states"] = [_state_dict(state) for state in self.foreign_states]
        return data

    @property
    def gdpr_transfers(self) -> list[ForeignState]:
        """GDPR Art. 30(2)(c): the third countries among the foreign states."""
        return [state for state in self.foreign_states if state.gdpr_third_country]

    @property
    def service_names(self) -> list[ServiceName]:
        """The services for a page: ``{% tr name "name" %}`` shows each in the reader's language."""
        return [ServiceName(name, self.services_i18n.get(name, {})) for name in self.services]

    def measures_by_area(self) -> list[tuple[str, list[MeasureEntry]]]:
        return [
            (str(label), [m for m in self.measures if m.area == code])
            for code, label in MeasureArea.choices
            if any(m.area == code for m in self.measures)
        ]


def processor() -> Processor:
    """The processor as every record names it; the DPO from the one saved profile (core.dpo)."""
    dpo = dpo_profile()
    return Processor(
        name=settings.ART28_PROVIDER_NAME,
        address=settings.ART28_PROVIDER_ADDRESS,
        dpo_name=dpo.name,
        dpo_email=dpo.email,
    )


def _state_dict(state: ForeignState) -> dict[str, Any]:
    return {
        "country": state.country,
        "gdpr_third_country": state.gdpr_third_country,
        "places": [
            {"kind": p.kind, "name": p.name, "gdpr": p.gdpr.as_dict(), "nfadp": p.nfadp.as_dict()} for p in state.places
        ],
    }


# Each customer's services: the services of the assets holding its data and of their ancestors (the
# same rule as inventory.selectors.organisation_service_ids, for every customer in one statement).
_SERVICES_OF_CUSTOMERS = """
WITH RECURSIVE up(customer_id, asset_id) AS (
    SELECT customer_id, asset_id FROM inventory_placement {where}
    UNION
    SELECT up.customer_id, a.parent_id FROM up JOIN inventory_asset a ON a.id = up.asset_id
    WHERE a.parent_id IS NOT NULL
)
SELECT DISTINCT up.customer_id, a.service_id FROM up JOIN inventory_asset a ON a.id = up.asset_id
WHERE a.service_id IS NOT NULL
"""


def _services_by_customer(organisation_id: int | None) -> dict[int, set[int]]:
    where, params = ("WHERE customer_id = %s", [organisation_id]) if organisation_id else ("", [])
    found: dict[int, set[int]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(_SERVICES_OF_CUSTOMERS.format(where=where), params)
        while batch := cursor.fetchmany(5000):
            for customer_id, service_id in batch:
                found[customer_id].add(service_id)
    return found


def _placements(organisation_id: int | None) -> Any:
    rows = Placement.objects.all()
    return rows.filter(customer_id=organisation_id) if organisation_id else rows


def _categories_by_customer(organisation_id: int | None) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    rows = _placements(organisation_id).exclude(data_categories="").values_list("customer_id", "data_categories")
    for customer_id, categories in rows.distinct().iterator(chunk_size=5000):
        found[customer_id].update(categories.split(";"))
    return found


def _sites_abroad_by_customer(organisation_id: int | None, home: str) -> dict[int, set[tuple[str, str]]]:
    """(site code, country) of the provider's sites outside its own country where each customer's data is
    stored. Driven from those few sites, not from the million placements."""
    found: dict[int, set[tuple[str, str]]] = defaultdict(set)
    abroad = Site.objects.exclude(country="").exclude(country=home).values("pk")
    rows = (
        _placements(organisation_id)
        .filter(asset__location__in=abroad)
        .values_list("customer_id", "asset__location__code", "asset__location__country")
        .distinct()
    )
    for customer_id, code, country in rows.iterator(chunk_size=5000):
        found[customer_id].add((code, country))
    return found


# Each customer's data carried by flows, directly or onwards, to a destination outside the provider's
# country: the residency audit's flow-following (inventory.engine.flows_reaching_ctes), with "abroad"
# meaning "not the provider's country" instead of "not allowed by some customer".
_FLOWS_ABROAD = f"""
WITH RECURSIVE
{flows_reaching_ctes(f"({DESTINATION_COUNTRY} <> '' AND {DESTINATION_COUNTRY} <> %(home)s)")}
SELECT DISTINCT p.customer_id, suspect.label, suspect.country
FROM suspect
{{by_index:inventory_placement p:p.asset_id = suspect.origin_id}}
{{customer_filter}}
"""


def _flows_abroad_by_customer(organisation_id: int | None, home: str) -> dict[int, set[tuple[str, str]]]:
    """(destination, country) of every flow that carries each customer's data out of the provider's country."""
    sql = drive_joins_by_index(_FLOWS_ABROAD, connection.vendor)
    params: dict[str, Any] = {"home": home}
    origin_filter = customer_filter = ""
    if organisation_id:
        origin_filter = "WHERE asset_id IN (SELECT asset_id FROM inventory_placement WHERE customer_id = %(org)s)"
        customer_filter = "WHERE p.customer_id = %(org)s"
        params["org"] = organisation_id
    sql = sql.replace("{origin_filter}", origin_filter).replace("{customer_filter}", customer_filter)
    found: dict[int, set[tuple[str, str]]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            for customer_id, label, country in batch:
                found[customer_id].add((label, country))
    return found


def foreign_states(
    *,
    home: str,
    on: dt.date,
    sites: Iterable[tuple[str, str]],
    flows: Iterable[tuple[str, str]],
    subprocessors: Iterable[SubProcessor],
) -> list[ForeignState]:
    """Group every place outside ``home`` by state, each with its ground under each law. The provider's
    own sites and flows have no safeguard of their own: outside adequacy their ground is ``none``."""
    by_state: dict[str, list[Place]] = defaultdict(list)
    for kind, rows in (("site", sites), ("flow", flows)):
        for name, country in sorted(set(rows)):
            grounds = grounds_for(country, on=on)
            by_state[country].append(Place(kind, name, grounds[Law.GDPR], grounds[Law.NFADP]))
    for sp in subprocessors:
        for country, grounds in sp.grounds(on):
            if country != home:
                by_state[country].append(Place("subprocessor", sp.legal_name, grounds[Law.GDPR], grounds[Law.NFADP]))
    return [
        ForeignState(country, places, gdpr_third_country=country not in EEA_COUNTRIES)
        for country, places in sorted(by_state.items())
    ]


def _kept_away_by_customer(organisation_id: int | None) -> dict[int, set[int]]:
    """Sub-processors a change keeps away from each customer: an effective addition or replacement that
    does not apply to it (objection, missing consent: GDPR Art. 28(2), DSV Art. 7), and the old one of a
    replacement that does (it moved). The bulk mirror of subprocessors.selectors._not_applying_for."""
    found: dict[int, set[int]] = defaultdict(set)
    rows = ChangeRecipient.objects.filter(
        change__status=ChangeStatus.EFFECTIVE, change__kind__in=(ChangeKind.ADDITION, ChangeKind.REPLACEMENT)
    ).select_related("change")
    if organisation_id:
        rows = rows.filter(organisation_id=organisation_id)
    for row in rows.iterator(chunk_size=5000):
        change = row.change
        if not needs_answer(change.kind):
            continue
        if not recipient_applies(row, change.kind):
            found[row.organisation_id].add(change.subprocessor_id)
        elif change.kind == ChangeKind.REPLACEMENT and change.replaces_id is not None:
            found[row.organisation_id].add(change.replaces_id)
    return found


@dataclass(frozen=True, slots=True)
class _RegisterEntry:
    sp: SubProcessor
    chain_ids: frozenset[int]
    service_ids: frozenset[int]


def _register(at: dt.date) -> list[_RegisterEntry]:
    """The sub-processors in use (the portal's register), each with its chain and the services it works
    for through that chain (GDPR Art. 28(4)); a few queries, whatever the number of customers."""
    entries = []
    for sp in public_register(at):
        chain = chain_of(sp)
        services = frozenset(s.pk for link in chain for s in link.services.all())
        entries.append(_RegisterEntry(sp, frozenset(link.pk for link in chain), services))
    return entries


def _active_measures() -> list[tuple[TechnicalMeasure, frozenset[int]]]:
    # A control that does not apply (its Statement of Applicability says why) is no measure taken.
    chosen = TechnicalMeasure.objects.filter(active=True, applicable=True)
    measures = chosen.prefetch_related("services").order_by("area", "title")
    return [(m, frozenset(s.pk for s in m.services.all())) for m in measures]


def iter_records(*, organisation: Organisation | None = None, search: str = "") -> Iterator[ControllerRecord]:
    """Every controller's record (or one's), by reference; a fixed number of queries in total."""
    organisation_id = organisation.pk if organisation else None
    on = timezone.localdate()
    services = _services_by_customer(organisation_id)
    categories = _categories_by_customer(organisation_id)
    home = settings.ART28_PROVIDER_COUNTRY
    sites_abroad = _sites_abroad_by_customer(organisation_id, home)
    flows_abroad = _flows_abroad_by_customer(organisation_id, home)
    kept_away = _kept_away_by_customer(organisation_id)
    register = _register(on)
    measures = _active_measures()
    service_names = dict(Service.objects.values_list("pk", "name"))
    names_i18n = {service.name: all_languages(service, "name") for service in Service.objects.all()}
    the_processor = processor()
    organisations = Organisation.objects.order_by("ref")
    if organisation_id:
        organisations = organisations.filter(pk=organisation_id)
    if search:
        organisations = organisations.filter(Q(ref__icontains=search) | Q(name__icontains=search))
    fields = ("pk", "ref", "name", "country", "privacy_email")
    for org in organisations.only(*fields).iterator(chunk_size=2000):
        mine = services.get(org.pk, set())
        away = kept_away.get(org.pk, set())
        working = [e.sp for e in register if e.service_ids & mine and not e.chain_ids & away]
        states = foreign_states(
            home=home,
            on=on,
            sites=sites_abroad.get(org.pk, ()),
            flows=flows_abroad.get(org.pk, ()),
            subprocessors=working,
        )
        yield ControllerRecord(
            ref=org.ref,
            name=org.name,
            country=org.country,
            contact=org.privacy_email,
            processor=the_processor,
            services=(names := sorted(service_names[pk] for pk in mine)),
            services_i18n={name: names_i18n[name] for name in names},
            data_categories=sorted(categories.get(org.pk, ())),
            subprocessors=[
                SubProcessorEntry(
                    sp.legal_name,
                    sp.purpose,
                    sp.country_list,
                    sp.transfer_safeguard,
                    all_languages(sp, "purpose"),
                    all_languages(sp, "transfer_safeguard"),
                )
                for sp in working
            ],
            foreign_states=states,
            measures=[
                MeasureEntry(m.area, m.ref, m.title, all_languages(m, "title"))
                for m, applies_to in measures
                if not applies_to or applies_to & mine
            ],
            generated_on=on,
            service_ids=sorted(mine),
        )


def controller_record(organisation: Organisation) -> ControllerRecord:
    """One controller's record: the same engine, restricted to it."""
    return next(iter_records(organisation=organisation))
