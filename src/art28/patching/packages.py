"""Importing hosts' package lists as snapshots (S7): `art28 packages-import` (docs/patching.md).

A snapshot changes what a host has installed only where it differs from the last one: a source package
at another version closes its interval and opens one (an upgrade event when the version rose), one no
longer listed closes, a new one opens. An unchanged fleet re-imported every night writes only the
snapshots' records. Everything is checked before anything is written; bad input changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record
from art28.inventory.models import Asset
from art28.patching.models import (
    HOST_KINDS,
    BinarySource,
    InstalledPeriod,
    PackageSnapshot,
    PackageVersion,
    Upgrade,
)
from art28.patching.readers import READERS, PackageList, PackagesRefused, Problems, host_files
from art28.patching.version import version_key

RELEASE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
HOST_BATCH = 200
QUERY_CHUNK = 500


@dataclass
class PackagesReport:
    hosts: int = 0
    packages: int = 0
    opened: int = 0
    closed: int = 0
    upgrades: int = 0
    unchanged: int = 0
    files: list[str] = field(default_factory=list)


def _hosts_by_ref(refs: Iterable[str]) -> dict[str, Asset]:
    found: dict[str, Asset] = {}
    refs = list(refs)
    for start in range(0, len(refs), QUERY_CHUNK):
        for asset in Asset.objects.filter(ref__in=refs[start : start + QUERY_CHUNK], ended_at__isnull=True):
            found[asset.ref] = asset
    return found


def read_package_lists(path: Path, *, format: str) -> tuple[list[tuple[Asset, PackageList]], str]:
    """Every file read and checked, each matched to its host; (lists, SHA-256 of the input) or
    PackagesRefused with every problem."""
    if format not in READERS:
        raise ValueError(f"unknown format {format!r} (expected one of {', '.join(READERS)})")
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder")
    problems = Problems()
    files = list(host_files(path, format))
    if not files:
        problems.add(path.name, 0, "the folder has no file")
    hosts = _hosts_by_ref(ref for ref, _file in files)
    digest = hashlib.sha256()
    lists: list[tuple[Asset, PackageList]] = []
    for ref, file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
        host = hosts.get(ref)
        if host is None:
            problems.add(file.name, 0, f"no current asset {ref!r} in the inventory (files are named <asset ref>.<ext>)")
            continue
        if host.kind not in HOST_KINDS:
            problems.add(file.name, 0, f"asset {ref!r} is a {host.kind}, not a host or VM")
            continue
        listing = READERS[format](file, problems)
        if not listing.packages and not problems:
            problems.add(file.name, 0, "no installed package listed")
        lists.append((host, listing))
    if problems:
        raise PackagesRefused(problems)
    return lists, digest.hexdigest()


def _lowest_per_source(listing: PackageList) -> dict[str, str]:
    """source package → its installed source version; of binaries at different versions, the lowest
    (docs/patching.md: the host is exposed until every binary of the source is fixed)."""
    chosen: dict[str, tuple[str, str]] = {}
    for row in listing.packages:
        key = version_key(row.source_version)
        seen = chosen.get(row.source)
        if seen is None or key < seen[0]:
            chosen[row.source] = (key, row.source_version)
    return {source: version for source, (_key, version) in chosen.items()}


def ensure_versions(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], PackageVersion]:
    """The PackageVersion of each (package, version), created with its key where new; few queries."""
    wanted = sorted(pairs)
    found: dict[tuple[str, str], PackageVersion] = {}
    packages = sorted({package for package, _version in wanted})
    for start in range(0, len(packages), QUERY_CHUNK):
        for row in PackageVersion.objects.filter(package__in=packages[start : start + QUERY_CHUNK]):
            found[(row.package, row.version)] = row
    missing = [PackageVersion(package=p, version=v, key=version_key(v)) for p, v in wanted if (p, v) not in found]
    if missing:
        PackageVersion.objects.bulk_create(missing, batch_size=2000, ignore_conflicts=True)
        names = sorted({row.package for row in missing})
        for start in range(0, len(names), QUERY_CHUNK):
            for row in PackageVersion.objects.filter(package__in=names[start : start + QUERY_CHUNK]):
                found[(row.package, row.version)] = row
    return found


def _record_binaries(lists: list[tuple[Asset, PackageList]]) -> None:
    """Which source each binary comes from (dpkg.log names binaries): new names added, changed ones updated."""
    sources = {row.binary: row.source for _host, listing in lists for row in listing.packages}
    known = dict(BinarySource.objects.filter(binary__in=list(sources)).values_list("binary", "source"))
    BinarySource.objects.bulk_create(
        [BinarySource(binary=b, source=s) for b, s in sources.items() if b not in known], batch_size=2000
    )
    for binary, source in sources.items():
        if binary in known and known[binary] != source:
            BinarySource.objects.filter(binary=binary).update(source=source)


def packages_import(
    path: Path, *, actor: Actor, release: str, format: str = "dpkg-query", taken_at: dt.datetime | None = None
) -> PackagesReport:
    """Import one package list per host (PATH a file or a folder of ``<asset ref>.<ext>`` files) as a
    snapshot of the hosts, for Debian ``release`` (a codename), taken at ``taken_at`` (default: what each
    file says, else now). Raises PackagesRefused (every ``FILE:LINE: reason``) or ValueError; then
    nothing changed."""
    if not RELEASE.match(release):
        raise ValueError(f"--release {release!r} is not a Debian codename (bookworm, trixie, …)")
    lists, digest = read_package_lists(Path(path), format=format)
    report = PackagesReport(files=[listing.file for _host, listing in lists])
    now = timezone.now()
    with transaction.atomic():
        versions = ensure_versions(
            {(source, version) for _host, listing in lists for source, version in _lowest_per_source(listing).items()}
        )
        _record_binaries(lists)
        for start in range(0, len(lists), HOST_BATCH):
            _apply_batch(lists[start : start + HOST_BATCH], versions, release, format, digest, taken_at or now, report)
        audit_record(
            actor=actor,
            action="patching.packages_import",
            object_type="patching.packagesnapshot",
            object_repr=f"{len(lists)} host(s) from {Path(path).name}",
            after={
                "format": format,
                "release": release,
                "sha256": digest,
                "hosts": report.hosts,
                "packages": report.packages,
                "opened": report.opened,
                "closed": report.closed,
                "upgrades": report.upgrades,
            },
        )
    return report


def _apply_batch(
    batch: list[tuple[Asset, PackageList]],
    versions: dict[tuple[str, str], PackageVersion],
    release: str,
    format: str,
    digest: str,
    default_time: dt.datetime,
    report: PackagesReport,
) -> None:
    current: dict[int, dict[str, InstalledPeriod]] = {host.pk: {} for host, _listing in batch}
    for period in InstalledPeriod.objects.filter(host__in=list(current), until__isnull=True).select_related("version"):
        current[period.host_id][period.version.package] = period
    opened: list[InstalledPeriod] = []
    closed: list[InstalledPeriod] = []
    upgrades: list[Upgrade] = []
    snapshots: list[PackageSnapshot] = []
    for host, listing in batch:
        moment = listing.taken_at or default_time
        installed = _lowest_per_source(listing)
        had = current[host.pk]
        for package, version in installed.items():
            now_version = versions[(package, version)]
            before = had.get(package)
            if before is not None and before.version_id == now_version.pk and before.release == release:
                report.unchanged += 1
                continue
            if before is not None:
                before.until = moment
                closed.append(before)
                if now_version.key > before.version.key:
                    upgrades.append(
                        Upgrade(
                            host=host,
                            package=package,
                            from_version=before.version,
                            to_version=now_version,
                            at=moment,
                            source=Upgrade.Source.SNAPSHOT,
                            release=release,
                            package_since=before.package_since,
                        )
                    )
            opened.append(
                InstalledPeriod(
                    host=host,
                    version=now_version,
                    release=release,
                    since=moment,
                    package_since=before.package_since if before is not None else moment,
                )
            )
        for package, period in had.items():
            if package not in installed:
                period.until = moment
                closed.append(period)
        snapshots.append(
            PackageSnapshot(
                host=host, taken_at=moment, release=release, format=format, sha256=digest, packages=len(installed)
            )
        )
        report.hosts += 1
        report.packages += len(installed)
    InstalledPeriod.objects.bulk_update(closed, ["until"], batch_size=2000)
    InstalledPeriod.objects.bulk_create(opened, batch_size=2000)
    # An upgrade dpkg.log already gave at its real time keeps that time (one per host, package, version).
    Upgrade.objects.bulk_create(upgrades, batch_size=2000, ignore_conflicts=True)
    PackageSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    report.opened += len(opened)
    report.closed += len(closed)
    report.upgrades += len(upgrades)
