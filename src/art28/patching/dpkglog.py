"""Upgrades at their real time, from a host's /var/log/dpkg.log (`art28 packages-import --dpkg-log FILE
--host REF`): more precise than the interval between two snapshots (docs/patching.md).

A line ``2025-06-24 14:36:25 upgrade libssl3:amd64 3.0.15-1~deb12u1 3.0.16-1~deb12u1`` upgrades one
binary; its source comes from the package lists imported before (else the binary's own name), its
source version is the binary's without a binNMU's "+bN". A source is upgraded when its last binary is,
so of several binaries of one source going to one version, the latest time counts. The times are the
host's local time (``--tz``; default: the host's site's time zone, which is its country's main one unless
the inventory names another; ART28_TIME_ZONE for a host without a site).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from art28.core.audit import Actor, audit_record
from art28.inventory.models import Asset
from art28.inventory.timezones import site_zone
from art28.patching.models import HOST_KINDS, BinarySource, InstalledPeriod, PackageSnapshot, Upgrade
from art28.patching.packages import ensure_versions
from art28.patching.readers import PackagesRefused, Problems, source_version_of_binary
from art28.patching.version import InvalidVersion, parse_version

LINE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2}) (?P<time>\d{2}:\d{2}:\d{2}) (?P<action>\S+) (?P<rest>.*)$")


@dataclass
class DpkgLogReport:
    upgrades: int = 0
    updated: int = 0
    lines: int = 0


def site_time_zone(host: Asset) -> zoneinfo.ZoneInfo:
    """The time zone of the host's site (its own, else its country's main one: inventory.timezones); the
    provider's (ART28_TIME_ZONE) for a host with no site."""
    if host.location_id and host.location:
        return site_zone(host.location)
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def read_upgrades(
    path: Path, zone: zoneinfo.ZoneInfo, problems: Problems
) -> dict[tuple[str, str, str], tuple[dt.datetime, str]]:
    """(binary, old binary version, new binary version) → (latest time, binary) of each upgrade line."""
    found: dict[tuple[str, str, str], tuple[dt.datetime, str]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        problems.add(path.name, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return found
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        match = LINE.match(line)
        if match is None:
            problems.add(path.name, number, "not a dpkg.log line (YYYY-MM-DD HH:MM:SS action …)")
            continue
        if match["action"] != "upgrade":
            continue  # install, remove, status, configure, trigproc, startup: not upgrades
        parts = match["rest"].split()
        if len(parts) != 3:
            problems.add(path.name, number, "an upgrade line names a package and its old and new versions")
            continue
        package, old, new = parts
        try:
            local = dt.datetime.fromisoformat(f"{match['date']}T{match['time']}")
            parse_version(old)
            parse_version(new)
        except (ValueError, InvalidVersion) as exc:
            problems.add(path.name, number, str(exc))
            continue
        moment = local.replace(tzinfo=zone)
        binary = package.split(":", 1)[0]
        key = (binary, old, new)
        if key not in found or found[key][0] < moment:
            found[key] = (moment, binary)
    return found


def dpkg_log_import(path: Path, *, host_ref: str, actor: Actor, time_zone: str = "") -> DpkgLogReport:
    """Record the upgrades of ``path`` (a dpkg.log) for one host at their real times; raises
    PackagesRefused or ValueError with nothing changed."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    host = Asset.objects.select_related("location").filter(ref=host_ref, ended_at__isnull=True).first()
    if host is None:
        raise ValueError(f"--host: no current asset {host_ref!r} in the inventory")
    if host.kind not in HOST_KINDS:
        raise ValueError(f"--host: asset {host_ref!r} is a {host.kind}, not a host or VM")
    if time_zone:
        try:
            zone = zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"--tz: {time_zone!r} is not a time zone (Europe/Zurich, UTC, …)") from None
    else:
        zone = site_time_zone(host)
    problems = Problems()
    lines = read_upgrades(path, zone, problems)
    if problems:
        raise PackagesRefused(problems)
    sources = dict(
        BinarySource.objects.filter(binary__in=sorted({b for b, _o, _n in lines})).values_list("binary", "source")
    )
    # Per (source, source version reached): the latest binary's time, and the version it came from.
    per_source: dict[tuple[str, str], tuple[dt.datetime, str]] = {}
    for (binary, old, new), (moment, _binary) in lines.items():
        source = sources.get(binary, binary)
        target = (source, source_version_of_binary(new))
        if target not in per_source or per_source[target][0] < moment:
            per_source[target] = (moment, source_version_of_binary(old))
    report = DpkgLogReport(lines=len(lines))
    with transaction.atomic():
        versions = ensure_versions(
            set(per_source) | {(source, old) for (source, _new), (_m, old) in per_source.items()}
        )
        existing = {
            (u.package, u.to_version_id): u
            for u in Upgrade.objects.filter(host=host, package__in=sorted({s for s, _v in per_source}))
        }
        # What the host's package lists say of these packages: its release, and since when it had each.
        periods = InstalledPeriod.objects.filter(host=host, version__package__in=sorted({s for s, _v in per_source}))
        first_had: dict[str, dt.datetime] = {}
        release = ""
        for package, since, period_release in periods.order_by("since").values_list(
            "version__package", "package_since", "release"
        ):
            first_had.setdefault(package, since)
            release = period_release
        release = release or (
            PackageSnapshot.objects.filter(host=host).order_by("-taken_at").values_list("release", flat=True).first()
            or ""
        )
        created: list[Upgrade] = []
        for (source, new), (moment, old) in sorted(per_source.items()):
            to_version = versions[(source, new)]
            seen = existing.get((source, to_version.pk))
            if seen is not None:
                if (seen.at, seen.source) != (moment, Upgrade.Source.DPKG_LOG):
                    seen.at, seen.source = moment, Upgrade.Source.DPKG_LOG
                    seen.save(update_fields=["at", "source"])
                    report.updated += 1
                continue
            created.append(
                Upgrade(
                    host=host,
                    package=source,
                    from_version=versions[(source, old)],
                    to_version=to_version,
                    at=moment,
                    source=Upgrade.Source.DPKG_LOG,
                    release=release,
                    package_since=first_had.get(source),
                )
            )
        Upgrade.objects.bulk_create(created, batch_size=2000)
        report.upgrades = len(created)
        audit_record(
            actor=actor,
            action="patching.dpkg_log_import",
            obj=host,
            after={"file": path.name, "upgrades": report.upgrades, "updated": report.updated, "zone": str(zone)},
        )
    return report
