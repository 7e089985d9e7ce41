"""The SVG picture of where an organisation's data is: columns per country, red for what leaves (S1)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from art28.core.services import organisation_update
from art28.inventory.engine import refresh_locations
from art28.inventory.models import Asset, AssetKind, Flow, FlowKind, Placement, Site
from art28.portal.diagram import BAD, residency_diagram
from art28.residency.selectors import organisation_residency
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _parse(org) -> ET.Element:
    markup = str(residency_diagram(organisation_residency(org)))
    return ET.fromstring(markup)  # noqa: S314 -- our own output, parsed to check it is well-formed


def _texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


def test_foreign_flow_is_red_and_dashed(org_a, two_customers):
    svg = _parse(org_a)
    flows = {(g.get("data-from"), g.get("data-to")): g for g in svg.iter(f"{SVG}g") if "flow" in g.get("class", "")}
    backup = flows[("site:GVA-1", "site:FRA-7")]
    assert "leaves-policy" in backup.get("class", "")
    path = backup.find(f"{SVG}path")
    assert path is not None and path.get("stroke") == BAD and path.get("stroke-dasharray")
    replication = flows[("site:ZRH-1", "site:GVA-1")]
    assert "within-policy" in replication.get("class", "")
    assert replication.find(f"{SVG}path").get("stroke") != BAD


def test_columns_put_allowed_countries_first_and_flag_the_others(org_a, two_customers):
    svg = _parse(org_a)
    columns = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "column"]
    assert [c.get("data-country") for c in columns] == ["CH", "DE"]
    assert "allowed" in _texts(columns[0])
    assert "NOT ALLOWED" in _texts(columns[1])
    assert columns[1].find(f"{SVG}rect").get("stroke") == BAD


def test_lists_allowed_countries_and_counts_placements_per_site(org_a, two_customers):
    organisation_update(actor=TEST_ACTOR, organisation=org_a, allowed_countries="CH;LI")
    org_a.refresh_from_db()
    texts = _texts(_parse(org_a))
    assert "Allowed countries: Switzerland (CH), Liechtenstein (LI)" in texts
    assert "1 placement" in texts
    assert "receives flows only" in texts  # FRA-7 holds none of A's placements


def test_is_accessible_with_title_and_description(org_a, two_customers):
    svg = _parse(org_a)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "residency-title residency-desc"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.get("id") == "residency-title" and "Acme Sàrl" in title.text
    assert desc is not None and "Flows leaving the allowed countries: backup: GVA-1 → FRA-7" in desc.text
    assert any(t == "Legend" for t in _texts(svg))


def test_unknown_locations_and_country_destinations_get_their_own_boxes(org_a):
    lost = Asset.objects.create(ref="lost-disk", kind=AssetKind.VOLUME)  # no site anywhere above it
    site = Site.objects.create(code="GVA-1", name="Geneva", country="CH")
    vm = Asset.objects.create(ref="vm-1", kind=AssetKind.VM, site=site)
    refresh_locations()
    Placement.objects.create(customer=org_a, asset=lost)
    Placement.objects.create(customer=org_a, asset=vm)
    Flow.objects.create(asset=vm, kind=FlowKind.SUPPORT_ACCESS, to_country="US")
    Flow.objects.create(asset=vm, kind=FlowKind.BACKUP, to_asset=lost)
    svg = _parse(org_a)
    columns = [g.get("data-country") for g in svg.iter(f"{SVG}g") if g.get("class") == "column"]
    assert columns == ["CH", "US", ""]
    keys = {g.get("data-key") for g in svg.iter(f"{SVG}g") if g.get("class") == "site"}
    assert keys == {"site:GVA-1", "country:US", "unlocated"}
    texts = _texts(svg)
    assert "Location not recorded" in texts and "Unknown country" in texts
    leaving = [g.get("data-to") for g in svg.iter(f"{SVG}g") if "leaves-policy" in g.get("class", "")]
    assert sorted(leaving) == ["country:US", "unlocated"]


def test_every_text_is_escaped(make_org):
    org = make_org("EVIL", name='<script>alert("x")</script> & Co')
    site = Site.objects.create(code="S<1>", name='<img src=x onerror="boom">', city="A&B", country="CH")
    asset = Asset.objects.create(ref="a<b", kind=AssetKind.VM, site=site)
    refresh_locations()
    Placement.objects.create(customer=org, asset=asset)
    markup = str(residency_diagram(organisation_residency(org), id_prefix='x" onload="evil'))
    assert "<script" not in markup and "<img" not in markup and 'onload="' not in markup
    svg = ET.fromstring(markup)  # noqa: S314 -- well-formed despite the hostile names
    assert svg.find(f"{SVG}title").text == 'Where the data of <script>alert("x")</script> & Co is'
    assert "S<1>" in _texts(svg)


def test_labels_of_crossing_flows_move_apart_along_their_own_arrows():
    """Two flows crossing in the gap between two countries meet halfway: the second label moves along its
    own arrow instead of being drawn over the first (the browser checks the drawn boxes:
    tests/browser/test_diagram_layouts.py)."""
    from art28.portal.diagram_layout import Column, Edge, Node, place, place_labels, route

    gva, zrh = Node("site:GVA", ["GVA"], ""), Node("site:ZRH", ["ZRH"], "")
    fra, muc = Node("site:FRA", ["FRA"], ""), Node("site:MUC", ["MUC"], "")
    place([Column("CH", True, [gva, zrh]), Column("DE", False, [fra, muc])])
    by_key = {node.key: node for node in (gva, zrh, fra, muc)}
    edges = [Edge("site:GVA", "site:MUC", "replication", True, 1), Edge("site:ZRH", "site:FRA", "replication", True, 1)]
    routes, _lanes = route(edges, by_key, 400)
    assert (routes[0].label_x, routes[0].label_y) == (routes[1].label_x, routes[1].label_y)  # they do meet

    first, second = place_labels(routes, [80, 80])
    assert (first.label_x, first.label_y) == (routes[0].label_x, routes[0].label_y)  # the first keeps its place
    assert (second.label_x, second.label_y) in routes[1].along  # the second stays on its own arrow
    assert abs(second.label_y - first.label_y) >= 14 or abs(second.label_x - first.label_x) >= 80
