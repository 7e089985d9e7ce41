"""Fleets and advisories generated at test time from real material on this machine (never committed
third-party files): the Debian changelogs (/usr/share/doc/*/changelog.Debian.gz) give real source
packages, their successive versions and the CVEs each version fixed; the test builds the Debian Security
Tracker's JSON from them and hosts' dpkg-query lists at versions drawn from those changelogs."""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from art28.core.audit import SystemActor
from art28.inventory.importers import import_inventory

HEADER = re.compile(r"^(?P<package>[a-z0-9][a-z0-9.+-]+) \((?P<version>[^)\s]+)\) [^;]*;")
CVE = re.compile(r"CVE-\d{4}-\d{4,}")
RELEASE = "bookworm"


@dataclass
class Changelog:
    package: str
    versions: list[str]  # newest first, as in the file
    fixes: dict[str, str] = field(default_factory=dict)  # CVE → the oldest version whose entry names it


@cache
def changelogs() -> dict[str, Changelog]:
    """Every source package's changelog on this machine (one per source, the first file found)."""
    found: dict[str, Changelog] = {}
    for path in sorted(Path("/usr/share/doc").glob("*/changelog.Debian.gz")):
        try:
            text = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        except (OSError, EOFError):
            continue
        log: Changelog | None = None
        current = ""
        for line in text.splitlines():
            match = HEADER.match(line)
            if match:
                if log is None:
                    if match["package"] in found:
                        break
                    log = Changelog(match["package"], [])
                current = match["version"]
                log.versions.append(current)
                continue
            if log is not None and current:
                for cve in CVE.findall(line):
                    log.fixes[cve] = current  # later (older) entries overwrite: the first fix wins
        if log is not None and log.versions:
            found[log.package] = log
    return found


def with_cves(minimum_versions: int = 3) -> list[Changelog]:
    return [log for log in changelogs().values() if log.fixes and len(log.versions) >= minimum_versions]


def tracker_document(logs: list[Changelog], *, release: str = RELEASE, urgency: str = "medium") -> dict:
    """The tracker's JSON for these packages: each CVE resolved in ``release`` at the version that named it."""
    return {
        log.package: {
            cve: {
                "description": f"{cve} in {log.package}",
                "scope": "local",
                "releases": {
                    release: {
                        "status": "resolved",
                        "fixed_version": fixed,
                        "urgency": urgency,
                        "repositories": {release: log.versions[0]},
                    }
                },
            }
            for cve, fixed in sorted(log.fixes.items())
        }
        for log in logs
    }


@dataclass
class Fleet:
    hosts: list[str]
    installed: dict[str, dict[str, str]]  # host → source package → source version
    folder: Path


def write_fleet(folder: Path, logs: list[Changelog], *, hosts: int, seed: int = 28) -> Fleet:
    """``hosts`` dpkg-query lists (with the status field), each source at a version drawn from its
    changelog, some binaries at a binNMU of it, one ``rc`` line (removed) per host."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    installed: dict[str, dict[str, str]] = defaultdict(dict)
    names = [f"vm-{n:04d}" for n in range(hosts)]
    for host in names:
        lines = []
        for log in logs:
            version = rng.choice(log.versions)
            installed[host][log.package] = version
            lines.append(f"ii \t{log.package}\t{version}\t\t\n")  # empty source: source = binary
            if rng.random() < 0.3:
                lines.append(f"ii \tlib{log.package}-bin\t{version}+b1\t{log.package}\t{version}\n")
        lines.append(f"rc \told-{rng.randrange(1000)}\t1.0-1\t\t\n")
        (folder / f"{host}.txt").write_text("".join(lines), "utf-8")
    return Fleet(names, dict(installed), folder)


def import_hosts(tmp: Path, hosts: list[str], *, site: str = "GVA1", country: str = "CH") -> None:
    """The hosts, as VMs at one site, through the inventory's own import (CSV)."""
    folder = tmp / "inventory"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sites.csv").write_text(f"code,name,city,country,operator\n{site},Site {site},,{country},\n", "utf-8")
    (folder / "assets.csv").write_text(
        "ref,kind,site,parent,service\n" + "".join(f"{h},vm,{site},,Web hosting\n" for h in hosts), "utf-8"
    )
    import_inventory(folder, actor=SystemActor("test"))


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, indent=1), "utf-8")
    return path
