"""The security-updates API (S7): staff read the fleet's exposures and patch record; a customer reads the
patch record of the hosts holding its own data and the critical fixes overdue there, never a host name
or another customer's figures."""

from __future__ import annotations

import datetime as dt

import pytest

from art28.core.audit import SystemActor
from art28.inventory.models import Asset, Placement
from art28.patching.advisories import advisories_import
from art28.patching.packages import packages_import
from tests.patching.fleet import RELEASE, import_hosts, write_json

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")
CVE = "CVE-2026-5000"
LONG_AGO = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def fleet(tmp_path, org_a, org_b):
    """vm-a holds ACME's data (a volume below it) and still has foo 1.0-1; vm-b holds BETA's and has the
    fix. The CVE is exploited in the wild (critical) and its DSA was published in 2020: overdue on vm-a."""
    import_hosts(tmp_path, ["vm-a", "vm-b"])
    volume = Asset.objects.create(ref="vol-a", kind="volume", parent=Asset.objects.get(ref="vm-a"))
    Placement.objects.create(customer=org_a, asset=volume)
    Placement.objects.create(customer=org_b, asset=Asset.objects.get(ref="vm-b"))
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "vm-a.txt").write_text("ii \tfoo\t1.0-1\t\t\n")
    (lists / "vm-b.txt").write_text("ii \tfoo\t1.0-1\t\t\n")
    packages_import(lists, actor=ACTOR, release=RELEASE, taken_at=LONG_AGO)
    (lists / "vm-b.txt").write_text("ii \tfoo\t1.0-2\t\t\n")
    packages_import(lists, actor=ACTOR, release=RELEASE)  # vm-b upgraded now; vm-a unchanged
    tracker = {"foo": {CVE: {"releases": {RELEASE: {"status": "resolved", "fixed_version": "1.0-2",
                                                      "urgency": "low"}}}}}  # fmt: skip
    advisories_import(write_json(tmp_path / "t.json", tracker), format="debian-tracker", actor=ACTOR)
    osv = {"id": "DSA-6200-1", "aliases": [CVE], "published": "2020-06-01T00:00:00Z",
           "affected": [{"package": {"ecosystem": "Debian:12", "name": "foo"},
                         "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": "1.0-2"}]}]}]}  # fmt: skip
    advisories_import(write_json(tmp_path / "osv.json", osv), format="osv", actor=ACTOR)
    kev = {"vulnerabilities": [{"cveID": CVE, "dateAdded": "2020-07-01"}]}
    advisories_import(write_json(tmp_path / "kev.json", kev), format="kev", actor=ACTOR)


def test_staff_read_the_fleets_exposures_with_filters(staff_client, fleet):
    rows = staff_client.get("/api/v1/patching/exposures").json()
    assert [(r["host"], r["cve"], r["severity"], r["known_exploited"]) for r in rows] == [
        ("vm-a", CVE, "critical", True)
    ]
    assert staff_client.get("/api/v1/patching/exposures", {"host": "vm-b"}).json() == []
    assert staff_client.get("/api/v1/patching/exposures", {"severity": "urgent"}).status_code == 422
    record = staff_client.get("/api/v1/patching/record").json()
    critical = next(s for s in record["severities"] if s["severity"] == "critical")
    assert critical["remediations"] == 1 and critical["service_level_days"] == 7


def test_a_customer_sees_the_overdue_critical_fix_on_its_host_and_nothing_of_others(client_a, client_b, fleet):
    acme = client_a.get("/api/v1/patching/my/record")
    assert acme.status_code == 200
    body = acme.json()
    assert [(o["cve"], o["package"], o["severity"]) for o in body["overdue_critical"]] == [(CVE, "foo", "critical")]
    assert "vm-a" not in acme.content.decode() and "vm-b" not in acme.content.decode()
    assert all(s["remediations"] == 0 for s in body["severities"])  # vm-b's upgrade is BETA's host's

    beta = client_b.get("/api/v1/patching/my/record").json()
    assert beta["overdue_critical"] == []
    assert next(s for s in beta["severities"] if s["severity"] == "critical")["remediations"] == 1

    for path in ("/api/v1/patching/exposures", "/api/v1/patching/record"):
        assert client_a.get(path).status_code == 403


def test_the_portal_page_shows_the_overdue_critical_fix_and_the_record_of_its_own_hosts(client_a, client_b, fleet):
    acme = client_a.get("/portal/security-updates/")
    assert acme.status_code == 200
    html = acme.content.decode()
    assert CVE in html and "vm-a" not in html
    assert acme.context["any_remediation"] is False  # the only upgrade was on BETA's host

    beta = client_b.get("/portal/security-updates/")
    html = beta.content.decode()
    assert CVE not in html.split("<table")[0]  # nothing overdue for BETA
    critical = next(f for f in beta.context["record"]["severities"] if f.severity == "critical")
    assert critical.count == 1 and critical.within_sla == 0.0
