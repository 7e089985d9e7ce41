"""The demo's security updates (S7): a year of the fleet's package history, through art28's own importers.

Every physical host runs Debian bookworm with a set of well-known source packages. Demo advisories (their
ids, ``CVE-2026-99xxx``, are fictional, and their descriptions say so) were published over the last year;
each host installs each fix after a delay that depends on its severity, so the figures, the charts and the
service levels have something to show. A few hosts lag behind: one of them holds the demo customer's data
and misses a critical fix past its 7 days, which the customer sees in its portal. What the demo writes
goes through ``packages_import`` (a snapshot of the hosts that changed, at the day they changed) and
``advisories_import`` (a tracker document, then OSV records giving each fix's publication date), like a
provider's own imports would.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.models import Organisation
from art28.inventory.models import Asset
from art28.patching.advisories import advisories_import
from art28.patching.packages import packages_import
from art28.patching.selectors import hosts_holding

RELEASE = "bookworm"
# source package → (its binaries, the version every host starts the year with)
PACKAGES: dict[str, tuple[tuple[str, ...], str]] = {
    "openssl": (("openssl", "libssl3"), "3.0.13-1~deb12u1"),
    "openssh": (("openssh-client", "openssh-server", "openssh-sftp-server"), "1:9.2p1-2+deb12u2"),
    "glibc": (("libc6", "libc-bin"), "2.36-9+deb12u4"),
    "curl": (("curl", "libcurl4"), "7.88.1-10+deb12u5"),
    "sudo": (("sudo",), "1.9.13p3-1+deb12u1"),
    "libxml2": (("libxml2",), "2.9.14+dfsg-1.3~deb12u1"),
    "nginx": (("nginx", "nginx-common"), "1.22.1-9"),
    "bind9": (("bind9-libs", "bind9-dnsutils"), "1:9.18.24-1"),
    "xz-utils": (("xz-utils", "liblzma5"), "5.4.1-0.2"),
    "systemd": (("systemd", "libsystemd0", "libudev1"), "252.22-1~deb12u1"),
    "zlib": (("zlib1g",), "1:1.2.13.dfsg-1"),
    "bash": (("bash",), "5.2.15-2+b2"),
}


@dataclass(frozen=True)
class DemoAdvisory:
    cve: str
    package: str
    fixed: str  # "" while open (no fix yet); "0": never affected this release
    urgency: str
    days_ago: int  # when the fix (or the advisory) was published
    cvss: str  # a CVSS v3.1 vector, or ""
    summary: str


ADVISORIES = [
    DemoAdvisory(
        "CVE-2026-99101", "openssh", "1:9.2p1-2+deb12u3", "high", 330, "", "race in the SSH server's signal handler"
    ),
    DemoAdvisory("CVE-2026-99102", "glibc", "2.36-9+deb12u7", "medium", 290, "", "buffer overflow in iconv"),
    DemoAdvisory(
        "CVE-2026-99103", "openssl", "3.0.14-1~deb12u1", "medium", 250, "", "excessive time checking DSA keys"
    ),
    DemoAdvisory("CVE-2026-99104", "curl", "7.88.1-10+deb12u7", "low", 220, "", "cookie leak across redirects"),
    DemoAdvisory(
        "CVE-2026-99105",
        "sudo",
        "1.9.13p3-1+deb12u2",
        "high",
        180,
        "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
        "privilege escalation through the host option",
    ),
    DemoAdvisory(
        "CVE-2026-99106", "libxml2", "2.9.14+dfsg-1.3~deb12u2", "medium", 140, "", "use after free in the reader"
    ),
    DemoAdvisory("CVE-2026-99107", "nginx", "1.22.1-9+deb12u1", "high", 110, "", "memory disclosure in the MP4 module"),
    DemoAdvisory("CVE-2026-99108", "systemd", "252.33-1~deb12u1", "low", 80, "", "denial of service in the resolver"),
    DemoAdvisory(
        "CVE-2026-99109", "openssh", "1:9.2p1-2+deb12u5", "high", 60, "", "agent forwarding allows remote code"
    ),
    DemoAdvisory("CVE-2026-99110", "curl", "7.88.1-10+deb12u12", "medium", 35, "", "heap overflow in SOCKS5 handshake"),
    DemoAdvisory(
        "CVE-2026-99111",
        "openssl",
        "3.0.17-1~deb12u2",
        "high",
        16,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "remote code execution in the TLS handshake",
    ),
    DemoAdvisory("CVE-2026-99112", "bind9", "", "medium", 9, "", "resolver cache poisoning (no fix yet)"),
    DemoAdvisory(
        "CVE-2026-99113", "xz-utils", "0", "high", 200, "", "backdoored release tarballs (bookworm never had them)"
    ),
]
# Days from a fix's publication to its installation, per Debian urgency: most hosts well inside the
# service levels, a tail beyond them.
DELAYS: dict[str, tuple[float, float, float]] = {
    "high": (1, 12, 40),
    "medium": (5, 30, 120),
    "low": (10, 70, 220),
    "critical": (0.2, 2, 13),  # within the week, but for stragglers
}
LAGGARD_SHARE = 0.03  # hosts that have not installed the latest fixes yet


def _published(days_ago: int, now: dt.datetime) -> dt.datetime:
    return (now - dt.timedelta(days=days_ago)).replace(hour=9, minute=0, second=0, microsecond=0)


def _listing(versions: dict[str, str]) -> str:
    return "".join(
        f"ii \t{binary}\t{version}\t{'' if binary == source else source}\t\n"
        for source, version in sorted(versions.items())
        for binary in PACKAGES[source][0]
    )


def _plan(hosts: list[str], laggards: set[str], now: dt.datetime) -> dict[dt.datetime, dict[str, dict[str, str]]]:
    """moment → host → its whole package state then: the day each host installed each fix."""
    rng = random.Random(28)  # noqa: S311 - a demo's reproducible spread, not a secret
    changes: dict[str, list[tuple[dt.datetime, str, str]]] = defaultdict(list)
    for advisory in ADVISORIES:
        if advisory.fixed in ("", "0"):
            continue
        published = _published(advisory.days_ago, now)
        critical = advisory.cvss.startswith("CVSS:3.1/AV:N")  # the demo's 9.8
        fastest, typical, slowest = DELAYS["critical" if critical else advisory.urgency]
        for host in hosts:
            if host in laggards and advisory.days_ago < 70:
                continue
            delay = rng.triangular(fastest, slowest, typical)
            moment = (published + dt.timedelta(days=delay)).replace(minute=0, second=0, microsecond=0)
            if moment < now - dt.timedelta(hours=1):
                changes[host].append((moment, advisory.package, advisory.fixed))
    states = {host: {source: start for source, (_b, start) in PACKAGES.items()} for host in hosts}
    plan: dict[dt.datetime, dict[str, dict[str, str]]] = defaultdict(dict)
    for host in hosts:
        for moment, package, version in sorted(changes[host]):
            states[host][package] = version
            plan[moment][host] = dict(states[host])
    return plan


def load_demo_patching(actor: SystemActor) -> str:
    now = timezone.now()
    hosts = list(Asset.objects.filter(kind="host", ended_at__isnull=True).order_by("ref").values_list("ref", flat=True))
    if not hosts:
        return "security updates: no host in the inventory"
    rng = random.Random(13)  # noqa: S311 - a demo's reproducible choice, not a secret
    laggards = set(rng.sample(hosts, max(1, round(len(hosts) * LAGGARD_SHARE))))
    demo_customer = Organisation.objects.filter(users__email="customer@example.org").first()
    if demo_customer is not None:
        holding = Asset.objects.filter(pk__in=hosts_holding(demo_customer), kind="host").order_by("ref")
        laggards |= set(holding.values_list("ref", flat=True)[:1])
    start = now - dt.timedelta(days=365)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        first = root / "first"
        first.mkdir()
        initial = {source: version for source, (_b, version) in PACKAGES.items()}
        for host in hosts:
            (first / f"{host}.txt").write_text(_listing(initial), "utf-8")
        packages_import(first, actor=actor, release=RELEASE, taken_at=start)
        for number, (moment, states) in enumerate(sorted(_plan(hosts, laggards, now).items())):
            day = root / f"day-{number:04d}"
            day.mkdir()
            for host, versions in states.items():
                (day / f"{host}.txt").write_text(_listing(versions), "utf-8")
            packages_import(day, actor=actor, release=RELEASE, taken_at=moment)
        tracker: dict[str, dict[str, object]] = defaultdict(dict)
        osv = []
        for advisory in ADVISORIES:
            state: dict[str, str] = {"status": "open", "urgency": advisory.urgency}
            if advisory.fixed:
                state = {"status": "resolved", "fixed_version": advisory.fixed, "urgency": advisory.urgency}
            description = f"Demo advisory (fictional): {advisory.summary}."
            tracker[advisory.package][advisory.cve] = {"description": description, "releases": {RELEASE: state}}
            record: dict[str, object] = {
                "id": advisory.cve,
                "published": _published(advisory.days_ago, now).isoformat(),
                "summary": description,
            }
            if advisory.cvss:
                record["severity"] = [{"type": "CVSS_V3", "score": advisory.cvss}]
            if advisory.fixed not in ("", "0"):
                events = [{"introduced": "0"}, {"fixed": advisory.fixed}]
                record["affected"] = [{"package": {"ecosystem": "Debian:12", "name": advisory.package},
                                       "ranges": [{"type": "ECOSYSTEM", "events": events}]}]  # fmt: skip
            osv.append(record)
        (root / "tracker.json").write_text(json.dumps(tracker), "utf-8")
        (root / "osv.json").write_text(json.dumps(osv), "utf-8")
        advisories_import(root / "tracker.json", format="debian-tracker", actor=actor)
        advisories_import(root / "osv.json", format="osv", actor=actor)
    return f"security updates: {len(hosts)} hosts, {len(ADVISORIES)} demo advisories, {len(laggards)} lagging hosts"
