"""Exposure, correct to dpkg (S7): generated fleets give exactly dpkg's answer, and the Debian errors
scanners are known for (epochs ignored: trivy#1886; the binary's version compared where the source's
counts: sec-cvescan#35; +deb12uN; ~ pre-releases; fixed_version 0; another release) do not happen here."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from art28.core.audit import SystemActor
from art28.patching.advisories import advisories_import
from art28.patching.exposure import iter_exposures
from art28.patching.models import InstalledPeriod, PackageSnapshot, Upgrade
from art28.patching.packages import packages_import
from tests.patching.dpkg_oracle import apt_version_compare as dpkg_compare
from tests.patching.fleet import RELEASE, import_hosts, tracker_document, with_cves, write_fleet, write_json

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")


def exposures(**kwargs) -> set[tuple[str, str, str]]:
    return {(e.host, e.package, e.cve) for e in iter_exposures(**kwargs)}


def test_a_generated_fleet_is_exposed_exactly_where_dpkg_says(tmp_path):
    logs = with_cves()[:60]
    assert len(logs) >= 20, "too few changelogs naming CVEs on this machine"
    fleet = write_fleet(tmp_path / "lists", logs, hosts=25)
    import_hosts(tmp_path, fleet.hosts)
    packages_import(fleet.folder, actor=ACTOR, release=RELEASE)
    advisories_import(
        write_json(tmp_path / "tracker.json", tracker_document(logs)), format="debian-tracker", actor=ACTOR
    )

    candidates = [
        (host, log.package, cve, fleet.installed[host][log.package], fixed)
        for host in fleet.hosts
        for log in logs
        for cve, fixed in log.fixes.items()
    ]
    order = dpkg_compare([(installed, fixed) for *_ids, installed, fixed in candidates])
    expected = {
        (host, package, cve) for (host, package, cve, _i, _f), sign in zip(candidates, order, strict=True) if sign < 0
    }
    found = exposures()
    assert found == expected
    assert 0 < len(found) < len(candidates), "the fleet should be partly exposed, partly fixed"


def one_host(
    tmp_path: Path, lines: str, *, host: str = "vm-0001", release: str = RELEASE, taken_at: dt.datetime | None = None
) -> None:
    import_hosts(tmp_path, [host])
    folder = tmp_path / "lists"
    folder.mkdir(exist_ok=True)
    (folder / f"{host}.txt").write_text(lines, "utf-8")
    packages_import(folder, actor=ACTOR, release=release, taken_at=taken_at)


def tracker(tmp_path: Path, package: str, cve: str, releases: dict) -> None:
    document = {package: {cve: {"description": "", "scope": "local", "releases": releases}}}
    advisories_import(write_json(tmp_path / f"{cve}.json", document), format="debian-tracker", actor=ACTOR)


def resolved(fixed: str, urgency: str = "high") -> dict:
    return {"status": "resolved", "fixed_version": fixed, "urgency": urgency}


@pytest.mark.parametrize(
    ("installed", "fixed", "exposed"),
    [
        pytest.param("1:1.0-1", "2.0-1", False, id="epoch-counts-trivy-1886"),
        pytest.param("1.0-1", "1:0.9-1", True, id="epoch-of-the-fix-counts"),
        pytest.param("3.0.15-1~deb12u1", "3.0.15-1~deb12u2", True, id="deb12u1-before-deb12u2"),
        pytest.param("3.0.15-1~deb12u10", "3.0.15-1~deb12u9", False, id="deb12u10-after-deb12u9"),
        pytest.param("2.4.1~rc1-1", "2.4.1-1", True, id="tilde-pre-release-before-release"),
        pytest.param("2.4.1-1", "2.4.1-1", False, id="exactly-the-fixed-version"),
        pytest.param("2.4.1-1+b1", "2.4.1-1", False, id="binnmu-of-the-fix"),
    ],
)
def test_the_source_version_is_compared_in_dpkg_order(tmp_path, installed, fixed, exposed):
    assert (dpkg_compare([(installed, fixed)])[0] < 0) == exposed  # the expectation is dpkg's
    one_host(tmp_path, f"ii \tlibfoo1\t{installed}\tfoo\t{installed}\n")
    tracker(tmp_path, "foo", "CVE-2025-0001", {RELEASE: resolved(fixed)})
    assert exposures() == ({("vm-0001", "foo", "CVE-2025-0001")} if exposed else set())


def test_the_source_version_counts_not_the_binarys_sec_cvescan_35(tmp_path):
    """libssl3 is built from openssl: the source's version decides, whatever the binary is called or
    versioned (a binNMU's binary 3.0.15-1+b2 is source 3.0.15-1, still below the fix 3.0.16-1)."""
    one_host(tmp_path, "ii \tlibssl3\t3.0.15-1+b2\topenssl\t3.0.15-1\nii \topenssl\t3.0.16-1\t\t\n")
    tracker(tmp_path, "openssl", "CVE-2025-0002", {RELEASE: resolved("3.0.16-1")})
    # Of two binaries of one source at different versions, the lowest counts: still exposed.
    assert exposures() == {("vm-0001", "openssl", "CVE-2025-0002")}
    (exposure,) = iter_exposures()
    assert exposure.installed == "3.0.15-1"


def test_fixed_version_0_means_never_affected(tmp_path):
    one_host(tmp_path, "ii \tfoo\t1.0-1\t\t\n")
    tracker(tmp_path, "foo", "CVE-2025-0003", {RELEASE: resolved("0")})
    assert exposures() == set()


def test_an_advisory_of_another_release_does_not_expose_this_one(tmp_path):
    one_host(tmp_path, "ii \tfoo\t1.0-1\t\t\n")
    tracker(tmp_path, "foo", "CVE-2025-0004", {"bullseye": resolved("1.0-2"), "trixie": {"status": "open"}})
    assert exposures() == set()


def test_an_open_advisory_exposes_without_a_fix_or_a_due_date(tmp_path):
    one_host(tmp_path, "ii \tfoo\t1.0-1\t\t\n")
    tracker(tmp_path, "foo", "CVE-2025-0005", {RELEASE: {"status": "open", "urgency": "high"}})
    (exposure,) = iter_exposures()
    assert (exposure.fixed, exposure.due, exposure.unsupported) == (None, None, False)


def test_an_end_of_life_package_is_unsupported_and_reported_apart(tmp_path):
    one_host(tmp_path, "ii \tfoo\t1.0-1\t\t\n")
    tracker(tmp_path, "foo", "CVE-2025-0006", {RELEASE: {"status": "open", "urgency": "end-of-life"}})
    (exposure,) = iter_exposures()
    assert exposure.unsupported and exposure.due is None


def test_undetermined_exposes_nobody(tmp_path):
    one_host(tmp_path, "ii \tfoo\t1.0-1\t\t\n")
    tracker(tmp_path, "foo", "CVE-2025-0007", {RELEASE: {"status": "undetermined", "urgency": "medium"}})
    assert exposures() == set()


def test_removed_packages_rc_do_not_count(tmp_path):
    one_host(tmp_path, "rc \tfoo\t1.0-1\t\t\nii \tbar\t1.0-1\t\t\n")
    tracker(tmp_path, "foo", "CVE-2025-0008", {RELEASE: resolved("1.0-2")})
    assert exposures() == set()


def test_an_upgrade_closes_the_exposure_and_is_an_event(tmp_path):
    one_host(tmp_path, "ii \tfoo\t1.0-1\t\t\n")
    tracker(tmp_path, "foo", "CVE-2025-0009", {RELEASE: resolved("1.0-2")})
    assert exposures() == {("vm-0001", "foo", "CVE-2025-0009")}
    (tmp_path / "lists" / "vm-0001.txt").write_text("ii \tfoo\t1.0-2\t\t\n", "utf-8")
    packages_import(tmp_path / "lists", actor=ACTOR, release=RELEASE)
    assert exposures() == set()
    (upgrade,) = Upgrade.objects.all()
    assert (upgrade.package, upgrade.from_version.version, upgrade.to_version.version) == ("foo", "1.0-1", "1.0-2")


def test_an_unchanged_list_adds_no_rows_but_its_snapshot(tmp_path):
    one_host(tmp_path, "ii \tfoo\t1.0-1\t\t\nii \tbar\t2.0-1\t\t\n")
    periods = InstalledPeriod.objects.count()
    packages_import(tmp_path / "lists", actor=ACTOR, release=RELEASE)
    assert InstalledPeriod.objects.count() == periods == 2
    assert PackageSnapshot.objects.count() == 2


def test_the_json_output_has_the_documented_keys_and_an_overdue_fix_exits_1(tmp_path):
    one_host(tmp_path, "ii \tfoo\t1.0-1\t\t\n", taken_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC))
    tracker(tmp_path, "foo", "CVE-2025-0010", {RELEASE: resolved("1.0-2")})
    out = io.StringIO()
    call_command("patch_exposure", "--json", stdout=out)  # fixed today: due in 30 days, exit 0
    (row,) = json.loads(out.getvalue())
    assert set(row) >= {
        "host", "package", "installed", "fixed", "cve", "severity", "known_exploited",
        "fix_published", "exposed_since", "due",
    }  # fmt: skip
    assert (row["host"], row["package"], row["fixed"], row["severity"]) == ("vm-0001", "foo", "1.0-2", "high")

    # A DSA published long ago starts the clock then (OSV); the host has had foo since 2021, so the clock
    # started on 1 January 2021 (the later of the two) and the high-severity fix was due 30 days later.
    osv = {
        "id": "DSA-5999-1",
        "aliases": ["CVE-2025-0010"],
        "published": "2020-01-02T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": "Debian:12", "name": "foo"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0-2"}]}],
            }
        ],
    }
    advisories_import(write_json(tmp_path / "osv.json", osv), format="osv", actor=ACTOR)
    (exposure,) = iter_exposures()
    assert exposure.fix_published == dt.datetime(2020, 1, 2, tzinfo=dt.UTC)
    assert exposure.due == dt.datetime(2021, 1, 31, tzinfo=dt.UTC)
    with pytest.raises(SystemExit) as exit_status:
        call_command("patch_exposure", stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_status.value.code == 1
