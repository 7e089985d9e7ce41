"""Reads for residency pages, attestations and the API. Customer reads take the organisation."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from art28.core.models import Organisation
from art28.inventory.models import Placement, Site
from art28.residency.engine import (
    FLOW_OUTSIDE,
    STORED_OUTSIDE,
    SUBPROCESSOR_OUTSIDE,
    SUBPROCESSOR_UNAUTHORISED,
    UNKNOWN_LOCATION,
    WITHOUT_PLACE,
    CarriedFlow,
    Violation,
    flows_carrying,
    run_audit,
)
from art28.residency.grouping import CauseGroup, group_key
from art28.residency.models import Attestation

# What each reason means, for people (pages, PDF); the codes themselves are the stable API (S1).
REASON_LABELS = {
    STORED_OUTSIDE: _("Stored outside the allowed countries"),
    FLOW_OUTSIDE: _("Sent outside the allowed countries"),
    UNKNOWN_LOCATION: _("Location unknown"),
    SUBPROCESSOR_OUTSIDE: _("Processed by a sub-processor outside the allowed countries"),
    SUBPROCESSOR_UNAUTHORISED: _("Processed by a sub-processor without the customer's recorded authorisation"),
}
# The country filter's value for violations whose country is unknown (ISO codes are two letters).
UNKNOWN_COUNTRY = "unknown"


def residency_summary(unauthorised_shown: int = 10) -> dict[str, Any]:
    """Counts for the staff dashboard: violations by reason and customers concerned; and the customers
    whose data sub-processors process while no authorisation of theirs is recorded (GDPR Art. 28(2)):
    how many, and the first ``unauthorised_shown`` as (ref, name, number of sub-processors)."""
    violations = run_audit()
    unauthorised = sorted(Counter(v.customer for v in violations if v.reason == SUBPROCESSOR_UNAUTHORISED).items())
    shown = unauthorised[:unauthorised_shown]
    names = dict(Organisation.objects.filter(ref__in=[ref for ref, _ in shown]).values_list("ref", "name"))
    return {
        "total": len(violations),
        "by_reason": dict(Counter(v.reason for v in violations)),
        "customers": len({v.customer for v in violations}),
        "unauthorised_count": len(unauthorised),
        "unauthorised": [(ref, names.get(ref, ""), count) for ref, count in shown],
    }


@dataclass(frozen=True, slots=True)
class PlacementRow:
    asset_ref: str
    kind: str
    site: str | None
    country: str | None
    data_categories: list[str]
    subjects: int
    records: int


@dataclass
class OrganisationResidency:
    """Where one organisation's data is: its placements, their sites, the flows carrying it, violations."""

    organisation: Organisation
    placements: list[PlacementRow] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    flows: list[CarriedFlow] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    @property
    def countries(self) -> list[str]:
        """Every country where the data is stored or sent (unknown locations are not a country)."""
        stored = {p.country for p in self.placements if p.country}
        sent = {f.country for f in self.flows if f.country}
        return sorted(stored | sent)

    @property
    def compliant(self) -> bool:
        return not self.violations


def placements_for_organisation(organisation: Organisation) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(customer=organisation)
        .select_related("asset", "asset__location")
        .order_by("asset__ref")
    )


def organisation_residency(organisation: Organisation, *, at: dt.datetime | None = None) -> OrganisationResidency:
    """Everything the portal and an attestation say about one organisation (three queries + the audit).

    With ``at``, call it inside ``inventory_as_of(at)``: the organisation is read again there (one more
    query) for its allowed countries as they were then, and the audit counts the sub-processors of that day."""
    if at is not None:
        organisation = Organisation.objects.get(pk=organisation.pk)
    placements = [
        PlacementRow(
            asset_ref=p.asset.ref,
            kind=p.asset.kind,
            site=p.asset.location.code if p.asset.location else None,
            country=(p.asset.location.country or None) if p.asset.location else None,
            data_categories=p.category_list,
            subjects=p.subjects,
            records=p.records,
        )
        for p in placements_for_organisation(organisation)
    ]
    flows = flows_carrying(organisation.pk)
    site_codes = {p.site for p in placements if p.site} | {f.destination_site for f in flows if f.destination_site}
    site_codes |= {f.from_site for f in flows if f.from_site}
    return OrganisationResidency(
        organisation=organisation,
        placements=placements,
        sites=list(Site.objects.filter(code__in=site_codes).order_by("country", "code")),
        flows=flows,
        violations=run_audit(organisation_id=organisation.pk, at=at),
    )


def attestations_for_organisation(organisation: Organisation) -> QuerySet[Attestation]:
    return Attestation.objects.filter(organisation=organisation).order_by("-as_of")


def attestation_for_organisation(organisation: Organisation, public_id: UUID | str) -> Attestation:
    """One of the organisation's attestations; 404 for anyone else's (never reveals it exists)."""
    try:
        return Attestation.objects.get(organisation=organisation, public_id=public_id)
    except (Attestation.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such attestation") from exc


def filter_violations(
    violations: list[Violation], *, reason: str = "", customer: str = "", country: str = "", group: str = ""
) -> list[Violation]:
    """The violations matching every filter given (empty = any). ``customer`` is a ref, case-insensitive;
    ``country`` an ISO code or ``"unknown"`` for violations whose country is unknown (findings about no
    place, such as ``subprocessor-unauthorised``, have no country to match); ``group`` a cause group's key
    (residency.grouping.group_key): the drill-down from a group to its rows."""

    customer = customer.strip().casefold()
    country = country.strip().upper()
    wanted_country = None if country == UNKNOWN_COUNTRY.upper() else country
    return [
        v
        for v in violations
        if (not reason or v.reason == reason)
        and (not customer or v.customer.casefold() == customer)
        and (not country or (v.country == wanted_country and v.reason not in WITHOUT_PLACE))
        and (not group or group_key(v) == group)
    ]


@dataclass(frozen=True)
class AuditSummary:
    """The audit at a glance: totals, and counts by reason and by offending country (None = unknown;
    findings about no place are in no country)."""

    total: int
    customers: int
    by_reason: dict[str, int]
    by_country: list[tuple[str | None, int]]


def audit_summary(violations: list[Violation]) -> AuditSummary:
    by_country = Counter(v.country for v in violations if v.reason not in WITHOUT_PLACE)
    return AuditSummary(
        total=len(violations),
        customers=len({v.customer for v in violations}),
        by_reason={reason: sum(1 for v in violations if v.reason == reason) for reason in REASON_LABELS},
        # Most violations first; unknown last among equals so real countries lead.
        by_country=sorted(by_country.items(), key=lambda item: (-item[1], item[0] is None, item[0] or "")),
    )


def summary_of_groups(groups: list[CauseGroup]) -> AuditSummary:
    """The same summary as ``audit_summary``, from the findings grouped by cause (no row held)."""
    by_reason = dict.fromkeys(REASON_LABELS, 0)
    by_country: Counter[str | None] = Counter()
    customers: set[str] = set()
    for group in groups:
        if group.reason in by_reason:
            by_reason[group.reason] += group.count
        customers |= group.customer_refs
        if group.reason not in WITHOUT_PLACE:
            by_country[group.country] += group.count
    return AuditSummary(
        total=sum(group.count for group in groups),
        customers=len(customers),
        by_reason=by_reason,
        by_country=sorted(by_country.items(), key=lambda item: (-item[1], item[0] is None, item[0] or "")),
    )


def datacenter_list() -> list[Site]:
    """Every site of the inventory, for the public trust center: where customer data can live (S1, S10).

    By country then code; sites whose country is unknown come last, not first."""
    sites = Site.objects.only("code", "name", "city", "country", "operator")
    return sorted(sites, key=lambda site: (not site.country, site.country, site.code))
