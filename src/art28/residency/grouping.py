"""The residency audit grouped by cause, so that its signal is not buried under its rows (S1).

Thousands of findings usually come from a handful of causes: one site in a forbidden country, one flow,
one sub-processor. A group is one rule (the finding's reason) with one cause (the site, the flow's
destination or the sub-processor) and one country; it counts its rows and its customers and says what
fixes it. Built in one pass over the engine's rows (no query per row), then one query for the names of
the customers shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from art28.core.countries import country_name
from art28.core.models import Organisation
from art28.residency.engine import (
    FLOW_OUTSIDE,
    STORED_OUTSIDE,
    SUBPROCESSOR_OUTSIDE,
    SUBPROCESSOR_UNAUTHORISED,
    UNKNOWN_LOCATION,
    Violation,
)
from art28.residency.findings import REASON_TITLES

SITE = "site"
FLOW = "flow"
SUBPROCESSOR = "subprocessor"
# The customers named in a group; the drill-down lists them all.
CUSTOMERS_SHOWN = 5


def cause_of(violation: Violation) -> tuple[str, str | None]:
    """What puts the data where it should not be: the site holding it, the flow carrying it (its
    destination) or the sub-processor processing it. ``None`` for an asset with no site at all."""
    if violation.reason in (SUBPROCESSOR_OUTSIDE, SUBPROCESSOR_UNAUTHORISED):
        return SUBPROCESSOR, violation.destination
    if violation.reason == FLOW_OUTSIDE or (violation.reason == UNKNOWN_LOCATION and violation.destination):
        return FLOW, violation.destination
    return SITE, violation.site


def group_key(violation: Violation) -> str:
    """The group a row belongs to, as an opaque string for the drill-down link: rule, cause and country."""
    kind, cause = cause_of(violation)
    return "|".join((violation.reason, kind, cause or "", violation.country or ""))


@dataclass
class CauseGroup:
    """One cause of findings: a rule, its cause (site, flow or sub-processor) and the country."""

    key: str
    reason: str
    cause_kind: str
    cause: str | None
    country: str | None
    count: int = 0
    customer_refs: set[str] = field(default_factory=set)
    first_customers: list[tuple[str, str]] = field(default_factory=list)  # (ref, name), by ref

    @property
    def customers(self) -> int:
        return len(self.customer_refs)

    @property
    def title(self) -> str:
        return str(REASON_TITLES.get(self.reason, self.reason))

    @property
    def remedy(self) -> str:
        return remedy(self.reason, self.cause_kind, self.cause, self.country)


def remedy(reason: str, cause_kind: str, cause: str | None, country: str | None) -> str:
    """What ends the findings of a group, in the active language.

    The promise is "never leaves Switzerland" (PRODUCT.md, "Transfers"): either the data comes back or
    the customers accept the country; a transfer abroad also needs its ground (GDPR Art. 44-46, nFADP
    Art. 16), and a sub-processor a prior written authorisation (GDPR Art. 28(2), nFADP Art. 9(3))."""
    names = {"cause": cause or "?", "country": f"{country_name(country)} ({country})" if country else "?"}
    if reason == STORED_OUTSIDE:
        text = _(
            "Move the data off site %(cause)s to a site in an allowed country, or allow %(country)s "
            "in these customers' policies."
        )
    elif reason == FLOW_OUTSIDE:
        text = _(
            "End the flow to %(cause)s or redirect it to an allowed country; or allow %(country)s in these "
            "customers' policies and record a safeguard for the transfer (GDPR Art. 44-46, nFADP Art. 16)."
        )
    elif reason == SUBPROCESSOR_OUTSIDE:
        text = _(
            "Stop using %(cause)s for these customers' services; or allow %(country)s in these customers' "
            "policies and record a safeguard for the transfer (GDPR Art. 44-46, nFADP Art. 16)."
        )
    elif reason == SUBPROCESSOR_UNAUTHORISED:
        text = _(
            "Record these customers' written authorisation for sub-processors (GDPR Art. 28(2), "
            "nFADP Art. 9(3)), or stop using %(cause)s for their data."
        )
    elif cause_kind == FLOW:
        text = _("Record the country of %(cause)s, or end the flows to it.")
    elif cause:
        text = _("Record the country of site %(cause)s, or move the data to a site whose country is known.")
    else:
        text = _("Record the site of these assets (or of an asset above them).")
    return text % names


# (reason, cause kind, cause, country, customer, findings): a cause's findings for one customer, as
# engine.iter_cause_tallies counts them in the database or tallies_of counts them from rows.
Tally = tuple[str, str, str | None, str | None, str, int]


def tallies_of(violations: Iterable[Violation]) -> Iterator[Tally]:
    """The rows already read, one tally each (group_tallies adds them up)."""
    for violation in violations:
        kind, cause = cause_of(violation)
        yield violation.reason, kind, cause, violation.country, violation.customer, 1


def group_violations(violations: Iterable[Violation], *, with_names: bool = True) -> list[CauseGroup]:
    """The findings grouped by rule, cause and country, most rows first (ties: rule, cause, country)."""
    return group_tallies(tallies_of(violations), with_names=with_names)


def group_tallies(tallies: Iterable[Tally], *, with_names: bool = True) -> list[CauseGroup]:
    """Tallies added up into groups, most findings first (ties: rule, cause, country).

    One pass; with ``with_names``, one query for the names of each group's first customers."""
    groups: dict[str, CauseGroup] = {}
    for reason, kind, cause, country, customer, count in tallies:
        key = "|".join((reason, kind, cause or "", country or ""))
        group = groups.get(key)
        if group is None:
            group = groups[key] = CauseGroup(key=key, reason=reason, cause_kind=kind, cause=cause, country=country)
        group.count += count
        group.customer_refs.add(customer)
    ordered = sorted(groups.values(), key=lambda g: (-g.count, g.reason, g.cause_kind, g.cause or "", g.country or ""))
    first = {group.key: sorted(group.customer_refs)[:CUSTOMERS_SHOWN] for group in ordered}
    names: dict[str, str] = {}
    if with_names and first:
        refs = {ref for shown in first.values() for ref in shown}
        names = dict(Organisation.objects.filter(ref__in=refs).values_list("ref", "name"))
    for group in ordered:
        group.first_customers = [(ref, names.get(ref, ref)) for ref in first[group.key]]
    return ordered
