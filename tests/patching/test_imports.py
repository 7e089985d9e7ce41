"""Package lists, dpkg.log and advisories in, as an operator runs them (S7; docs/patching.md): each format
read right, bad input named by file and line with nothing changed, and what a re-import keeps."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from art28.core.audit import SystemActor
from art28.core.models import AuditEntry
from art28.inventory.importers import import_inventory
from art28.patching.advisories import advisories_import, severity_of
from art28.patching.exposure import iter_exposures
from art28.patching.models import Advisory, InstalledPeriod, PackageSnapshot, Upgrade, Vulnerability
from art28.patching.packages import packages_import
from art28.patching.readers import PackagesRefused
from tests.patching.fleet import RELEASE, import_hosts, write_json

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")


@pytest.fixture
def hosts(tmp_path):
    import_hosts(tmp_path, ["vm-0001", "vm-0002"])
    return tmp_path


def state() -> tuple[int, ...]:
    return (
        InstalledPeriod.objects.count(),
        PackageSnapshot.objects.count(),
        Upgrade.objects.count(),
        Advisory.objects.count(),
        Vulnerability.objects.count(),
        AuditEntry.objects.count(),
    )


def installed(host: str = "vm-0001") -> dict[str, str]:
    return dict(
        InstalledPeriod.objects.filter(host__ref=host, until__isnull=True).values_list(
            "version__package", "version__version"
        )
    )


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_a_dpkg_query_list_without_status_lists_installed_packages(hosts):
    path = hosts / "vm-0001.txt"
    path.write_text("libssl3\t3.0.15-1~deb12u1\topenssl\t3.0.15-1~deb12u1\nbash\t5.2.15-2+b7\tbash\t5.2.15-2\n")
    packages_import(path, actor=ACTOR, release=RELEASE)
    assert installed() == {"openssl": "3.0.15-1~deb12u1", "bash": "5.2.15-2"}


def test_cyclonedx_purls_give_binary_and_source(hosts):
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"timestamp": "2026-11-30T02:00:00Z"},
        "components": [
            {
                "type": "library",
                "name": "libssl3",
                "purl": "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&upstream=openssl%403.0.15-1~deb12u1",
            },
            {"type": "library", "name": "curl", "purl": "pkg:deb/debian/curl@7.88.1-10+deb12u8?arch=amd64"},
            {"type": "library", "name": "requests", "purl": "pkg:pypi/requests@2.32.3"},
        ],
    }
    packages_import(write_json(hosts / "vm-0001.cdx.json", document), actor=ACTOR, release=RELEASE, format="cyclonedx")
    assert installed() == {"openssl": "3.0.15-1~deb12u1", "curl": "7.88.1-10+deb12u8"}
    assert PackageSnapshot.objects.get().taken_at == dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC)


def test_a_trivy_report_joins_epoch_version_and_release(hosts):
    report = {
        "CreatedAt": "2026-11-30T03:00:00+00:00",
        "Results": [
            {
                "Target": "vm-0001 (debian 12.8)",
                "Packages": [
                    {
                        "Name": "libpam-modules",
                        "Version": "1.5.2",
                        "Release": "6+deb12u1",
                        "SrcName": "pam",
                        "SrcVersion": "1.5.2",
                        "SrcRelease": "6+deb12u1",
                    },
                    {"Name": "zlib1g", "Epoch": 1, "Version": "1.2.13.dfsg", "Release": "1", "SrcName": "zlib",
                     "SrcEpoch": 1, "SrcVersion": "1.2.13.dfsg", "SrcRelease": "1"},
                ],
            }
        ],
    }  # fmt: skip
    packages_import(write_json(hosts / "vm-0001.json", report), actor=ACTOR, release=RELEASE, format="trivy")
    assert installed() == {"pam": "1.5.2-6+deb12u1", "zlib": "1:1.2.13.dfsg-1"}


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("vm-0001.txt", "ii \tfoo\t1.0-1\t\t\nii \tfoo bar\t1.0\t\t\n", "vm-0001.txt:2: package 'foo bar'"),
        ("vm-0001.txt", "ii \tfoo\t1:\t\t\n", "vm-0001.txt:1: version:"),
        ("vm-0001.txt", "foo\t1.0\n", "vm-0001.txt:1: 2 tab-separated fields"),
        ("vm-0001.txt", "zz \tfoo\t1.0\t\t\n", "vm-0001.txt:1: status 'zz'"),
        ("gva1-vol-7.txt", "ii \tfoo\t1.0\t\t\n", "gva1-vol-7.txt:0: no current asset 'gva1-vol-7'"),
        ("vm-0001.txt", "", "vm-0001.txt:0: no installed package listed"),
    ],
)
def test_a_bad_list_names_file_and_line_and_changes_nothing(hosts, name, content, problem):
    folder = hosts / "lists"
    folder.mkdir()
    (folder / "vm-0002.txt").write_text("ii \tbar\t1.0-1\t\t\n")  # a good file beside it is not imported either
    (folder / name).write_text(content)
    before = state()
    status, _out, err = cli("packages_import", str(folder), "--release", RELEASE)
    assert status == 1 and problem in err, err
    assert state() == before


def installed_period_indexes() -> set[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "patching_installedperiod")
    return {tuple(c["columns"]) for c in constraints.values() if c["index"] and not c["primary_key"]}


def test_a_fleets_first_import_keeps_the_installed_periods_indexes(hosts, django_assert_max_num_queries):
    """On SQLite a first import larger than the table builds the indexes once at the end (packages.py,
    DeferredIndexes): they are all there after it, and the import reads no current period."""
    indexes = installed_period_indexes()
    assert ("version_id",) in indexes
    folder = hosts / "lists"
    folder.mkdir()
    (folder / "vm-0001.txt").write_text("ii \tfoo\t1.0-1\t\t\nii \tlibfoo1\t1.0-1\tfoo\t1.0-1\n")
    (folder / "vm-0002.txt").write_text("ii \tbar\t2.0-1\t\t\n")
    with django_assert_max_num_queries(30) as queries:
        report = packages_import(folder, actor=ACTOR, release=RELEASE)
    assert (report.hosts, report.opened, report.unchanged) == (2, 2, 0)
    dropped = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DROP INDEX")]
    assert len(dropped) == (2 if connection.vendor == "sqlite" else 0)
    assert installed_period_indexes() == indexes
    assert installed() == {"foo": "1.0-1"} and installed("vm-0002") == {"bar": "2.0-1"}


def test_a_first_import_refused_in_a_later_batch_leaves_table_and_indexes_as_they_were(hosts, monkeypatch):
    """The first batch was written (and SQLite's indexes dropped) before the problem: all rolled back."""
    monkeypatch.setattr("art28.patching.packages.HOST_BATCH", 1)
    indexes = installed_period_indexes()
    folder = hosts / "lists"
    folder.mkdir()
    (folder / "vm-0001.txt").write_text("ii \tfoo\t1.0-1\t\t\n")
    (folder / "vm-0002.txt").write_text("ii \tbar\t1:\t\t\n")
    before = state()
    with pytest.raises(PackagesRefused, match=r"vm-0002\.txt:1: version:"):
        packages_import(folder, actor=ACTOR, release=RELEASE)
    assert state() == before
    assert installed_period_indexes() == indexes


def test_a_new_host_beside_known_ones_opens_everything_and_the_known_one_upgrades(hosts):
    folder = hosts / "lists"
    folder.mkdir()
    (folder / "vm-0001.txt").write_text("ii \tfoo\t1.0-1\t\t\nii \tgone\t1.0\t\t\n")
    packages_import(folder, actor=ACTOR, release=RELEASE, taken_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    (folder / "vm-0001.txt").write_text("ii \tfoo\t1.0-2\t\t\nii \tnew\t3.0\t\t\n")
    (folder / "vm-0002.txt").write_text("ii \tfoo\t1.0-1\t\t\n")
    report = packages_import(folder, actor=ACTOR, release=RELEASE, taken_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    assert (report.opened, report.closed, report.upgrades) == (3, 2, 1)
    assert installed() == {"foo": "1.0-2", "new": "3.0"} and installed("vm-0002") == {"foo": "1.0-1"}
    upgrade = Upgrade.objects.get()
    assert (upgrade.package, upgrade.to_version.version) == ("foo", "1.0-2")
    assert upgrade.package_since == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_a_bad_release_is_a_usage_error(hosts):
    (hosts / "vm-0001.txt").write_text("ii \tfoo\t1.0\t\t\n")
    status, _out, err = cli("packages_import", str(hosts / "vm-0001.txt"), "--release", "Bookworm 12")
    assert status == 2 and "not a Debian codename" in err


def test_dpkg_log_upgrades_get_their_real_time_in_the_hosts_time_zone(hosts):
    lists = hosts / "lists"
    lists.mkdir()
    (lists / "vm-0001.txt").write_text("ii \tlibssl3\t3.0.15-1~deb12u1\topenssl\t3.0.15-1~deb12u1\n")
    packages_import(lists, actor=ACTOR, release=RELEASE, taken_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    log = hosts / "dpkg.log"
    log.write_text(
        "2025-06-24 14:36:20 startup packages configure\n"
        "2025-06-24 14:36:25 upgrade libssl3:amd64 3.0.15-1~deb12u1 3.0.16-1~deb12u1\n"
        "2025-06-24 14:36:26 status half-configured libssl3:amd64 3.0.16-1~deb12u1\n"
    )
    status, out, err = cli("packages_import", "--dpkg-log", str(log), "--host", "vm-0001")
    assert status == 0, err
    assert "1 upgrade line(s): 1 upgrade(s) recorded" in out
    (upgrade,) = Upgrade.objects.all()
    assert upgrade.package == "openssl" and upgrade.source == "dpkg-log"
    # The site is in Switzerland: 14:36:25 in Zurich in summer is 12:36:25 UTC.
    assert upgrade.at == dt.datetime(2025, 6, 24, 12, 36, 25, tzinfo=dt.UTC)

    # The next snapshot sees the same upgrade: the log's precise time stays.
    (lists / "vm-0001.txt").write_text("ii \tlibssl3\t3.0.16-1~deb12u1\topenssl\t3.0.16-1~deb12u1\n")
    packages_import(lists, actor=ACTOR, release=RELEASE, taken_at=dt.datetime(2025, 6, 30, tzinfo=dt.UTC))
    (upgrade,) = Upgrade.objects.all()
    assert upgrade.at == dt.datetime(2025, 6, 24, 12, 36, 25, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("country", "time_zone", "utc"),
    [
        ("US", "", dt.datetime(2025, 6, 24, 18, 36, 25, tzinfo=dt.UTC)),  # its country's main zone: New York
        ("US", "America/Chicago", dt.datetime(2025, 6, 24, 19, 36, 25, tzinfo=dt.UTC)),  # the site's own
        ("", "", dt.datetime(2025, 6, 24, 12, 36, 25, tzinfo=dt.UTC)),  # no country: ART28_TIME_ZONE (Zurich)
    ],
)
def test_dpkg_log_times_are_in_the_time_zone_of_the_hosts_site(tmp_path, settings, country, time_zone, utc):
    """inventory.timezones.site_zone: the site's time_zone, else its country's main zone, else the provider's."""
    settings.TIME_ZONE = "Europe/Zurich"
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    (inventory / "sites.csv").write_text(
        f"code,name,city,country,operator,time_zone\nSITE1,Site,,{country},,{time_zone}\n", "utf-8"
    )
    (inventory / "assets.csv").write_text("ref,kind,site,parent,service\nvm-0001,vm,SITE1,,\n", "utf-8")
    import_inventory(inventory, actor=ACTOR)
    log = tmp_path / "dpkg.log"
    log.write_text("2025-06-24 14:36:25 upgrade libssl3:amd64 3.0.15-1~deb12u1 3.0.16-1~deb12u1\n")

    status, _out, err = cli("packages_import", "--dpkg-log", str(log), "--host", "vm-0001")

    assert status == 0, err
    assert Upgrade.objects.get().at == utc


def test_a_bad_dpkg_log_line_is_named_and_nothing_is_recorded(hosts):
    log = hosts / "dpkg.log"
    log.write_text("2025-06-24 14:36:25 upgrade libssl3:amd64 3.0.15-1\n")
    before = state()
    status, _out, err = cli("packages_import", "--dpkg-log", str(log), "--host", "vm-0001")
    assert status == 1 and "dpkg.log:1: an upgrade line names a package and its old and new versions" in err
    assert state() == before


def tracker(path: Path, fixed: str = "1.0-2", urgency: str = "low", status: str = "resolved") -> Path:
    return write_json(
        path,
        {"foo": {"CVE-2025-1000": {"description": "a flaw", "releases": {RELEASE: {
            "status": status, "fixed_version": fixed, "urgency": urgency}}}}},
    )  # fmt: skip


def test_a_re_import_updates_and_keeps_when_the_fix_was_first_seen(hosts):
    advisories_import(tracker(hosts / "t1.json", status="open", fixed=""), format="debian-tracker", actor=ACTOR)
    advisory = Advisory.objects.get()
    assert advisory.status == "open" and advisory.fix_published is None
    first_seen = advisory.first_seen

    advisories_import(tracker(hosts / "t2.json"), format="debian-tracker", actor=ACTOR)
    advisory.refresh_from_db()
    assert advisory.status == "resolved" and advisory.first_seen == first_seen
    fixed_at = advisory.fix_published
    assert fixed_at is not None and advisory.fix_published_source == "first-import"

    advisories_import(tracker(hosts / "t3.json"), format="debian-tracker", actor=ACTOR)
    advisory.refresh_from_db()
    assert advisory.fix_published == fixed_at  # the same fix again: its clock does not restart


def test_kev_makes_a_low_cve_critical_and_epss_never_sets_severity(hosts):
    advisories_import(tracker(hosts / "t.json"), format="debian-tracker", actor=ACTOR)
    assert Advisory.objects.get().severity == "low"
    epss = hosts / "epss.csv"
    epss.write_text("#model_version:v2025.03.14,score_date:2026-12-01T00:00:00+0000\ncve,epss,percentile\n"
                    "CVE-2025-1000,0.97,0.999\nCVE-2020-0001,0.1,0.5\n")  # fmt: skip
    advisories_import(epss, format="epss", actor=ACTOR)
    assert Advisory.objects.get().severity == "low"
    assert Vulnerability.objects.get(cve="CVE-2025-1000").epss == pytest.approx(0.97)
    kev = {"vulnerabilities": [{"cveID": "CVE-2025-1000", "dateAdded": "2026-11-20"}]}
    advisories_import(write_json(hosts / "kev.json", kev), format="kev", actor=ACTOR)
    assert Advisory.objects.get().severity == "critical"


@pytest.mark.parametrize(
    ("cvss", "kev", "urgency", "expected"),
    [
        (None, False, "high**", "high"),
        (None, False, "medium", "medium"),
        (None, False, "not yet assigned", "medium"),
        (None, False, "low", "low"),
        (None, False, "unimportant", "unimportant"),
        (9.0, False, "low", "critical"),
        (8.9, False, "low", "high"),
        (7.0, False, "unimportant", "high"),
        (6.9, False, "high", "medium"),
        (4.0, False, "high", "medium"),
        (3.9, False, "high", "low"),
        (3.9, True, "low", "critical"),
        (None, True, "unimportant", "critical"),
    ],
)
def test_severity_follows_the_documented_order_and_bands(cvss, kev, urgency, expected):
    """docs/patching.md: KEV, then the CVSS v3.1 §5 bands (edges included), then Debian's urgency."""
    assert severity_of(cvss=cvss, known_exploited=kev, urgency=urgency) == expected


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"foo": {"CVE-2025-1": {"releases": {RELEASE: {"status": "resolved", "fixed_version": "1.0"}}}}}, None),
        ({"foo": {"CVE-2025-1000": {"releases": {RELEASE: {"status": "resolved"}}}}}, "resolved without"),
        ({"foo": {"CVE-2025-1000": {"releases": {RELEASE: {"status": "fixed"}}}}}, "status 'fixed'"),
        ({"foo": {"CVE-2025-1000": {"releases": {RELEASE: {"status": "resolved", "fixed_version": "a:b"}}}}},
         "fixed_version"),
        ({"Foo Bar": {}}, "not a source package"),
    ],
)  # fmt: skip
def test_a_bad_tracker_document_names_the_line_and_changes_nothing(hosts, document, problem):
    path = write_json(hosts / "tracker.json", document)
    before = state()
    status, _out, err = cli("advisories_import", str(path), "--format", "debian-tracker")
    if problem is None:  # CVE-2025-1 is not a CVE id: skipped like the tracker's other ids, not an error
        assert status == 0 and Advisory.objects.count() == 0
        return
    assert status == 1 and "tracker.json:" in err and problem in err, err
    assert state() == before


def test_not_json_is_named_with_its_line(hosts):
    path = hosts / "tracker.json"
    path.write_text('{"foo":\n  {"CVE-2025-1000": }\n}')
    status, _out, err = cli("advisories_import", str(path), "--format", "debian-tracker")
    assert status == 1 and "tracker.json:2: not JSON" in err


def test_the_patch_exposure_table_names_the_host_and_cve(hosts):
    (hosts / "vm-0001.txt").write_text("ii \tfoo\t1.0-1\t\t\n")
    packages_import(hosts / "vm-0001.txt", actor=ACTOR, release=RELEASE)
    advisories_import(tracker(hosts / "t.json"), format="debian-tracker", actor=ACTOR)
    status, out, _err = cli("patch_exposure", "--host", "vm-0001")
    assert status == 0 and "vm-0001" in out and "CVE-2025-1000" in out and "1.0-2" in out
    assert [e.cve for e in iter_exposures(host="vm-0002")] == []
    json_out = io.StringIO()
    call_command("patch_exposure", "--json", "--host", "vm-0002", stdout=json_out)
    assert json.loads(json_out.getvalue()) == []
