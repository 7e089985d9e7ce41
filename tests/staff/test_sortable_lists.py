"""Staff lists sort by whitelisted columns, ignore unknown keys and export the filtered rows as CSV."""

from __future__ import annotations

import csv
import io

import pytest

from art28.core.models import Organisation
from art28.inventory.engine import refresh_locations
from art28.inventory.models import Asset, AssetKind, Site

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


def _first_cells(html: str) -> list[str]:
    """The first cell's code of each body row."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [row.split("<code>", 1)[1].split("</code>", 1)[0] for row in body.split("<tr")[1:]]


@pytest.fixture
def orgs(db):
    Organisation.objects.create(ref="ZED", name="Alpha", country="DE", language="de")
    Organisation.objects.create(ref="AAA", name="Charlie", country="CH", language="fr")
    Organisation.objects.create(ref="MMM", name="Bravo", country="FR", language="en")


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha", "Bravo", "Charlie"]),
        ("-name", ["Charlie", "Bravo", "Alpha"]),
        ("ref", ["Charlie", "Bravo", "Alpha"]),
        ("-ref", ["Alpha", "Bravo", "Charlie"]),
        ("country", ["Charlie", "Alpha", "Bravo"]),
        ("-country", ["Bravo", "Alpha", "Charlie"]),
        ("language", ["Alpha", "Bravo", "Charlie"]),
        ("-language", ["Charlie", "Bravo", "Alpha"]),
    ],
)
def test_customers_sort_by_each_column(staff_client, orgs, sort, expected):
    html = staff_client.get(f"/staff/inventory/customers/?sort={sort}").content.decode()
    assert _order(html, ["Alpha", "Bravo", "Charlie"]) == expected
    key = sort.lstrip("-")
    state = "descending" if sort.startswith("-") else "ascending"
    assert f'aria-sort="{state}"><a class="sort" href="?sort={"" if sort.startswith("-") else "-"}{key}"' in html
    assert html.count("aria-sort=") == 1


@pytest.mark.parametrize("bad", ["nope", "-pk", "name;drop", "--name", "users__password"])
def test_unknown_sort_keys_are_ignored(staff_client, orgs, bad):
    response = staff_client.get("/staff/inventory/customers/", {"sort": bad})
    assert response.status_code == 200
    assert _order(response.content.decode(), ["Alpha", "Bravo", "Charlie"]) == ["Alpha", "Bravo", "Charlie"]
    assert "aria-sort" not in response.content.decode()


def test_sort_links_keep_the_filters(staff_client, orgs):
    html = staff_client.get("/staff/inventory/customers/?q=a&page=1").content.decode()
    assert 'href="?q=a&amp;sort=ref"' in html


def test_customer_csv_is_the_filtered_sorted_list(staff_client, orgs):
    rows = _csv(staff_client.get("/staff/inventory/customers/?q=r&sort=-name&format=csv"))
    assert rows[0][:2] == ["Name", "Reference"]
    assert [r[:3] for r in rows[1:]] == [["Charlie", "AAA", "CH"], ["Bravo", "MMM", "FR"]]


def test_csv_guards_against_formula_injection(staff_client, orgs):
    Organisation.objects.create(ref="EVIL", name='=HYPERLINK("http://x")', country="CH")
    Organisation.objects.create(ref="EVIL2", name="+1", country="CH")
    Organisation.objects.create(ref="EVIL3", name="-2", country="CH")
    Organisation.objects.create(ref="EVIL4", name="@SUM(A1)", country="CH")
    names = {r[0] for r in _csv(staff_client.get("/staff/inventory/customers/?q=evil&format=csv"))[1:]}
    assert names == {'\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)"}


@pytest.fixture
def assets(db):
    gva = Site.objects.create(code="GVA", name="Geneva", country="CH")
    zrh = Site.objects.create(code="ZRH", name="Zurich", country="CH")
    host = Asset.objects.create(ref="b-host", kind=AssetKind.HOST, site=zrh)
    Asset.objects.create(ref="a-vm", kind=AssetKind.VM, site=gva, parent=host)
    Asset.objects.create(ref="c-db", kind=AssetKind.DATABASE, site=gva)
    refresh_locations()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("ref", ["a-vm", "b-host", "c-db"]),
        ("-ref", ["c-db", "b-host", "a-vm"]),
        ("kind", ["c-db", "b-host", "a-vm"]),
        ("-kind", ["a-vm", "b-host", "c-db"]),
        ("site", ["a-vm", "c-db", "b-host"]),
        ("-site", ["b-host", "c-db", "a-vm"]),
    ],
)
def test_assets_sort_by_each_column(staff_client, assets, sort, expected):
    html = staff_client.get(f"/staff/inventory/assets/?sort={sort}").content.decode()
    assert _first_cells(html) == expected


def test_assets_csv_matches_the_filtered_page(staff_client, assets):
    html = staff_client.get("/staff/inventory/assets/?site=GVA&sort=-ref").content.decode()
    rows = _csv(staff_client.get("/staff/inventory/assets/?site=GVA&sort=-ref&format=csv"))
    assert [r[0] for r in rows[1:]] == ["c-db", "a-vm"]
    assert _first_cells(html) == [r[0] for r in rows[1:]]
    assert rows[2] == ["a-vm", "virtual machine", "GVA", "b-host", ""]


def test_the_csv_has_the_pages_role_check(client_a, orgs):
    for url in ("/staff/inventory/customers/?format=csv", "/staff/inventory/assets/?format=csv"):
        assert client_a.get(url).status_code == 403
