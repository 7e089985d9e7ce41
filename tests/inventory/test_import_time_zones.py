"""Each site has a time zone (issue 16): the optional import column ``time_zone`` in CSV, JSON and NetBox,
an IANA name; empty, the site's country's main zone (inventory.timezones), what a host's dpkg.log times mean."""

from __future__ import annotations

import json
import re
import zoneinfo
from pathlib import Path

import pytest

from art28.inventory.models import Site
from art28.inventory.timezones import country_main_zone, site_zone, time_zone_name, valid_time_zone
from tests.inventory.conftest import CSV_EXAMPLE, JSON_EXAMPLE, db_state, run_import, write_files

pytestmark = pytest.mark.django_db

HEADER = "code,name,city,country,operator,time_zone\n"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "import-formats.md"


def _zones() -> dict[str, tuple[str, str]]:
    """code → (the stored time_zone, the zone the site's times are read in)."""
    return {site.code: (site.time_zone, site_zone(site).key) for site in Site.objects.all()}


def test_the_csv_example_in_the_docs_imports_its_time_zones(tmp_path):
    """A US site in Chicago: its country's main zone (New York's) would be an hour off."""
    section = DOCS.read_text("utf-8").split("### sites.csv", 1)[1].split("### customers.csv", 1)[0]
    (example,) = re.findall(r"```csv\n(.*?)```", section, re.DOTALL)
    folder = write_files(tmp_path / "docs", sites_csv=example)

    run = run_import(folder)

    assert run.code == 0, run.err
    assert _zones() == {"GVA1": ("", "Europe/Zurich"), "ORD1": ("America/Chicago", "America/Chicago")}


def test_an_empty_time_zone_is_the_countrys_main_zone_and_without_a_country_the_providers(tmp_path, settings):
    settings.TIME_ZONE = "Europe/Vaduz"  # the provider's (ART28_TIME_ZONE), distinct from every site's here
    folder = write_files(
        tmp_path / "sites",
        sites_csv=HEADER
        + "ZRH1,Zurich,Zürich,CH,,\n"
        + "FRA1,Frankfurt,Frankfurt am Main,DE,,\n"
        + "NYC1,New York,New York,US,,\n"
        + "LAB1,Lab room,,,,\n"
        + "TYO1,Tokyo,Tokyo,JP,,asia/tokyo\n",  # case does not matter: stored as the tz database spells it
    )

    assert run_import(folder).code == 0

    assert _zones() == {
        "ZRH1": ("", "Europe/Zurich"),
        "FRA1": ("", "Europe/Berlin"),  # not Europe/Busingen, the other zone.tab lists for DE
        "NYC1": ("", "America/New_York"),
        "LAB1": ("", "Europe/Vaduz"),
        "TYO1": ("Asia/Tokyo", "Asia/Tokyo"),
    }


def test_the_csv_example_without_the_column_imports_and_keeps_the_stored_zones(csv_example, tmp_path):
    """Files written before the column existed (the documented example has none) import as before, and never
    reset a zone; a file with the column and an empty value goes back to the country's."""
    folder = write_files(tmp_path / "zones", sites_csv=HEADER + "GVA1,Geneva,Plan-les-Ouates,CH,,Europe/Paris\n")
    assert run_import(folder).code == 0
    assert run_import(csv_example).code == 0
    assert _zones()["GVA1"] == ("Europe/Paris", "Europe/Paris")
    assert "sites                0         0         4" in run_import(csv_example).out

    write_files(folder, sites_csv=HEADER + "GVA1,Geneva,Plan-les-Ouates,CH,,\n")
    run = run_import(folder)

    assert "sites                0         1         0" in run.out
    assert _zones()["GVA1"] == ("", "Europe/Zurich")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "sites.csv",
            HEADER + "GVA1,Geneva,,CH,,Europe/Zurich\nZRH1,Zurich,,CH,,Europe/Zurch\n",
            "sites.csv:3: time_zone: unknown time zone 'Europe/Zurch' (an IANA name such as Europe/Zurich)",
        ),
        (
            "sites.csv",
            HEADER + "GVA1,Geneva,,CH,,CET+1\n",
            "sites.csv:2: time_zone: unknown time zone 'CET+1' (an IANA name such as Europe/Zurich)",
        ),
        (
            "sites.csv",
            HEADER + "GVA1,Geneva,,CH,,../../etc/passwd\n",
            "sites.csv:2: time_zone: unknown time zone '../../etc/passwd' (an IANA name such as Europe/Zurich)",
        ),
        (
            "inventory.json",
            '{"sites": [\n  {"code": "GVA1", "name": "Geneva", "time_zone": "Mars/Olympus"}\n]}\n',
            "inventory.json:2: time_zone: unknown time zone 'Mars/Olympus' (an IANA name such as Europe/Zurich)",
        ),
        (
            "inventory.json",
            '{"sites": [\n  {"code": "GVA1", "name": "Geneva", "time_zone": ["Europe/Zurich"]}\n]}\n',
            "inventory.json:2: time_zone: expected a string, not list",
        ),
    ],
)
def test_an_unknown_time_zone_is_reported_by_file_line_and_field_and_changes_nothing(tmp_path, name, content, problem):
    assert run_import(CSV_EXAMPLE).code == 0
    before = db_state()
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / name).write_text(content, "utf-8")

    run = run_import(folder / name if name.endswith(".json") else folder)

    assert run.code == 1 and run.problems == [problem]
    assert db_state() == before


def test_a_json_site_without_the_field_keeps_its_zone_and_null_goes_back_to_the_countrys(tmp_path):
    assert run_import(JSON_EXAMPLE).code == 0
    path = tmp_path / "zones.json"
    path.write_text(
        json.dumps(
            {
                "sites": [
                    {"code": "GVA1", "name": "Geneva", "country": "CH", "time_zone": "Europe/Rome"},
                    {"code": "FRA1", "name": "Frankfurt colocation", "country": "DE", "time_zone": "Europe/Paris"},
                ]
            }
        ),
        "utf-8",
    )
    assert run_import(path).code == 0
    assert (_zones()["GVA1"], _zones()["FRA1"]) == (("Europe/Rome", "Europe/Rome"), ("Europe/Paris", "Europe/Paris"))

    path.write_text(
        json.dumps(
            {
                "sites": [
                    {"code": "GVA1", "name": "Geneva", "country": "CH"},
                    {"code": "FRA1", "name": "Frankfurt colocation", "country": "DE", "time_zone": None},
                ]
            }
        ),
        "utf-8",
    )
    assert run_import(path).code == 0

    assert _zones()["GVA1"] == ("Europe/Rome", "Europe/Rome")  # no field: kept
    assert _zones()["FRA1"] == ("", "Europe/Berlin")  # null: the country's


def test_netbox_sites_bring_their_own_time_zone_field(netbox_example: Path, settings):
    """NetBox's DCIM site has a ``time_zone`` of its own (an IANA name, or null)."""
    settings.ART28_NETBOX_COUNTRY_FIELD = "iso_country"
    assert run_import(netbox_example).code == 0
    assert _zones() == {
        "gva1": ("Europe/Zurich", "Europe/Zurich"),
        "fra1": ("Europe/Berlin", "Europe/Berlin"),
        "bsl1": ("Europe/Zurich", "Europe/Zurich"),
        "lab1": ("", settings.TIME_ZONE),  # null, and no country: the provider's
    }
    path = netbox_example / "sites.json"
    sites = json.loads(path.read_text("utf-8"))
    del sites[0]["time_zone"]  # no such field (keep what is stored)
    sites[1]["time_zone"] = "Europe/Zurch"
    path.write_text(json.dumps(sites, indent=4), "utf-8")
    before = db_state()

    run = run_import(netbox_example)

    line = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == "    {"][1]  # fra1's
    assert run.code == 1
    assert run.problems == [
        f"sites.json:{line}: time_zone: unknown time zone 'Europe/Zurch' (an IANA name such as Europe/Zurich)"
    ]
    assert db_state() == before

    sites[1]["time_zone"] = None
    path.write_text(json.dumps(sites, indent=4), "utf-8")
    assert run_import(netbox_example).code == 0
    assert _zones()["gva1"] == ("Europe/Zurich", "Europe/Zurich")  # no field: kept
    assert _zones()["fra1"] == ("", "Europe/Berlin")  # null: its country's (DE)


def test_a_countrys_main_zone_is_the_first_that_zone_tab_lists(monkeypatch, tmp_path):
    assert (country_main_zone("CH"), country_main_zone("de"), country_main_zone("US")) == (
        "Europe/Zurich",
        "Europe/Berlin",
        "America/New_York",
    )
    assert country_main_zone("") is None and country_main_zone("XX") is None
    assert time_zone_name(" europe/zurich ") == "Europe/Zurich" and time_zone_name("Europe/Zurch") is None
    assert valid_time_zone("Europe/Zurich") and not valid_time_zone("europe/zurich") and not valid_time_zone("")

    import art28.inventory.timezones as timezones

    monkeypatch.setattr(timezones, "ZONE_TAB", tmp_path / "missing.tab")
    timezones._main_zones.cache_clear()
    try:
        assert country_main_zone("CH") is None
        assert site_zone(Site(code="X", country="CH")) == zoneinfo.ZoneInfo(timezones.settings.TIME_ZONE)
    finally:
        monkeypatch.undo()
        timezones._main_zones.cache_clear()
    assert country_main_zone("CH") == "Europe/Zurich"


def test_the_staff_site_page_shows_each_sites_zone(staff_client, tmp_path):
    folder = write_files(
        tmp_path / "sites", sites_csv=HEADER + "ZRH1,Zurich,,CH,,\nORD1,Chicago,,US,,America/Chicago\n"
    )
    assert run_import(folder).code == 0

    page = staff_client.get("/staff/inventory/").content.decode()

    assert '<td>Europe/Zurich <span class="muted small">default</span></td>' in page
    assert "<td>America/Chicago</td>" in page
