"""Staff pages on the inventory's history (issue 12, item 5): the last import on the inventory page, the
sync history with its chart, and an asset's periods. The data comes from real imports and syncs."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from art28.inventory.importers import import_inventory
from art28.inventory.models import InventorySync
from tests.conftest import TEST_ACTOR
from tests.inventory.conftest import CSV_EXAMPLE

pytestmark = pytest.mark.django_db

SITES = "/staff/inventory/"
SYNCS = "/staff/inventory/syncs/"


def shown(at) -> str:
    """A time as the pages show it."""
    return date_format(timezone.localtime(at), "DATETIME_FORMAT")


# Each sync takes effect a day and a few minutes after the previous one, so that the pages, which show
# times to the minute, tell them apart.
_DAYS = itertools.count()


def sync(folder: Path) -> InventorySync:
    """A full sync of source "cmdb" from ``folder``, as `art28 import-inventory folder --sync` runs it."""
    at = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC) + next(_DAYS) * dt.timedelta(days=1, minutes=7)
    with mock.patch("django.utils.timezone.now", return_value=at):
        import_inventory(folder, actor=TEST_ACTOR, sync=True, source="cmdb")
    return InventorySync.objects.order_by("-at", "-id").first()


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def drop_lines(folder: Path, name: str, containing: str) -> None:
    path = folder / name
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if containing not in line), "utf-8")


@pytest.fixture
def inventory(tmp_path, settings) -> Path:
    """The example inventory after a first full sync of source "cmdb"; returns a copy to edit and sync again."""
    settings.ART28_SYNC_MAX_END_SHARE = 1.0
    sync(CSV_EXAMPLE)
    return Path(shutil.copytree(CSV_EXAMPLE, tmp_path / "next"))


def bars(html: str, series: str) -> list[str]:
    """The titles of the chart's bars of one series, left to right."""
    return re.findall(rf'<rect class="bar {series}"[^>]*><title>([^<]*)</title>', html)


def test_before_any_import_both_pages_say_how_to_run_one(staff_client):
    for url in (SITES, SYNCS):
        html = staff_client.get(url).content.decode()
        assert "No import yet: run <code>art28 import-inventory PATH --sync</code>" in html
    assert "<svg" not in staff_client.get(SYNCS).content.decode()


def test_the_inventory_page_shows_the_last_sync_and_its_counts(staff_client, inventory):
    drop_lines(inventory, "placements.csv", "GAMMA")
    edit(inventory, "placements.csv", "BETA,gva1-vm-12,,,,", "BETA,gva1-vm-12,,,10,20")
    last = sync(inventory)

    html = staff_client.get(SITES).content.decode()

    section = html.split('id="last-sync-title"', 1)[1].split("</section>", 1)[0]
    assert shown(last.at) in section
    assert "<code>cmdb</code>" in section and "full sync" in section and "pytest" in section
    row = re.search(r"<th scope=\"row\">Placements</th>(.*?)</tr>", section, re.S)
    assert row is not None
    # created, updated, unchanged, ended: BETA's figures changed, GAMMA's placement went.
    assert re.findall(r'<td class="num">(\d+)</td>', row.group(1)) == ["0", "1", "2", "1"]
    sites_row = re.search(r"<th scope=\"row\">Sites</th>(.*?)</tr>", section, re.S)
    assert sites_row is not None and "0 absent" in sites_row.group(1)
    assert f'href="{SYNCS}"' in section


def test_the_history_lists_every_sync_newest_first_with_its_short_hash(staff_client, inventory):
    drop_lines(inventory, "placements.csv", "GAMMA")
    second = sync(inventory)
    first = InventorySync.objects.order_by("at", "id").first()

    html = staff_client.get(SYNCS).content.decode()

    assert "2 imports" in html
    table = html.split('<table class="syncs">', 1)[1]
    assert table.index(shown(second.at)) < table.index(shown(first.at))
    assert f'<code title="{second.sha256}">{second.sha256[:12]}…</code>' in table
    assert "Placements: 0 created, 0 updated, 1 ended" in table
    assert "Placements: 4 created, 0 updated, 0 ended" in table  # the first sync brought them


def test_the_chart_draws_one_group_of_bars_per_sync_with_a_legend_and_a_text_alternative(staff_client, inventory):
    drop_lines(inventory, "placements.csv", "GAMMA")
    sync(inventory)
    edit(inventory, "placements.csv", "BETA,gva1-vm-12,,,,", "BETA,gva1-vm-12,,,10,20")
    sync(inventory)

    html = staff_client.get(SYNCS).content.decode()

    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    # Oldest on the left: 4 created, then 1 ended, then 1 updated.
    assert [title.split(": ", 1)[1] for title in bars(svg, "created")] == [
        "4 placements created",
        "0 placements created",
        "0 placements created",
    ]
    assert [title.split(": ", 1)[1] for title in bars(svg, "ended")][1] == "1 placement ended"
    assert [title.split(": ", 1)[1] for title in bars(svg, "updated")][2] == "1 placement updated"
    heights = re.findall(r'<rect class="bar created"[^>]*height="([\d.]+)"', svg)
    assert float(heights[0]) > 0 and float(heights[1]) == 0
    legend = (">Placements created<", ">Placements updated<", ">Placements ended<")
    assert all(label in svg for label in legend)
    assert 'role="img"' in svg and "<desc" in svg
    assert "The chart as a table" in html


def test_the_chart_covers_the_last_30_syncs(staff_client, inventory):
    for n in range(31):
        edit(
            inventory,
            "placements.csv",
            f"GAMMA,zrh1-db-1,health data; contact details,patients; employees,300,{9000 + n}",
            f"GAMMA,zrh1-db-1,health data; contact details,patients; employees,300,{9001 + n}",
        )
        sync(inventory)

    html = staff_client.get(SYNCS).content.decode()

    assert "32 imports" in html
    assert len(bars(html, "updated")) == 30
    assert "The latest 30 imports" in html


def test_the_history_pages_query_count_does_not_grow_with_syncs(staff_client, inventory, django_assert_max_num_queries):
    staff_client.get(SYNCS)  # warm the session and caches
    with django_assert_max_num_queries(8) as few:
        staff_client.get(SYNCS)
    for n in range(5):
        edit(inventory, "placements.csv", f",{9000 + n}", f",{9001 + n}")
        sync(inventory)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(SYNCS).status_code == 200


def test_an_asset_moved_to_another_site_shows_two_periods(staff_client, inventory):
    first = InventorySync.objects.get()
    edit(inventory, "assets.csv", "zrh1-db-1,database,ZRH1,", "zrh1-db-1,database,GVA1,")
    second = sync(inventory)

    html = staff_client.get("/staff/inventory/assets/zrh1-db-1/").content.decode()

    table = html.split('<table class="asset-periods">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(<td>.*?)</tr>", table, re.S)
    assert len(rows) == 2
    newest, oldest = rows
    assert shown(second.at) in newest and "GVA1" in newest and ">now<" in newest
    assert shown(first.at) in oldest and "ZRH1" in oldest
    # The first period ends when the second begins: at the second sync's time.
    assert re.findall(r"<td>([^<]*)</td>", oldest)[:2] == [shown(first.at), shown(second.at)]
    assert "Ended on" not in html
    placements = html.split('<table class="placement-periods">', 1)[1]
    assert "Acme Sàrl" in placements and "Gamma, Fondazione" in placements
    assert "2 placement periods" in html


def test_an_ended_asset_is_reachable_with_a_banner_and_its_past_placements(staff_client, inventory):
    for name in ("assets.csv", "placements.csv", "flows.csv"):
        drop_lines(inventory, name, "gva1-")
    ended = sync(inventory)

    listing = staff_client.get("/staff/inventory/assets/").content.decode()
    assert "gva1-vol-7" not in listing
    response = staff_client.get("/staff/inventory/assets/gva1-vol-7/")
    assert response.status_code == 200
    html = response.content.decode()

    assert f"Ended on {date_format(timezone.localtime(ended.at), 'DATE_FORMAT')}" in html
    table = html.split('<table class="asset-periods">', 1)[1].split("</table>", 1)[0]
    assert shown(ended.at) in table and ">now<" not in table
    placements = html.split('<table class="placement-periods">', 1)[1].split("</table>", 1)[0]
    assert "Acme Sàrl" in placements and shown(ended.at) in placements and ">now<" not in placements
    assert "1 placement period" in html


def test_an_additive_import_is_shown_without_ended_counts(staff_client, inventory):
    edit(inventory, "placements.csv", ",9000", ",9100")
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2030, 1, 1, 8, 0, tzinfo=dt.UTC)):
        import_inventory(inventory, actor=TEST_ACTOR, source="cmdb")

    section = staff_client.get(SITES).content.decode().split('id="last-sync-title"', 1)[1].split("</section>", 1)[0]
    assert "import (additive)" in section
    row = re.search(r"<th scope=\"row\">Placements</th>(.*?)</tr>", section, re.S)
    assert row is not None and re.findall(r'<td class="num">([^<]*)</td>', row.group(1)) == ["0", "1", "3", "—"]
    table = staff_client.get(SYNCS).content.decode().split('<table class="syncs">', 1)[1]
    assert "Placements: 0 created, 1 updated<" in table


def test_the_asset_page_shows_the_latest_placement_periods_and_counts_them_all(staff_client, inventory, monkeypatch):
    monkeypatch.setattr("art28.inventory.history_selectors.PERIODS_SHOWN", 3)
    for n in range(3):
        edit(inventory, "placements.csv", f",{9000 + n}", f",{9001 + n}")
        latest = sync(inventory)

    html = staff_client.get("/staff/inventory/assets/zrh1-db-1/").content.decode()

    # ACME's placement (one period) and GAMMA's (four: the first sync and three changes).
    assert "5 placement periods · the latest 3 shown" in html
    placements = html.split('<table class="placement-periods">', 1)[1].split("</table>", 1)[0]
    assert placements.count("<tr><td>") == 3
    assert "9’003" in placements and shown(latest.at) in placements and "9’000" not in placements


def test_the_history_is_paginated_newest_first(staff_client, inventory, monkeypatch):
    monkeypatch.setattr("art28.inventory.views.SYNCS_PER_PAGE", 2)
    first = InventorySync.objects.get()
    drop_lines(inventory, "flows.csv", "support_access")
    sync(inventory)
    newest = sync(inventory)

    page_one = staff_client.get(SYNCS).content.decode().split('<table class="syncs">', 1)[1]
    page_two = staff_client.get(SYNCS + "?page=2").content.decode().split('<table class="syncs">', 1)[1]

    assert shown(newest.at) in page_one and shown(first.at) not in page_one
    assert shown(first.at) in page_two and shown(newest.at) not in page_two
    assert "No change." in page_one  # the newest sync confirmed the inventory


def test_the_asset_pages_query_count_does_not_grow_with_its_history(
    staff_client, inventory, django_assert_max_num_queries
):
    url = "/staff/inventory/assets/zrh1-db-1/"
    staff_client.get(url)
    with django_assert_max_num_queries(30) as few:
        staff_client.get(url)
    for n in range(4):  # the database moves back and forth, and GAMMA's figures change each time
        here, there = ("ZRH1", "GVA1") if n % 2 == 0 else ("GVA1", "ZRH1")
        edit(inventory, "assets.csv", f"zrh1-db-1,database,{here},", f"zrh1-db-1,database,{there},")
        edit(inventory, "placements.csv", f",{9000 + n}", f",{9001 + n}")
        sync(inventory)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = staff_client.get(url).content.decode()
    assert html.split('<table class="asset-periods">', 1)[1].split("</table>", 1)[0].count("<tr><td>") == 5
    assert "6 placement periods" in html  # ACME's one, GAMMA's five
