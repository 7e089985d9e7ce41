"""Which hosts are exposed to which CVE now, and by when each fix is due (S7; docs/patching.md).

A host is exposed when it has a source package installed, for the release the advisory concerns, at a
source version lower than the fixed version (dpkg's order: the stored keys compare bytewise in the
database), or when the advisory is open for that release (no fix yet) or the package is unsupported
there (no fix will come). "Undetermined" and "never affected" advisories expose nobody. Matching is one
statement: each stored package version (one row per distinct version ever seen installed) is matched
once against its package's advisories, and the vulnerable (version, release, advisory) rows are then
joined to the hosts' current installed periods in one hash join (the plan a hand-written join gets).

The patch clock of an exposure starts when the fix was published (or first seen) or when the host got
the package, whichever is later; it is due after the service level of its severity
(``ART28_SLA_DAYS``, art28.core.service_levels). Unimportant advisories are listed outside the service levels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.utils import timezone

from art28.core.service_levels import service_level_days
from art28.patching.exceptions import active_exceptions
from art28.patching.models import AdvisoryStatus, PatchException, Severity

EXPOSURE_SQL = """
WITH vulnerable AS (
    SELECT pv.id AS version_id, a.release, pv.package, pv.version, a.fixed_version, a.severity, a.fix_published,
           a.fix_published_source, a.status, a.first_seen, v.cve, v.known_exploited_since, v.published, v.epss
    FROM patching_advisory a
    JOIN patching_packageversion pv ON pv.package = a.package
    JOIN patching_vulnerability v ON v.id = a.vulnerability_id
    WHERE (a.status = %(resolved)s AND pv.key < a.fixed_key) OR a.status IN (%(open)s, %(unsupported)s)
)
SELECT h.ref, x.package, x.version, x.fixed_version, x.cve, x.severity, x.known_exploited_since,
       x.fix_published, x.fix_published_source, x.status, ip.package_since, x.published, x.first_seen,
       x.epss, h.id
FROM vulnerable x
JOIN patching_installedperiod ip ON ip.version_id = x.version_id AND ip.release = x.release AND ip.until IS NULL
JOIN inventory_asset h ON h.id = ip.host_id AND h.ended_at IS NULL
{where}
ORDER BY h.ref, x.package, x.cve
"""


@dataclass(frozen=True, slots=True)
class Exposure:
    host: str
    package: str
    installed: str
    fixed: str | None
    cve: str
    severity: str
    known_exploited: bool
    fix_published: dt.datetime | None
    fix_published_source: str
    exposed_since: dt.datetime
    due: dt.datetime | None
    unsupported: bool
    epss: float | None
    host_id: int
    # The last day of the exception (risk accepted) covering it, if any: then it is not overdue.
    accepted_until: dt.date | None = None

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)

    def overdue(self, now: dt.datetime) -> bool:
        """A fix exists, its service level has run out, and no exception covers it (docs/patching.md)."""
        return self.due is not None and self.due < now and self.accepted_until is None

    def as_dict(self) -> dict[str, Any]:
        """The keys of ``art28 patch-exposure --json`` (docs/patching.md)."""
        return {
            "host": self.host,
            "package": self.package,
            "installed": self.installed,
            "fixed": self.fixed,
            "cve": self.cve,
            "severity": self.severity,
            "known_exploited": self.known_exploited,
            "fix_published": self.fix_published.isoformat() if self.fix_published else None,
            "exposed_since": self.exposed_since.isoformat(),
            "due": self.due.isoformat() if self.due else None,
            "unsupported": self.unsupported,
            "epss": self.epss,
            "accepted_until": self.accepted_until.isoformat() if self.accepted_until else None,
        }


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands raw SQL's datetimes back as text
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def patch_clock_start(fix_published: dt.datetime, package_since: dt.datetime) -> dt.datetime:
    """The later of the fix's publication and the host's first having the package: a host cannot be
    late for a fix published before it existed, nor patch a package before a fix exists."""
    return max(fix_published, package_since)


def iter_exposures(
    *,
    host: str = "",
    cve: str = "",
    severity: str = "",
    host_ids: Iterable[int] | None = None,
    covered: set[int] | None = None,
) -> Iterator[Exposure]:
    """Every current exposure (of one host with ``host``, a ref), by host, package and CVE; streamed. An
    exception in force marks the exposures it covers (``accepted_until``); their ids go to ``covered``."""
    exceptions = active_exceptions()
    where, params = (
        "",
        {
            "resolved": AdvisoryStatus.RESOLVED.value,
            "open": AdvisoryStatus.OPEN.value,
            "unsupported": AdvisoryStatus.UNSUPPORTED.value,
        },
    )
    conditions = []
    if host:
        conditions.append("h.ref = %(host)s")
        params["host"] = host
    if cve:
        conditions.append("x.cve = %(cve)s")
        params["cve"] = cve
    if severity:
        conditions.append("x.severity = %(severity)s")
        params["severity"] = severity
    if host_ids is not None:  # ids from the database, as integers: inlined (no parameter limit)
        conditions.append(f"h.id IN ({','.join(str(int(i)) for i in host_ids) or 'NULL'})")
    if conditions:
        where = "WHERE " + " AND ".join(conditions)
    with connection.cursor() as cursor:
        cursor.execute(EXPOSURE_SQL.format(where=where), params)
        while rows := cursor.fetchmany(2000):
            for row in rows:
                exposure = _exposure(row)
                exception = exceptions.get((exposure.cve, exposure.host_id)) or exceptions.get((exposure.cve, None))
                if exception is not None:
                    if covered is not None:
                        covered.add(exception.pk)
                    exposure = replace(exposure, accepted_until=exception.expires_on)
                yield exposure


def _exposure(row: tuple[Any, ...]) -> Exposure:
    (ref, package, installed, fixed, cve, severity, exploited, fix_published, fix_source, status) = row[:10]
    package_since, published, first_seen, epss, host_id = row[10:]
    package_since = _aware(package_since)
    fix_published = _aware(fix_published)
    assert package_since is not None
    due = None
    if status == AdvisoryStatus.RESOLVED and fix_published is not None:
        start = patch_clock_start(fix_published, package_since)
        days = service_level_days(severity)
        due = start + dt.timedelta(days=days) if days is not None else None
        exposed_since = start
    else:
        known = _aware(published) or _aware(first_seen)
        exposed_since = max(known, package_since) if known else package_since
    return Exposure(
        host=ref,
        package=package,
        installed=installed,
        fixed=fixed or None,
        cve=cve,
        severity=severity,
        known_exploited=exploited is not None,
        fix_published=fix_published,
        fix_published_source=fix_source,
        exposed_since=exposed_since,
        due=due,
        unsupported=status == AdvisoryStatus.UNSUPPORTED,
        epss=epss,
        host_id=host_id,
    )


def stale_exceptions() -> list[PatchException]:
    """Exceptions in force that no current exposure needs any more (the package got fixed): to close."""
    covered: set[int] = set()
    for _exposure_row in iter_exposures(covered=covered):
        pass
    return [e for e in active_exceptions().values() if e.pk not in covered]
