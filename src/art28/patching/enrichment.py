"""OSV, CISA KEV and EPSS: what enriches the Debian tracker's advisories (docs/patching.md).

* OSV (a record or a list of records, Debian ecosystem ``Debian:<release number>``): CVSS vectors give
  the base score; ``published`` of a DSA/DLA (or any record naming the fix) starts the patch clock of the
  advisories it fixes; its ranges' ``fixed`` events add advisories the tracker file did not carry.
* KEV (CISA's ``known_exploited_vulnerabilities.json``): ``dateAdded`` per CVE; such a CVE is critical.
* EPSS (FIRST's CSV ``cve,epss,percentile`` after a ``#model_version`` comment): shown and sorted by,
  never a severity. Only CVEs already known are updated (the file lists every CVE ever published).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from art28.patching.advisories import (
    DEBIAN_RELEASES,
    VULNERABILITY_ID,
    AdvisoriesReport,
    _chunked_filter,
    _load,
    cvss_base_score,
    ensure_vulnerabilities,
    read_csv_text,
    refresh_severities,
    severity_of,
)
from art28.patching.models import Advisory, AdvisoryStatus, Vulnerability
from art28.patching.readers import PACKAGE_NAME, Lines, Problems, timestamp
from art28.patching.version import InvalidVersion, version_key

DEBIAN_ADVISORY = re.compile(r"^(DSA|DLA)-\d+(-\d+)?$")


@dataclass
class OsvFix:
    package: str
    release: str
    fixed_version: str


@dataclass
class OsvRecord:
    id: str
    cves: list[str]
    published: dt.datetime | None
    score: Decimal | None
    vector: str
    summary: str
    fixes: list[OsvFix] = field(default_factory=list)


def read_osv(path: Path, problems: Problems) -> list[OsvRecord]:
    document, text = _load(path, problems)
    if document is None:
        return []
    lines = Lines(text)
    entries = document if isinstance(document, list) else [document]
    records: list[OsvRecord] = []
    cursor = 0
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            problems.add(path.name, 1, "not an OSV record (an object with an id)")
            continue
        line, cursor = lines.find(f'"{entry["id"]}"', cursor)
        names = [entry["id"], *entry.get("aliases", []), *entry.get("upstream", [])]
        cves = sorted({name.removeprefix("DEBIAN-") for name in names if isinstance(name, str)} & _cve_like(names))
        if not cves:
            continue  # a record about no CVE: nothing to match here
        published = timestamp(entry.get("published"), naive=dt.UTC)
        if entry.get("published") is not None and published is None:
            problems.add(path.name, line, f"{entry['id']}: published {entry.get('published')!r} is not a date-time")
            continue
        vector = ""
        score = None
        for severity in entry.get("severity") or []:
            candidate = str(severity.get("score", "")) if isinstance(severity, dict) else ""
            parsed = cvss_base_score(candidate)
            if parsed is not None and (score is None or parsed > score):
                vector, score = candidate, parsed
        record = OsvRecord(entry["id"], cves, published, score, vector, str(entry.get("summary", "") or ""))
        for affected in entry.get("affected") or []:
            _read_fixes(path.name, line, problems, record, affected)
        records.append(record)
    return records


def _cve_like(names: list[Any]) -> set[str]:
    return {
        n.removeprefix("DEBIAN-")
        for n in names
        if isinstance(n, str) and VULNERABILITY_ID.match(n.removeprefix("DEBIAN-"))
    }


def _read_fixes(file: str, line: int, problems: Problems, record: OsvRecord, affected: Any) -> None:
    package = affected.get("package") if isinstance(affected, dict) else None
    if not isinstance(package, dict):
        return
    ecosystem, name = str(package.get("ecosystem", "")), str(package.get("name", ""))
    if not ecosystem.startswith("Debian:"):
        return  # another ecosystem: not this fleet's packages
    release = DEBIAN_RELEASES.get(ecosystem.removeprefix("Debian:").split(".")[0])
    if release is None or not PACKAGE_NAME.match(name):
        problems.add(file, line, f"{record.id}: {ecosystem} {name!r} is not a known Debian release and package")
        return
    for range_ in affected.get("ranges") or []:
        for event in range_.get("events") or [] if isinstance(range_, dict) else []:
            fixed = event.get("fixed") if isinstance(event, dict) else None
            if fixed is None:
                continue
            try:
                version_key(str(fixed))
            except InvalidVersion as exc:
                problems.add(file, line, f"{record.id}: fixed {fixed!r}: {exc}")
                continue
            record.fixes.append(OsvFix(name, release, str(fixed)))


@dataclass(frozen=True)
class Exploited:
    cve: str
    since: dt.date


def read_kev(path: Path, problems: Problems) -> list[Exploited]:
    document, text = _load(path, problems)
    if document is None:
        return []
    lines = Lines(text)
    entries = document.get("vulnerabilities") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        problems.add(path.name, 1, 'not the CISA KEV catalogue ("vulnerabilities" missing)')
        return []
    rows: list[Exploited] = []
    cursor = 0
    for entry in entries:
        cve = str(entry.get("cveID", "")) if isinstance(entry, dict) else ""
        line, cursor = lines.find(f'"{cve}"', cursor)
        try:
            since = dt.date.fromisoformat(str(entry.get("dateAdded", "")))
        except ValueError:
            problems.add(path.name, line, f"{cve or 'an entry'}: dateAdded is not a date (YYYY-MM-DD)")
            continue
        if not VULNERABILITY_ID.match(cve):
            problems.add(path.name, line, f"cveID {cve!r} is not a CVE id")
            continue
        rows.append(Exploited(cve, since))
    return rows


@dataclass(frozen=True)
class Probability:
    cve: str
    epss: float
    percentile: float


def read_epss(path: Path, problems: Problems) -> list[Probability]:
    text = read_csv_text(path, problems)
    if text is None:
        return []
    rows: list[Probability] = []
    reader = csv.reader(line for line in text if not line.startswith("#"))
    header = next(reader, None)
    if header is None or [h.strip() for h in header[:3]] != ["cve", "epss", "percentile"]:
        problems.add(path.name, 1, "the header is not cve,epss,percentile")
        return rows
    comments = sum(1 for line in io_lines(path) if line.startswith("#"))
    for number, row in enumerate(reader, start=2 + comments):
        try:
            cve, epss, percentile = row[0].strip(), float(row[1]), float(row[2])
        except (IndexError, ValueError):
            problems.add(path.name, number, "expected cve,epss,percentile with two numbers")
            continue
        if not VULNERABILITY_ID.match(cve) or not (0 <= epss <= 1 and 0 <= percentile <= 1):
            problems.add(path.name, number, f"{cve!r}: not a CVE id with probabilities between 0 and 1")
            continue
        rows.append(Probability(cve, epss, percentile))
    return rows


def io_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [line for line, _ in zip(handle, range(5), strict=False)]


READERS: dict[str, Any] = {"osv": read_osv, "kev": read_kev, "epss": read_epss}


def apply_enrichment(format: str, rows: list[Any], now: dt.datetime, report: AdvisoriesReport) -> None:
    if format == "kev":
        _apply_kev(rows, now, report)
    elif format == "epss":
        _apply_epss(rows, report)
    else:
        _apply_osv(rows, now, report)


def _outranks(record_id: str, current_source: str) -> bool:
    """A DSA/DLA's date is the fix's publication; any other record's only where no DSA/DLA gave one."""
    if current_source in ("", "first-import"):
        return True
    return bool(DEBIAN_ADVISORY.match(record_id)) and not DEBIAN_ADVISORY.match(current_source)


def _apply_kev(rows: list[Exploited], now: dt.datetime, report: AdvisoriesReport) -> None:
    # Kept even for CVEs no advisory concerns yet: a tracker import later finds them critical already.
    vulnerabilities = ensure_vulnerabilities({row.cve: "" for row in rows}, now, report)
    changed = []
    for row in rows:
        vulnerability = vulnerabilities[row.cve]
        if vulnerability.known_exploited_since != row.since:
            vulnerability.known_exploited_since = row.since
            changed.append(vulnerability)
        else:
            report.unchanged += 1
    Vulnerability.objects.bulk_update(changed, ["known_exploited_since"], batch_size=2000)
    report.vulnerabilities_updated += len(changed)
    report.advisories_updated += refresh_severities([v.pk for v in changed])


def _apply_epss(rows: list[Probability], report: AdvisoriesReport) -> None:
    by_cve = {row.cve: row for row in rows}
    changed = []
    for vulnerability in _chunked_filter(Vulnerability, "cve", list(by_cve)):
        row = by_cve[vulnerability.cve]
        if (vulnerability.epss, vulnerability.epss_percentile) != (row.epss, row.percentile):
            vulnerability.epss, vulnerability.epss_percentile = row.epss, row.percentile
            changed.append(vulnerability)
        else:
            report.unchanged += 1
    Vulnerability.objects.bulk_update(changed, ["epss", "epss_percentile"], batch_size=2000)
    report.vulnerabilities_updated += len(changed)
    report.unknown = len(by_cve) - len(changed) - report.unchanged


def _apply_osv(records: list[OsvRecord], now: dt.datetime, report: AdvisoriesReport) -> None:
    vulnerabilities = ensure_vulnerabilities(
        {cve: record.summary for record in records for cve in record.cves}, now, report
    )
    scored = []
    for record in records:
        for cve in record.cves:
            vulnerability = vulnerabilities[cve]
            if record.score is not None and vulnerability.cvss_score != record.score:
                vulnerability.cvss_score, vulnerability.cvss_vector = record.score, record.vector
                scored.append(vulnerability)
            if record.published and (vulnerability.published is None or record.published < vulnerability.published):
                vulnerability.published = record.published
                scored.append(vulnerability)
    Vulnerability.objects.bulk_update(
        list({v.pk: v for v in scored}.values()), ["cvss_score", "cvss_vector", "published"], batch_size=2000
    )
    report.vulnerabilities_updated += len({v.pk for v in scored})
    existing = {
        (a.vulnerability_id, a.package, a.release): a
        for a in _chunked_filter(Advisory, "vulnerability_id", [v.pk for v in vulnerabilities.values()])
    }
    created: dict[tuple[int, str, str], Advisory] = {}
    changed: dict[int, Advisory] = {}
    for record in records:
        for cve in record.cves:
            vulnerability = vulnerabilities[cve]
            for fix in record.fixes:
                key = (vulnerability.pk, fix.package, fix.release)
                advisory = existing.get(key) or created.get(key)
                if advisory is None:
                    created[key] = Advisory(
                        vulnerability=vulnerability,
                        package=fix.package,
                        release=fix.release,
                        status=AdvisoryStatus.RESOLVED,
                        fixed_version=fix.fixed_version,
                        fixed_key=version_key(fix.fixed_version),
                        severity=severity_of(
                            cvss=vulnerability.cvss_score,
                            known_exploited=vulnerability.known_exploited_since is not None,
                            urgency="",
                        ),
                        first_seen=now,
                        fix_published=record.published or now,
                        fix_published_source=record.id if record.published else "first-import",
                    )
                    continue
                # The publication of the record that names this very fix starts its patch clock.
                if (
                    record.published
                    and advisory.fixed_version == fix.fixed_version
                    and advisory.pk
                    and _outranks(record.id, advisory.fix_published_source)
                ):
                    advisory.fix_published, advisory.fix_published_source = record.published, record.id
                    changed[advisory.pk] = advisory
    Advisory.objects.bulk_create(list(created.values()), batch_size=2000)
    Advisory.objects.bulk_update(list(changed.values()), ["fix_published", "fix_published_source"], batch_size=2000)
    report.advisories_created += len(created)
    report.advisories_updated += len(changed)
    report.advisories_updated += refresh_severities(sorted({v.pk for v in scored}))
