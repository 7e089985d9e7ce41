"""The staff pages of security updates (S7): the fleet's exposures with their filters, a host, a CVE
with the customers whose data sits on an exposed host."""

from __future__ import annotations

import pytest

from art28.core.audit import SystemActor
from art28.core.models import Organisation
from art28.core.roles import Role
from art28.inventory.models import Asset, Placement
from art28.patching.advisories import advisories_import
from art28.patching.packages import packages_import
from tests.conftest import logged_in
from tests.patching.fleet import RELEASE, import_hosts, write_json

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")
CVE = "CVE-2026-4000"


@pytest.fixture
def exposed(tmp_path, org_a, org_b):
    """vm-a (GVA1) has foo 1.0-1 (exposed) and holds ACME's data on a volume below it; vm-b (ZRH1) is fixed
    and holds BETA's."""
    import_hosts(tmp_path / "gva", ["vm-a"], site="GVA1")
    import_hosts(tmp_path / "zrh", ["vm-b"], site="ZRH1")
    volume = Asset.objects.create(ref="vol-a", kind="volume", parent=Asset.objects.get(ref="vm-a"))
    Placement.objects.create(customer=org_a, asset=volume, data_categories="orders")
    Placement.objects.create(customer=org_b, asset=Asset.objects.get(ref="vm-b"), data_categories="payroll")
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "vm-a.txt").write_text("ii \tfoo\t1.0-1\t\t\n")
    (lists / "vm-b.txt").write_text("ii \tfoo\t1.0-2\t\t\n")
    packages_import(lists, actor=ACTOR, release=RELEASE)
    tracker = {"foo": {CVE: {"description": "Heap overflow in foo", "releases": {
        RELEASE: {"status": "resolved", "fixed_version": "1.0-2", "urgency": "high"}}}}}  # fmt: skip
    advisories_import(write_json(tmp_path / "t.json", tracker), format="debian-tracker", actor=ACTOR)


def test_the_fleet_page_lists_the_exposed_host_and_counts_by_severity(staff_client, exposed):
    response = staff_client.get("/staff/patching/")
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert [(e.host, e.cve, e.fixed) for e in rows] == [("vm-a", CVE, "1.0-2")]
    assert response.context["fleet"].by_severity["high"] == {"exposures": 1, "hosts": 1, "overdue": 0}
    html = response.content.decode()
    assert 'href="/staff/patching/hosts/vm-a/"' in html and f'href="/staff/patching/cves/{CVE}/"' in html


@pytest.mark.parametrize(
    ("params", "hosts"),
    [
        ({"site": "GVA1"}, ["vm-a"]),
        ({"site": "ZRH1"}, []),
        ({"customer": "ACME"}, ["vm-a"]),  # ACME's data is on a volume below vm-a
        ({"customer": "BETA"}, []),  # BETA's host is fixed
        ({"severity": "critical"}, []),
        ({"severity": "high", "q": "cve-2026-40"}, ["vm-a"]),
        ({"q": "vm-b"}, []),
        ({"service": "Web hosting"}, ["vm-a"]),
    ],
)
def test_the_fleet_filters(staff_client, exposed, params, hosts):
    response = staff_client.get("/staff/patching/", params)
    assert [e.host for e in response.context["page"].object_list] == hosts


def test_the_host_page_shows_its_packages_exposures_and_customers(staff_client, exposed):
    response = staff_client.get("/staff/patching/hosts/vm-a/")
    assert response.status_code == 200
    html = response.content.decode()
    assert CVE in html and "1.0-1" in html and ">ACME<" in html
    assert staff_client.get("/staff/patching/hosts/nope/").status_code == 404


def test_the_cve_page_names_the_customers_whose_data_is_on_an_exposed_host(staff_client, exposed):
    response = staff_client.get(f"/staff/patching/cves/{CVE}/")
    assert response.status_code == 200
    assert [o.ref for o, _hosts in response.context["customers"]] == ["ACME"]
    html = response.content.decode()
    assert "Heap overflow in foo" in html and "first import showing the fix" in html
    assert Organisation.objects.get(ref="BETA").name not in html
    assert staff_client.get("/staff/patching/cves/CVE-1999-0001/").status_code == 404


def test_an_empty_fleet_says_so(staff_client):
    html = staff_client.get("/staff/patching/").content.decode()
    assert "No host is exposed to a known CVE with these filters." in html


def test_from_a_cve_security_staff_declare_an_incident_with_the_exposed_hosts_as_scope(
    exposed, make_user, staff_client
):

    security = logged_in(make_user("sec@provider.example", Role.SECURITY))
    html = security.get(f"/staff/patching/cves/{CVE}/").content.decode()
    link = html.split('href="/staff/breaches/declare/?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    form = security.get(f"/staff/breaches/declare/?{link}").context["form"]
    assert form.initial["assets"] == "vm-a" and CVE in form.initial["title"]
    assert form.initial["description"] == "Heap overflow in foo"
    # Operations read the page but cannot declare: no button for them.
    assert "/staff/breaches/declare/" not in staff_client.get(f"/staff/patching/cves/{CVE}/").content.decode()
