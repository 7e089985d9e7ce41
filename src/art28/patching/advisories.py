"""Importing advisories (S7): the Debian Security Tracker's JSON, OSV, CISA KEV and EPSS (docs/patching.md).

The tracker says, per source package, CVE and release, whether and in which version a fix exists; OSV adds
CVSS vectors and publication dates (and fixes for releases the tracker file did not carry); KEV marks CVEs
exploited in the wild; EPSS gives the probability of exploitation. A re-import updates what changed and
keeps when each advisory, and its fix, was first seen: the start of the patch clock when no publication
date is known. Every import is checked whole first; bad input changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record
from art28.core.cvss import InvalidVector, cvss_score, rating
from art28.patching.models import Advisory, AdvisoryStatus, Severity, Vulnerability
from art28.patching.readers import PACKAGE_NAME, Lines, PackagesRefused, Problems
from art28.patching.version import InvalidVersion, version_key

FORMATS = ("debian-tracker", "osv", "kev", "epss")
VULNERABILITY_ID = re.compile(r"^(CVE-\d{4}-\d{4,}|TEMP-\d{7}-[0-9A-F]{6})$")
RELEASE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
# OSV's Debian ecosystem names releases by number ("Debian:12").
DEBIAN_RELEASES = {"9": "stretch", "10": "buster", "11": "bullseye", "12": "bookworm", "13": "trixie", "14": "forky"}
# Debian urgencies (with "**": set without a careful look) → severity; "end-of-life": no fix will come.
URGENCY_SEVERITY = {
    "high": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "low": Severity.LOW,
    "unimportant": Severity.UNIMPORTANT,
    "not yet assigned": Severity.MEDIUM,
    "": Severity.MEDIUM,
}
END_OF_LIFE = "end-of-life"


def severity_of(*, cvss: Decimal | float | None, known_exploited: bool, urgency: str) -> str:
    """The severity that sets the service level (docs/patching.md, "Severity"): a CVE exploited in the wild
    (CISA KEV) is critical whatever its score; else the CVSS base score's band when known (9.0 critical,
    7.0 high, 4.0 medium, below low: CVSS v3.1 specification §5); else Debian's urgency. EPSS never sets it."""
    if known_exploited:
        return Severity.CRITICAL
    if cvss is not None:
        band = rating(cvss)
        return Severity.LOW if band == "none" else Severity(band)
    return URGENCY_SEVERITY.get(urgency.removesuffix("**").strip().lower(), Severity.MEDIUM)


@dataclass
class AdvisoriesReport:
    format: str
    vulnerabilities_created: int = 0
    vulnerabilities_updated: int = 0
    advisories_created: int = 0
    advisories_updated: int = 0
    unchanged: int = 0
    unknown: int = 0  # KEV/EPSS rows about CVEs no advisory concerns (kept out: nothing to patch here)


@dataclass(frozen=True)
class TrackerRow:
    cve: str
    package: str
    release: str
    status: str
    fixed_version: str
    urgency: str
    description: str


def _load(path: Path, problems: Problems) -> tuple[Any, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(path.name, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None, ""
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        problems.add(path.name, exc.lineno, f"not JSON: {exc.msg}")
        return None, text


def read_tracker(path: Path, problems: Problems) -> list[TrackerRow]:
    """``{source package: {CVE: {description, scope, releases: {codename: {status, fixed_version, urgency,
    repositories}}}}}``: one row per (CVE, package, release)."""
    document, text = _load(path, problems)
    lines = Lines(text)
    rows: list[TrackerRow] = []
    if document is None:
        return rows
    if not isinstance(document, dict):
        problems.add(path.name, 1, "not a Debian Security Tracker document (an object of source packages)")
        return rows
    cursor = 0
    for package, entries in document.items():
        line, cursor = lines.find(f'"{package}"', cursor)
        if not PACKAGE_NAME.match(package) or not isinstance(entries, dict):
            problems.add(path.name, line, f"{package!r} is not a source package with its CVEs")
            continue
        for cve, entry in entries.items():
            line, cursor = lines.find(f'"{cve}"', cursor)
            if not VULNERABILITY_ID.match(cve):
                continue  # the tracker also lists bug numbers and other ids: not advisories
            releases = entry.get("releases") if isinstance(entry, dict) else None
            if not isinstance(releases, dict):
                problems.add(path.name, line, f"{package} {cve}: no releases")
                continue
            for release, state in releases.items():
                row = _tracker_row(path.name, line, problems, package, cve, entry, release, state)
                if row is not None:
                    rows.append(row)
    return rows


def _tracker_row(
    file: str, line: int, problems: Problems, package: str, cve: str, entry: dict[str, Any], release: str, state: Any
) -> TrackerRow | None:
    where = f"{package} {cve} {release}"
    if not RELEASE.match(release) or not isinstance(state, dict):
        problems.add(file, line, f"{where}: not a release codename with its state")
        return None
    status, urgency = str(state.get("status", "")), str(state.get("urgency", "") or "")
    fixed = str(state.get("fixed_version", "") or "")
    if urgency == END_OF_LIFE:
        status = AdvisoryStatus.UNSUPPORTED
    elif status == "resolved":
        if not fixed:
            problems.add(file, line, f"{where}: resolved without a fixed_version")
            return None
        if fixed == "0":
            status = AdvisoryStatus.NOT_AFFECTED
        else:
            try:
                version_key(fixed)
            except InvalidVersion as exc:
                problems.add(file, line, f"{where}: fixed_version: {exc}")
                return None
            status = AdvisoryStatus.RESOLVED
    elif status not in {AdvisoryStatus.OPEN, AdvisoryStatus.UNDETERMINED}:
        problems.add(file, line, f"{where}: status {status!r} (expected resolved, open or undetermined)")
        return None
    if status != AdvisoryStatus.RESOLVED:
        fixed = ""
    description = str(entry.get("description", "") or "")
    return TrackerRow(cve, package, release, status, fixed, urgency, description)


def advisories_import(path: Path, *, format: str, actor: Actor) -> AdvisoriesReport:
    """Import ``path`` in ``format`` (FORMATS); raises PackagesRefused (``FILE:LINE: reason``) or
    ValueError, and then nothing changed."""
    path = Path(path)
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r} (expected one of {', '.join(FORMATS)})")
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    problems = Problems()
    report = AdvisoriesReport(format=format)
    now = timezone.now()
    if format == "debian-tracker":
        tracker_rows = read_tracker(path, problems)
        if problems:
            raise PackagesRefused(problems)
        with transaction.atomic():
            _apply_tracker(tracker_rows, now, report)
            _audit(actor, path, report)
        return report
    from art28.patching.enrichment import READERS, apply_enrichment

    enrichment = READERS[format](path, problems)
    if problems:
        raise PackagesRefused(problems)
    with transaction.atomic():
        apply_enrichment(format, enrichment, now, report)
        _audit(actor, path, report)
    return report


def _audit(actor: Actor, path: Path, report: AdvisoriesReport) -> None:
    audit_record(
        actor=actor,
        action="patching.advisories_import",
        object_type="patching.advisory",
        object_repr=f"{report.format}: {path.name}",
        after=dict(vars(report)),
    )


def ensure_vulnerabilities(ids: dict[str, str], now: dt.datetime, report: AdvisoriesReport) -> dict[str, Vulnerability]:
    """The Vulnerability of each id (``{id: description}``), created where new (first seen now)."""
    found = {v.cve: v for v in _chunked_filter(Vulnerability, "cve", list(ids))}
    created = [Vulnerability(cve=cve, description=ids[cve], first_seen=now) for cve in ids if cve not in found]
    Vulnerability.objects.bulk_create(created, batch_size=2000)
    report.vulnerabilities_created += len(created)
    changed = [v for v in found.values() if ids[v.cve] and v.description != ids[v.cve]]
    for vulnerability in changed:
        vulnerability.description = ids[vulnerability.cve]
    Vulnerability.objects.bulk_update(changed, ["description"], batch_size=2000)
    report.vulnerabilities_updated += len(changed)
    if created:
        found |= {v.cve: v for v in _chunked_filter(Vulnerability, "cve", [v.cve for v in created])}
    return found


def _chunked_filter(model: Any, field: str, values: list[Any], chunk: int = 500) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(values), chunk):
        rows.extend(model.objects.filter(**{f"{field}__in": values[start : start + chunk]}))
    return rows


def _apply_tracker(rows: list[TrackerRow], now: dt.datetime, report: AdvisoriesReport) -> None:
    vulnerabilities = ensure_vulnerabilities({row.cve: row.description for row in rows}, now, report)
    existing = {
        (a.vulnerability_id, a.package, a.release): a
        for a in _chunked_filter(Advisory, "vulnerability_id", [v.pk for v in vulnerabilities.values()])
    }
    created: list[Advisory] = []
    changed: list[Advisory] = []
    for row in rows:
        vulnerability = vulnerabilities[row.cve]
        fixed_key = version_key(row.fixed_version) if row.fixed_version else ""
        severity = severity_of(
            cvss=vulnerability.cvss_score,
            known_exploited=vulnerability.known_exploited_since is not None,
            urgency=row.urgency,
        )
        seen = existing.get((vulnerability.pk, row.package, row.release))
        if seen is None:
            created.append(
                Advisory(
                    vulnerability=vulnerability,
                    package=row.package,
                    release=row.release,
                    status=row.status,
                    fixed_version=row.fixed_version,
                    fixed_key=fixed_key,
                    urgency=row.urgency,
                    severity=severity,
                    first_seen=now,
                    fix_published=now if row.status == AdvisoryStatus.RESOLVED else None,
                    fix_published_source="first-import" if row.status == AdvisoryStatus.RESOLVED else "",
                )
            )
            continue
        new = (row.status, row.fixed_version, row.urgency, severity)
        if (seen.status, seen.fixed_version, seen.urgency, seen.severity) == new:
            report.unchanged += 1
            continue
        fix_changed = row.fixed_version != seen.fixed_version
        seen.status, seen.fixed_version, seen.urgency, seen.severity = new
        seen.fixed_key = fixed_key
        if row.status == AdvisoryStatus.RESOLVED and (seen.fix_published is None or fix_changed):
            # A fix not seen before: its clock starts with this import, until an OSV record (a DSA/DLA)
            # gives its publication; a date known for an earlier fix does not carry over to a new one.
            seen.fix_published, seen.fix_published_source = now, "first-import"
        changed.append(seen)
    Advisory.objects.bulk_create(created, batch_size=2000)
    Advisory.objects.bulk_update(
        changed,
        ["status", "fixed_version", "fixed_key", "urgency", "severity", "fix_published", "fix_published_source"],
        batch_size=2000,
    )
    report.advisories_created += len(created)
    report.advisories_updated += len(changed)


def refresh_severities(vulnerability_ids: list[int]) -> int:
    """Recompute the severity of these vulnerabilities' advisories (after KEV, EPSS or OSV changed them)."""
    changed: list[Advisory] = []
    for start in range(0, len(vulnerability_ids), 500):
        for advisory in Advisory.objects.filter(
            vulnerability__in=vulnerability_ids[start : start + 500]
        ).select_related("vulnerability"):
            severity = severity_of(
                cvss=advisory.vulnerability.cvss_score,
                known_exploited=advisory.vulnerability.known_exploited_since is not None,
                urgency=advisory.urgency,
            )
            if severity != advisory.severity:
                advisory.severity = severity
                changed.append(advisory)
    Advisory.objects.bulk_update(changed, ["severity"], batch_size=2000)
    return len(changed)


def cvss_base_score(vector: str) -> Decimal | None:
    """The base score of a CVSS 3.x or 4.0 vector (core.cvss), None when it is not one."""
    try:
        return cvss_score(vector).score
    except InvalidVector:
        return None


def read_csv_text(path: Path, problems: Problems) -> io.StringIO | None:
    try:
        return io.StringIO(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        problems.add(path.name, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
