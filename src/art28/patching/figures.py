"""Time-to-patch, measured (S7; docs/patching.md, "Time-to-patch"): every upgrade that crossed a fix is a
remediation of that CVE on that host, its time-to-patch the upgrade's time minus the patch clock's start
(the later of the fix's publication and the host's first having the package). Per severity and month:
how many, the median and 95th percentile in days, and the share within the service level."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from art28.core.service_levels import service_level_days
from art28.patching.exposure import _aware, patch_clock_start
from art28.patching.models import SEVERITY_ORDER, AdvisoryStatus, Severity

# An upgrade remedies an advisory of its host's release when it goes from below the fix to the fix or above.
REMEDIATIONS_SQL = """
SELECT h.ref, v.cve, a.severity, u.at, a.fix_published, u.package_since, u.package
FROM patching_upgrade u
JOIN patching_packageversion f ON f.id = u.from_version_id
JOIN patching_packageversion t ON t.id = u.to_version_id
JOIN patching_advisory a ON a.package = u.package AND a.release = u.release AND a.status = %(resolved)s
    AND f.key < a.fixed_key AND a.fixed_key <= t.key
JOIN patching_vulnerability v ON v.id = a.vulnerability_id
JOIN inventory_asset h ON h.id = u.host_id
WHERE u.at >= %(since)s {where}
"""


@dataclass(frozen=True, slots=True)
class Remediation:
    host: str
    cve: str
    severity: str
    fixed_at: dt.datetime
    clock_start: dt.datetime
    package: str

    @property
    def days(self) -> float:
        """Days from the clock's start to the fix's installation; never negative (installed before the fix
        was known to art28: at once)."""
        return max(0.0, (self.fixed_at - self.clock_start).total_seconds() / 86400)

    @property
    def within_service_level(self) -> bool:
        days = service_level_days(self.severity)
        return days is not None and self.days <= days


def iter_remediations(*, since: dt.datetime, host_ids: list[int] | None = None) -> Iterator[Remediation]:
    where = ""
    params: dict[str, Any] = {"resolved": AdvisoryStatus.RESOLVED.value, "since": since}
    if host_ids is not None:
        where = "AND u.host_id IN (" + (",".join(str(int(i)) for i in host_ids) or "NULL") + ")"
    with connection.cursor() as cursor:
        cursor.execute(REMEDIATIONS_SQL.format(where=where), params)
        while rows := cursor.fetchmany(2000):
            for ref, cve, severity, at, fix_published, package_since, package in rows:
                fixed_at = _aware(at)
                published = _aware(fix_published)
                assert fixed_at is not None
                start = published or fixed_at
                since_had = _aware(package_since)
                if since_had is not None:
                    start = patch_clock_start(start, since_had)
                yield Remediation(ref, cve, severity, fixed_at, start, package)


@dataclass(frozen=True)
class SeverityFigures:
    severity: str
    count: int
    median_days: float | None
    p95_days: float | None
    within_sla: float | None  # share 0..1
    sla_days: int | None

    @property
    def label(self) -> str:
        return str(Severity(self.severity).label)

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "remediations": self.count,
            "median_days": None if self.median_days is None else round(self.median_days, 1),
            "p95_days": None if self.p95_days is None else round(self.p95_days, 1),
            "within_service_level": None if self.within_sla is None else round(self.within_sla, 4),
            "service_level_days": self.sla_days,
        }


def p95(values: list[float]) -> float:
    """The 95th percentile, nearest rank (the smallest value with at least 95% of values at or below)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def figures_of(remediations: list[Remediation], severity: str) -> SeverityFigures:
    days = [r.days for r in remediations]
    sla = service_level_days(severity)
    if not days:
        return SeverityFigures(severity, 0, None, None, None, sla)
    within = sum(r.within_service_level for r in remediations) / len(days) if sla is not None else None
    return SeverityFigures(severity, len(days), statistics.median(days), p95(days), within, sla)


def patch_record(*, months: int = 12, host_ids: list[int] | None = None) -> dict[str, Any]:
    """Per severity over the last ``months`` months (and per month): the figures a customer or auditor
    checks. ``host_ids`` limits them to those hosts (a customer's)."""
    now = timezone.now()
    since = now - dt.timedelta(days=round(months * 30.44))
    by_severity: dict[str, list[Remediation]] = defaultdict(list)
    by_month: dict[tuple[str, str], list[Remediation]] = defaultdict(list)
    for remediation in iter_remediations(since=since, host_ids=host_ids):
        by_severity[remediation.severity].append(remediation)
        by_month[(timezone.localtime(remediation.fixed_at).strftime("%Y-%m"), remediation.severity)].append(remediation)
    ranked = [s for s in SEVERITY_ORDER if s != Severity.UNIMPORTANT]
    return {
        "since": since,
        "until": now,
        "severities": [figures_of(by_severity[s], s) for s in ranked],
        "months": {
            month: [figures_of(by_month[(month, s)], s) for s in ranked]
            for month in sorted({month for month, _s in by_month})
        },
    }
