"""Reads for the security-update pages (S7): the fleet's exposures filtered, one host, one CVE."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from art28.core.models import Organisation
from art28.inventory.engine import descendants_sql
from art28.inventory.models import Asset
from art28.patching.exposure import Exposure, iter_exposures
from art28.patching.models import SEVERITY_ORDER, Advisory, InstalledPeriod, Severity, Upgrade, Vulnerability


@dataclass(frozen=True)
class FleetFilter:
    severity: str = ""
    q: str = ""  # a host reference or a CVE id, contained
    site: str = ""
    service: str = ""
    customer: str = ""


# The assets holding an organisation's data: its placements' assets and every current asset above them.
_HOLDING_SQL = """
WITH RECURSIVE up(id, parent_id) AS (
    SELECT a.id, a.parent_id FROM inventory_asset a
    JOIN inventory_placement p ON p.asset_id = a.id WHERE p.customer_id = %s
    UNION
    SELECT a.id, a.parent_id FROM inventory_asset a JOIN up ON a.id = up.parent_id WHERE a.ended_at IS NULL
)
SELECT id FROM up
"""


def hosts_holding(organisation: Organisation) -> set[int]:
    """The assets whose subtree holds one of the organisation's placements (a VM's host holds its data
    too): the only hosts whose figures a customer sees. One recursive query."""
    with connection.cursor() as cursor:
        cursor.execute(_HOLDING_SQL, [organisation.pk])
        return {asset_id for (asset_id,) in cursor.fetchall()}


def _host_scope(filters: FleetFilter) -> set[int] | None:
    """The host ids the site, service and customer filters allow (None: no such filter)."""
    scope: set[int] | None = None
    if filters.site or filters.service:
        hosts = Asset.objects.filter(ended_at__isnull=True)
        if filters.site:
            hosts = hosts.filter(location__code=filters.site)
        if filters.service:
            hosts = hosts.filter(service__name=filters.service)
        scope = set(hosts.values_list("id", flat=True))
    if filters.customer:
        customer = Organisation.objects.filter(ref__iexact=filters.customer).first()
        holding = hosts_holding(customer) if customer is not None else set()
        scope = holding if scope is None else scope & holding
    return scope


def _sort_key(exposure: Exposure, now: dt.datetime) -> tuple[int, float, int, str, str]:
    """Overdue first, then the nearest due date, then exposures without a fix; within, the most severe."""
    due = exposure.due.timestamp() if exposure.due else float("inf")
    overdue = 0 if exposure.overdue(now) else 1
    return (overdue, due, SEVERITY_ORDER.index(exposure.severity), exposure.host, exposure.cve)


@dataclass
class Fleet:
    exposures: list[Exposure]
    by_severity: dict[str, dict[str, int]]  # severity → exposures, hosts, overdue
    hosts: int
    overdue: int


def fleet_exposures(filters: FleetFilter) -> Fleet:
    """The current exposures the filters keep, in the order people act on them, with per-severity counts."""
    now = timezone.now()
    scope = _host_scope(filters)
    needle = filters.q.strip().lower()
    kept = [
        e
        for e in iter_exposures(severity=filters.severity, host_ids=scope)
        if not needle or needle in e.host.lower() or needle in e.cve.lower()
    ]
    kept.sort(key=lambda e: _sort_key(e, now))
    counts: dict[str, dict[str, int]] = {}
    for severity in SEVERITY_ORDER:
        rows = [e for e in kept if e.severity == severity]
        counts[severity] = {
            "exposures": len(rows),
            "hosts": len({e.host_id for e in rows}),
            "overdue": sum(e.overdue(now) for e in rows),
        }
    return Fleet(kept, counts, len({e.host_id for e in kept}), sum(e.overdue(now) for e in kept))


def host_by_ref(ref: str) -> Asset:
    asset = Asset.objects.select_related("location", "service").filter(ref=ref).first()
    if asset is None:
        raise Http404("No such host")
    return asset


def installed_packages(host: Asset) -> QuerySet[InstalledPeriod]:
    return (
        InstalledPeriod.objects.filter(host=host, until__isnull=True)
        .select_related("version")
        .order_by("version__package")
    )


def upgrades_of(host: Asset, limit: int = 100) -> QuerySet[Upgrade]:
    return Upgrade.objects.filter(host=host).select_related("from_version", "to_version").order_by("-at")[:limit]


def vulnerability_by_cve(cve: str) -> Vulnerability:
    vulnerability = Vulnerability.objects.filter(cve=cve.upper()).first()
    if vulnerability is None:
        raise Http404("No such CVE")
    return vulnerability


def advisories_of(vulnerability: Vulnerability) -> QuerySet[Advisory]:
    return vulnerability.advisories.order_by("package", "release")


def customers_on(host_ids: Iterable[int]) -> list[tuple[Organisation, int]]:
    """The customers with data on these hosts or below them (their VMs, volumes), with how many hosts."""
    ids = sorted(set(host_ids))
    if not ids:
        return []
    sql = descendants_sql(",".join(str(int(i)) for i in ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT s.root_id, p.customer_id FROM ({sql}) s "
            "JOIN inventory_placement p ON p.asset_id = s.asset_id"
        )
        pairs = cursor.fetchall()
    hosts_per_customer = Counter(customer for _root, customer in pairs)
    organisations = Organisation.objects.in_bulk(list(hosts_per_customer))
    return sorted(((organisations[c], n) for c, n in hosts_per_customer.items()), key=lambda pair: pair[0].ref)


@dataclass(frozen=True)
class OverdueFix:
    cve: str
    package: str
    severity: str
    exposed_since: dt.datetime
    due: dt.datetime


def customer_patch_record(organisation: Organisation, *, months: int = 12) -> dict[str, Any]:
    """The provider's patch record over the hosts holding the organisation's data (time-to-patch per
    severity) and each critical fix overdue on them, by CVE and package: no host is named (another
    customer may share it)."""
    from art28.patching.figures import patch_record

    hosts = hosts_holding(organisation)
    now = timezone.now()
    overdue = {
        (e.cve, e.package): OverdueFix(e.cve, e.package, e.severity, e.exposed_since, e.due)
        for e in iter_exposures(severity=Severity.CRITICAL, host_ids=hosts)
        if e.due is not None and e.overdue(now)
    }
    return patch_record(months=months, host_ids=sorted(hosts)) | {
        "overdue_critical": sorted(overdue.values(), key=lambda fix: fix.due)
    }
