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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record
from art28.inventory.models import Asset
from art28.patching.models import (
    HOST_KINDS,
    BinarySource,
    PackageSnapshot,
    PackageVersion,
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
    files: int = 0


def _hosts_by_ref(refs: Iterable[str]) -> dict[str, Asset]:
    found: dict[str, Asset] = {}
    refs = list(refs)
    for start in range(0, len(refs), QUERY_CHUNK):
        for asset in Asset.objects.filter(ref__in=refs[start : start + QUERY_CHUNK], ended_at__isnull=True):
            found[asset.ref] = asset
    return found


def _lowest_per_source(listing: PackageList) -> dict[str, tuple[str, str]]:
    """source package → (its installed source version, its key); of binaries at different versions, the
    lowest (docs/patching.md: the host is exposed until every binary of the source is fixed)."""
    chosen: dict[str, tuple[str, str]] = {}
    for row in listing.packages:
        seen = chosen.get(row.source)
        if seen is None or row.key < seen[1]:
            chosen[row.source] = (row.source_version, row.key)
    return chosen


class VersionIds:
    """The id of each (package, version), created with its key where new: a few queries per batch of hosts,
    none for pairs already seen in this import."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], int] = {}

    def ensure(self, pairs: dict[tuple[str, str], str]) -> None:
        """``pairs``: (package, version) → key."""
        missing = sorted(pair for pair in pairs if pair not in self.ids)
        if not missing:
            return
        packages = sorted({package for package, _version in missing})
        wanted = set(missing)
        for start in range(0, len(packages), QUERY_CHUNK):
            rows = PackageVersion.objects.filter(package__in=packages[start : start + QUERY_CHUNK])
            for pk, package, version in rows.values_list("pk", "package", "version"):
                if (package, version) in wanted:
                    self.ids[(package, version)] = pk
        new = [(p, v, pairs[(p, v)]) for p, v in missing if (p, v) not in self.ids]
        if not new:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO patching_packageversion (package, version, key) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                new,
            )
        names = sorted({package for package, _version, _key in new})
        for start in range(0, len(names), QUERY_CHUNK):
            rows = PackageVersion.objects.filter(package__in=names[start : start + QUERY_CHUNK])
            for pk, package, version in rows.values_list("pk", "package", "version"):
                self.ids.setdefault((package, version), pk)


def ensure_versions(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], PackageVersion]:
    """The PackageVersion of each (package, version), created with its key where new."""
    ids = VersionIds()
    ids.ensure({(p, v): version_key(v) for p, v in pairs})
    rows = PackageVersion.objects.in_bulk(list(ids.ids.values()))
    return {pair: rows[pk] for pair, pk in ids.ids.items()}


def _record_binaries(lists: list[tuple[Asset, PackageList]], known: dict[str, str]) -> None:
    """Which source each binary comes from (dpkg.log names binaries): new names added, changed ones updated.
    ``known`` carries what this import has already recorded."""
    sources = {row.binary: row.source for _host, listing in lists for row in listing.packages}
    unseen = [binary for binary in sources if known.get(binary) != sources[binary]]
    if not unseen:
        return
    stored = dict(BinarySource.objects.filter(binary__in=unseen).values_list("binary", "source"))
    BinarySource.objects.bulk_create(
        [BinarySource(binary=b, source=sources[b]) for b in unseen if b not in stored], batch_size=2000
    )
    for binary in unseen:
        if binary in stored and stored[binary] != sources[binary]:
            BinarySource.objects.filter(binary=binary).update(source=sources[binary])
        known[binary] = sources[binary]


def packages_import(
    path: Path,
    *,
    actor: Actor,
    release: str,
    format: str = "dpkg-query",
    taken_at: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PackagesReport:
    """Import one package list per host (PATH a file or a folder of ``<asset ref>.<ext>`` files) as a
    snapshot of the hosts, for Debian ``release`` (a codename), taken at ``taken_at`` (default: what each
    file says, else now). Raises PackagesRefused (every ``FILE:LINE: reason``) or ValueError; then
    nothing changed: the hosts are read and written in batches inside one transaction, rolled back
    whole at the first problem's report. ``progress(files done, files)`` is called after each batch."""
    path = Path(path)
    if not RELEASE.match(release):
        raise ValueError(f"--release {release!r} is not a Debian codename (bookworm, trixie, …)")
    if format not in READERS:
        raise ValueError(f"unknown format {format!r} (expected one of {', '.join(READERS)})")
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder")
    files = list(host_files(path, format))
    problems = Problems()
    if not files:
        problems.add(path.name, 0, "the folder has no file")
        raise PackagesRefused(problems)
    hosts = _hosts_by_ref(ref for ref, _file in files)
    report = PackagesReport()
    digests: list[str] = []
    versions = VersionIds()
    binaries: dict[str, str] = {}
    default_time = taken_at or timezone.now()
    with transaction.atomic():
        for start in range(0, len(files), HOST_BATCH):
            lists: list[tuple[Asset, PackageList, str]] = []
            for ref, file in files[start : start + HOST_BATCH]:
                content = file.read_bytes()
                digest = hashlib.sha256(content).hexdigest()
                digests.append(f"{file.name}:{digest}")
                host = hosts.get(ref)
                if host is None:
                    problems.add(
                        file.name, 0, f"no current asset {ref!r} in the inventory (files are named <asset ref>.<ext>)"
                    )
                    continue
                if host.kind not in HOST_KINDS:
                    problems.add(file.name, 0, f"asset {ref!r} is a {host.kind}, not a host or VM")
                    continue
                count = problems.count
                listing = READERS[format](file, problems)
                if not listing.packages and problems.count == count:
                    problems.add(file.name, 0, "no installed package listed")
                lists.append((host, listing, digest))
            if not problems:  # after a problem, read on to report every one, write nothing more
                _write_batch(lists, versions, binaries, release, format, default_time, report)
            if progress is not None:
                progress(min(start + HOST_BATCH, len(files)), len(files))
        if problems:
            raise PackagesRefused(problems)  # rolls back what the batches wrote
        report.files = len(files)
        audit_record(
            actor=actor,
            action="patching.packages_import",
            object_type="patching.packagesnapshot",
            object_repr=f"{len(files)} host(s) from {path.name}",
            after={
                "format": format,
                "release": release,
                "sha256": hashlib.sha256("\n".join(digests).encode()).hexdigest(),
                "hosts": report.hosts,
                "packages": report.packages,
                "opened": report.opened,
                "closed": report.closed,
                "upgrades": report.upgrades,
            },
        )
    return report


def _current_periods(host_ids: list[int]) -> dict[int, dict[str, tuple[int, int, str, str, Any]]]:
    """host id → source package → (period id, version id, key, release, package_since) of what it has now."""
    current: dict[int, dict[str, tuple[int, int, str, str, Any]]] = {host: {} for host in host_ids}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ip.host_id, pv.package, ip.id, ip.version_id, pv.key, ip.release, ip.package_since "
            "FROM patching_installedperiod ip JOIN patching_packageversion pv ON pv.id = ip.version_id "
            f"WHERE ip.until IS NULL AND ip.host_id IN ({','.join(str(int(h)) for h in host_ids)})"
        )
        for host, package, *rest in cursor.fetchall():
            current[host][package] = tuple(rest)  # type: ignore[assignment]
    return current


PERIOD_COLUMNS = "host_id, version_id, release, since, package_since"


def _insert_periods(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    """The new installed periods: COPY on PostgreSQL (a fleet's first import is millions of rows), else
    executemany."""
    if connection.vendor != "postgresql":
        cursor.executemany(f"INSERT INTO patching_installedperiod ({PERIOD_COLUMNS}) VALUES (%s, %s, %s, %s, %s)", rows)
        return
    raw = connection.connection
    assert raw is not None
    with raw.cursor() as copying, copying.copy(f"COPY patching_installedperiod ({PERIOD_COLUMNS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _write_batch(
    lists: list[tuple[Asset, PackageList, str]],
    versions: VersionIds,
    binaries: dict[str, str],
    release: str,
    format: str,
    default_time: dt.datetime,
    report: PackagesReport,
) -> None:
    """Compare each host's list with what it has now and write the differences, set-wise."""
    installed = {host.pk: _lowest_per_source(listing) for host, listing, _digest in lists}
    versions.ensure({(p, v): key for chosen in installed.values() for p, (v, key) in chosen.items()})
    _record_binaries([(host, listing) for host, listing, _digest in lists], binaries)
    current = _current_periods(list(installed))
    adapt = connection.ops.adapt_datetimefield_value
    opened: list[tuple[Any, ...]] = []
    closed: dict[Any, list[int]] = {}
    upgrades: list[tuple[Any, ...]] = []
    snapshots: list[PackageSnapshot] = []
    for host, listing, digest in lists:
        moment = listing.taken_at or default_time
        at = adapt(moment)
        had = current[host.pk]
        now_has = installed[host.pk]
        for package, (version, key) in now_has.items():
            version_id = versions.ids[(package, version)]
            before = had.get(package)
            if before is not None and before[1] == version_id and before[3] == release:
                report.unchanged += 1
                continue
            package_since = at
            if before is not None:
                period_id, old_version_id, old_key, _old_release, package_since = before
                closed.setdefault(at, []).append(period_id)
                if key > old_key:
                    upgrades.append(
                        (host.pk, package, old_version_id, version_id, at, "snapshot", release, package_since)
                    )
            opened.append((host.pk, version_id, release, at, package_since))
        for package, before in had.items():
            if package not in now_has:
                closed.setdefault(at, []).append(before[0])
        snapshots.append(
            PackageSnapshot(
                host=host, taken_at=moment, release=release, format=format, sha256=digest, packages=len(now_has)
            )
        )
        report.hosts += 1
        report.packages += len(now_has)
    with connection.cursor() as cursor:
        for until, ids in closed.items():
            for start in range(0, len(ids), QUERY_CHUNK):
                chunk = ids[start : start + QUERY_CHUNK]
                listed = ",".join(str(int(i)) for i in chunk)
                cursor.execute(f"UPDATE patching_installedperiod SET until = %s WHERE id IN ({listed})", [until])
        _insert_periods(cursor, opened)
        # An upgrade dpkg.log already gave at its real time keeps that time (one per host, package, version).
        cursor.executemany(
            "INSERT INTO patching_upgrade (host_id, package, from_version_id, to_version_id, at, source, release, "
            "package_since) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            upgrades,
        )
    PackageSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    report.opened += len(opened)
    report.closed += sum(len(ids) for ids in closed.values())
    report.upgrades += len(upgrades)
