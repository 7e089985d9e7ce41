"""Importing hosts' package lists as snapshots (S7): `art28 packages-import` (docs/patching.md).

A snapshot changes what a host has installed only where it differs from the last one: a source package
at another version closes its interval and opens one (an upgrade event when the version rose), one no
longer listed closes, a new one opens. An unchanged fleet re-imported every night writes only the
snapshots' records. Everything is checked before anything is written; bad input changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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
from art28.patching.readers import READERS, InstalledPackage, PackageList, PackagesRefused, Problems, host_files
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


def _lowest_per_source(listing: PackageList) -> dict[str, InstalledPackage]:
    """source package → the row of its lowest installed source version, of binaries at different versions
    (docs/patching.md: the host is exposed until every binary of the source is fixed). The rows are kept
    as read (no tuple per row: a fleet's first import is 20M of them)."""
    chosen: dict[str, InstalledPackage] = {}
    for row in listing.packages:
        seen = chosen.get(row.source)
        if seen is None or row.key < seen.key:
            chosen[row.source] = row
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


@dataclass
class _Batches:
    """What an import carries from one batch of hosts to the next."""

    release: str
    format: str
    default_time: dt.datetime
    report: PackagesReport
    versions: VersionIds
    binaries: dict[str, str]
    # No host of this import had packages before it (and none is listed twice): no current period to read.
    fresh: bool
    indexes: DeferredIndexes


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
    digests: list[str] = []
    with transaction.atomic():
        batches = _Batches(
            release=release,
            format=format,
            default_time=taken_at or timezone.now(),
            report=PackagesReport(),
            versions=VersionIds(),
            binaries={},
            fresh=_all_fresh(files, hosts),
            indexes=DeferredIndexes(),
        )
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
                if batches.fresh and start == 0:
                    batches.indexes.defer_if_worth_it(_rows_expected(lists, len(files)))
                _write_batch(lists, batches)
            if progress is not None:
                progress(min(start + HOST_BATCH, len(files)), len(files))
        if problems:
            raise PackagesRefused(problems)  # rolls back what the batches wrote (and any index dropped)
        batches.indexes.restore()
        report = batches.report
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


def _all_fresh(files: list[tuple[str, Path]], hosts: dict[str, Asset]) -> bool:
    """Whether no host of the import has a current installed period and none is listed twice: then no
    batch needs to read what its hosts have now (a fleet's first import)."""
    refs = [ref for ref, _file in files]
    if len(set(refs)) != len(refs):
        return False
    ids = sorted(host.pk for host in hosts.values())
    with connection.cursor() as cursor:
        for start in range(0, len(ids), QUERY_CHUNK):
            listed = ",".join(str(int(i)) for i in ids[start : start + QUERY_CHUNK])
            cursor.execute(
                f"SELECT 1 FROM patching_installedperiod WHERE until IS NULL AND host_id IN ({listed}) LIMIT 1"
            )
            if cursor.fetchone() is not None:
                return False
    return True


def _rows_expected(lists: list[tuple[Asset, PackageList, str]], files: int) -> int:
    """The installed periods a fresh import will write, from its first batch."""
    listed = sum(len(listing.packages) for _host, listing, _digest in lists)
    return listed * files // max(len(lists), 1)


class DeferredIndexes:
    """SQLite: the installed periods' secondary indexes, dropped for a first import much larger than the
    table and created again, from their own SQL, before the import commits.

    Inserting 20M rows one by one into an index on ``version_id`` writes at random places in it: that
    costs more than the load itself, and grows with the table. Building an index once from the finished
    table sorts instead. SQLite's DDL is transactional, so a refused import rolls the drop back with the
    rows. Worth it only when the import brings more rows than the table holds (the rebuild covers them
    all); PostgreSQL loads with COPY and keeps its indexes."""

    TABLE = "patching_installedperiod"

    def __init__(self) -> None:
        self.dropped: list[str] = []

    def defer_if_worth_it(self, rows_expected: int) -> None:
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.TABLE}")  # ids are never reused: ≥ rows held
            (held,) = cursor.fetchone()
            if rows_expected <= held:
                return
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [self.TABLE],
            )
            indexes = cursor.fetchall()
            for name, sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
                self.dropped.append(sql)

    def restore(self) -> None:
        with connection.cursor() as cursor:
            for sql in self.dropped:
                cursor.execute(sql)
        self.dropped = []


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
# New installed periods grouped by what their rows share: (host id, release, since, package_since) →
# version ids. A host's first list is one group.
Opened = dict[tuple[int, str, Any, Any], list[int]]


def _insert_periods(cursor: Any, opened: Opened) -> None:
    """The new installed periods: COPY on PostgreSQL; on SQLite one statement per group, its version ids
    passed as one JSON array (binding five parameters per row in an executemany costs more than SQLite's
    insert itself)."""
    if connection.vendor != "postgresql":
        for (host_id, release, since, package_since), version_ids in opened.items():
            cursor.execute(
                f"INSERT INTO patching_installedperiod ({PERIOD_COLUMNS}) "
                "SELECT %s, value, %s, %s, %s FROM json_each(%s)",
                [host_id, release, since, package_since, json.dumps(version_ids)],
            )
        return
    raw = connection.connection
    assert raw is not None
    with raw.cursor() as copying, copying.copy(f"COPY patching_installedperiod ({PERIOD_COLUMNS}) FROM STDIN") as copy:
        for (host_id, release, since, package_since), version_ids in opened.items():
            for version_id in version_ids:
                copy.write_row((host_id, version_id, release, since, package_since))


@dataclass
class _Changes:
    """What one batch writes."""

    opened: Opened
    closed: dict[Any, list[int]]
    upgrades: list[tuple[Any, ...]]
    unchanged: int = 0


def _compare_host(
    host_id: int,
    now_has: dict[str, InstalledPackage],
    had: dict[str, tuple[int, int, str, str, Any]],
    at: Any,
    batches: _Batches,
    changes: _Changes,
) -> None:
    """One host's list against what it had: changed versions close and open (an upgrade when the version
    rose), packages no longer listed close, new ones open."""
    ids = batches.versions.ids
    release = batches.release
    if not had:  # the host's first list (or none current): everything opens, in one group
        key = (host_id, release, at, at)
        changes.opened.setdefault(key, []).extend([ids[(r.source, r.source_version)] for r in now_has.values()])
        return
    for package, row in now_has.items():
        version_id = ids[(package, row.source_version)]
        before = had.get(package)
        if before is not None and before[1] == version_id and before[3] == release:
            changes.unchanged += 1
            continue
        package_since = at
        if before is not None:
            period_id, old_version_id, old_key, _old_release, package_since = before
            changes.closed.setdefault(at, []).append(period_id)
            if row.key > old_key:
                changes.upgrades.append(
                    (host_id, package, old_version_id, version_id, at, "snapshot", release, package_since)
                )
        changes.opened.setdefault((host_id, release, at, package_since), []).append(version_id)
    for package, before in had.items():
        if package not in now_has:
            changes.closed.setdefault(at, []).append(before[0])


def _write_batch(lists: list[tuple[Asset, PackageList, str]], batches: _Batches) -> None:
    """Compare each host's list with what it has now and write the differences, set-wise."""
    installed = {host.pk: _lowest_per_source(listing) for host, listing, _digest in lists}
    batches.versions.ensure(
        {(row.source, row.source_version): row.key for chosen in installed.values() for row in chosen.values()}
    )
    _record_binaries([(host, listing) for host, listing, _digest in lists], batches.binaries)
    current = {} if batches.fresh else _current_periods(list(installed))
    adapt = connection.ops.adapt_datetimefield_value
    changes = _Changes(opened={}, closed={}, upgrades=[])
    snapshots: list[PackageSnapshot] = []
    report = batches.report
    for host, listing, digest in lists:
        moment = listing.taken_at or batches.default_time
        now_has = installed[host.pk]
        _compare_host(host.pk, now_has, current.get(host.pk, {}), adapt(moment), batches, changes)
        snapshots.append(
            PackageSnapshot(
                host=host,
                taken_at=moment,
                release=batches.release,
                format=batches.format,
                sha256=digest,
                packages=len(now_has),
            )
        )
        report.hosts += 1
        report.packages += len(now_has)
    _write_changes(changes)
    PackageSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    report.unchanged += changes.unchanged
    report.opened += sum(len(ids) for ids in changes.opened.values())
    report.closed += sum(len(ids) for ids in changes.closed.values())
    report.upgrades += len(changes.upgrades)


def _write_changes(changes: _Changes) -> None:
    with connection.cursor() as cursor:
        for until, ids in changes.closed.items():
            for start in range(0, len(ids), QUERY_CHUNK):
                chunk = ids[start : start + QUERY_CHUNK]
                listed = ",".join(str(int(i)) for i in chunk)
                cursor.execute(f"UPDATE patching_installedperiod SET until = %s WHERE id IN ({listed})", [until])
        _insert_periods(cursor, changes.opened)
        # An upgrade dpkg.log already gave at its real time keeps that time (one per host, package, version).
        cursor.executemany(
            "INSERT INTO patching_upgrade (host_id, package, from_version_id, to_version_id, at, source, release, "
            "package_since) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            changes.upgrades,
        )
