"""The residency diagram's stacked twin for phones: countries one under the other, nothing overlapping,
every site and flow of the wide picture present, no text smaller than 11 px at its own size (issue 11)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest

from art28.inventory.engine import refresh_locations
from art28.inventory.models import Asset, AssetKind, Flow, FlowKind, Placement, Site
from art28.portal.diagram import BAD, CHAR_W, residency_diagram, residency_diagram_stacked
from art28.portal.diagram_layout import CHAR_W_SMALL, V_WIDTH
from art28.residency.selectors import organisation_residency

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
PHONE_CONTENT_WIDTH = 390 - 2 * 12.8  # main's padding on a phone (art28.css)


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 -- our own output, parsed to check it is well-formed


def _box(rect: ET.Element) -> tuple[float, float, float, float]:
    x, y = float(rect.get("x", 0)), float(rect.get("y", 0))
    return x, y, x + float(rect.get("width", 0)), y + float(rect.get("height", 0))


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _groups(svg: ET.Element, css_class: str) -> list[ET.Element]:
    return [g for g in svg.iter(f"{SVG}g") if css_class in (g.get("class") or "").split()]


def _rect(group: ET.Element) -> tuple[float, float, float, float]:
    rect = group.find(f"{SVG}rect")
    assert rect is not None
    return _box(rect)


def _both(org) -> tuple[ET.Element, ET.Element]:
    residency = organisation_residency(org)
    return _parse(str(residency_diagram(residency))), _parse(str(residency_diagram_stacked(residency)))


def _busy_customer(make_org):
    """Three countries, seven sites, a dozen flows of every kind, some leaving the allowed countries."""
    org = make_org("BUSY", name="Busy Logistics SA")
    sites = [
        Site.objects.create(code=code, name=name, city=city, country=country)
        for code, name, city, country in [
            ("GVA-9", "Geneva Nine", "Genève", "CH"),
            ("ZRH-9", "Zurich Nine", "Zürich", "CH"),
            ("BER-2", "Bern Two with a very long name that cannot fit", "Bern", "CH"),
            ("FRA-9", "Frankfurt Backup", "Frankfurt", "DE"),
            ("MUC-1", "Munich", "München", "DE"),
            ("AMS-3", "Amsterdam", "Amsterdam", "NL"),
            ("DUB-1", "Dublin", "Dublin", "IE"),
        ]
    ]
    assets = [Asset.objects.create(ref=f"busy-{s.code.lower()}", kind=AssetKind.VM, site=s) for s in sites]
    lost = Asset.objects.create(ref="busy-lost", kind=AssetKind.VOLUME)
    refresh_locations()
    for asset in [*assets[:5], lost]:
        Placement.objects.create(customer=org, asset=asset, subjects=10, records=100)
    kinds = [FlowKind.BACKUP, FlowKind.REPLICATION, FlowKind.SUPPORT_ACCESS, FlowKind.TRANSFER]
    for n, (source, target) in enumerate([(0, 1), (0, 3), (1, 0), (1, 5), (2, 6), (3, 4), (4, 0), (2, 2), (0, 6)]):
        Flow.objects.create(asset=assets[source], kind=kinds[n % 4], to_asset=assets[target])
    Flow.objects.create(asset=assets[0], kind=FlowKind.SUPPORT_ACCESS, to_country="US")
    Flow.objects.create(asset=assets[3], kind=FlowKind.BACKUP, to_asset=lost)
    return org


def test_every_country_site_and_flow_of_the_wide_picture_is_in_the_stacked_one(org_a, two_customers, make_org):
    for org in (org_a, _busy_customer(make_org)):
        wide, stacked = _both(org)
        assert [g.get("data-country") for g in _groups(stacked, "column")] == [
            g.get("data-country") for g in _groups(wide, "column")
        ]
        assert {g.get("data-key") for g in _groups(stacked, "site")} == {
            g.get("data-key") for g in _groups(wide, "site")
        }
        flows = lambda svg: sorted((g.get("data-from"), g.get("data-to"), g.get("class")) for g in _groups(svg, "flow"))  # noqa: E731
        assert flows(stacked) == flows(wide)


def test_bands_follow_one_another_and_boxes_sit_inside_their_band_without_overlapping(make_org):
    svg = _parse(str(residency_diagram_stacked(organisation_residency(_busy_customer(make_org)))))
    width = float(svg.get("width") or 0)
    height = float(svg.get("height") or 0)
    bands = [_rect(g) for g in _groups(svg, "column")]
    assert [b[1] for b in bands] == sorted(b[1] for b in bands), "countries are stacked top to bottom"
    for a, b in combinations(bands, 2):
        assert not _overlap(a, b)
    boxes = {g.get("data-key"): _rect(g) for g in _groups(svg, "site")}
    assert len(boxes) == 9  # 7 sites, "Location not recorded" and the US (a flow names only the country)
    for a, b in combinations(boxes.values(), 2):
        assert not _overlap(a, b), (a, b)
    for band_group, band in zip(_groups(svg, "column"), bands, strict=True):
        assert not _groups(band_group, "site"), "boxes are drawn after (above) the bands"
        inside = [
            k
            for k, box in boxes.items()
            if band[0] <= box[0] and box[2] <= band[2] and band[1] <= box[1] and box[3] <= band[3]
        ]
        assert inside, f"band {band_group.get('data-country')} holds no box"
    for box in [*bands, *boxes.values()]:
        assert box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
    legend = _groups(svg, "legend")[0]
    legend_top = min(float(t.get("y") or 0) for t in legend.iter(f"{SVG}text")) - 12
    assert legend_top > max(b[3] for b in bands)


def test_arrows_run_in_the_gutter_left_of_the_boxes_and_leaving_ones_are_red_and_dashed(org_a, two_customers):
    _wide, svg = _both(org_a)
    box_left = min(_rect(g)[0] for g in _groups(svg, "site"))
    for flow in _groups(svg, "flow"):
        path = flow.find(f"{SVG}path")
        assert path is not None
        lane_x = float(re.search(r"H(-?[\d.]+) V", path.get("d") or "").group(1))  # type: ignore[union-attr]
        assert 0 < lane_x < box_left
        label = flow.find(f"{SVG}text")
        assert label is not None and " → " in (label.text or "")
    backup = next(g for g in _groups(svg, "flow") if g.get("data-to") == "site:FRA-7")
    assert "leaves-policy" in (backup.get("class") or "")
    path = backup.find(f"{SVG}path")
    assert path is not None and path.get("stroke") == BAD and path.get("stroke-dasharray")
    assert backup.find(f"{SVG}text").text == "backup → FRA-7"  # type: ignore[union-attr]


def test_is_narrow_enough_for_a_phone_and_every_text_fits_at_11px_or_more(make_org):
    svg = _parse(str(residency_diagram_stacked(organisation_residency(_busy_customer(make_org)))))
    width = float(svg.get("width") or 0)
    assert width == V_WIDTH and svg.get("viewBox", "").split()[2] == str(V_WIDTH)
    # Shown across a 390 px phone at 100% width, one unit of the picture is at least one CSS pixel.
    assert PHONE_CONTENT_WIDTH / width >= 1
    for text in svg.iter(f"{SVG}text"):
        size = float(text.get("font-size") or svg.get("font-size") or 0)
        assert size >= 11, text.text
        char_w = CHAR_W_SMALL if size < 12 else CHAR_W
        assert float(text.get("x") or 0) + len(text.text or "") * char_w <= width + 2, text.text


def test_is_accessible_and_its_ids_differ_from_the_wide_pictures(org_a, two_customers):
    wide, stacked = _both(org_a)
    assert stacked.get("role") == "img"
    assert stacked.get("aria-labelledby") == "residency-stacked-title residency-stacked-desc"
    assert stacked.find(f"{SVG}desc").text == wide.find(f"{SVG}desc").text  # type: ignore[union-attr]
    ids = lambda svg: {e.get("id") for e in svg.iter() if e.get("id")}  # noqa: E731
    assert not ids(wide) & ids(stacked)


def test_the_page_carries_both_pictures_with_unique_ids(client_a, two_customers):
    html = client_a.get("/portal/").content.decode()
    assert html.count('class="diagram"') == 1 and html.count('class="diagram-stacked"') == 1
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_every_text_is_escaped(make_org):
    org = make_org("EVIL", name='<script>alert("x")</script> & Co')
    site = Site.objects.create(code="S<1>", name='<img src=x onerror="boom">', city="A&B", country="CH")
    asset = Asset.objects.create(ref="a<b", kind=AssetKind.VM, site=site)
    refresh_locations()
    Placement.objects.create(customer=org, asset=asset)
    Flow.objects.create(asset=asset, kind=FlowKind.BACKUP, to_asset=asset)
    markup = str(residency_diagram_stacked(organisation_residency(org), id_prefix='x" onload="evil'))
    assert "<script" not in markup and "<img" not in markup and 'onload="' not in markup
    assert "S<1>" in [t.text for t in _parse(markup).iter(f"{SVG}text")]
