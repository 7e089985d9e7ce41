"""The categories of data subjects on placements (GDPR Art. 33(3)(a); DSV Art. 15(1)(d)): the optional
import column ``subject_categories`` in CSV, JSON and NetBox, stored like ``data_categories``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from art28.inventory.models import Placement
from tests.inventory.conftest import CSV_EXAMPLE, JSON_EXAMPLE, db_state, run_import, write_files

pytestmark = pytest.mark.django_db

OLD_HEADER = "customer,asset,data_categories,subjects,records\n"


def _subject_categories() -> dict[tuple[str, str], str]:
    return {
        (customer, asset): categories
        for customer, asset, categories in Placement.objects.values_list(
            "customer__ref", "asset__ref", "subject_categories"
        )
    }


def test_csv_column_subject_categories_is_stored_sorted_without_duplicates_gdpr_art_33_3_a():
    run = run_import(CSV_EXAMPLE)
    assert run.code == 0, run.err
    assert _subject_categories() == {
        ("ACME", "gva1-vol-7"): "customers;website visitors",
        ("ACME", "zrh1-db-1"): "customers",
        ("BETA", "gva1-vm-12"): "",
        ("GAMMA", "zrh1-db-1"): "employees;patients",  # "patients; employees": trimmed and sorted
    }
    assert Placement.objects.get(customer__ref="GAMMA").subject_category_list == ["employees", "patients"]


def test_json_subject_categories_as_a_list_or_a_string_gdpr_art_33_3_a():
    run = run_import(JSON_EXAMPLE)
    assert run.code == 0, run.err
    assert _subject_categories()[("ACME", "gva1-vol-7")] == "customers;website visitors"  # a JSON list
    assert _subject_categories()[("GAMMA", "zrh1-db-1")] == "employees;patients"  # a ';' string


def test_a_csv_file_without_the_column_still_imports_and_keeps_the_stored_subject_categories(tmp_path):
    """Files written before the column existed import as before, and never wipe the categories."""
    assert run_import(CSV_EXAMPLE).code == 0
    folder = write_files(
        tmp_path / "old",
        placements_csv=OLD_HEADER + "ACME,gva1-vol-7,contact details,1300,50000\nBETA,zrh1-db-1,,5,5\n",
    )

    run = run_import(folder)

    assert run.code == 0, run.err
    assert "placements           1         1         0" in run.out
    vol = Placement.objects.get(customer__ref="ACME", asset__ref="gva1-vol-7")
    assert (vol.subject_categories, vol.data_categories, vol.subjects) == (
        "customers;website visitors",
        "contact details",
        1300,
    )
    assert Placement.objects.get(customer__ref="BETA", asset__ref="zrh1-db-1").subject_categories == ""


def test_a_json_placement_without_the_field_keeps_them_and_null_clears_them(tmp_path):
    assert run_import(JSON_EXAMPLE).code == 0
    document = {
        "placements": [
            {"customer": "ACME", "asset": "gva1-vol-7", "data_categories": "contact details"},
            {"customer": "GAMMA", "asset": "zrh1-db-1", "subject_categories": None},
            {"customer": "ACME", "asset": "zrh1-db-1", "subject_categories": ["staff", "customers", "staff"]},
        ]
    }
    path = tmp_path / "update.json"
    path.write_text(json.dumps(document), "utf-8")

    assert run_import(path).code == 0

    assert _subject_categories() == {
        ("ACME", "gva1-vol-7"): "customers;website visitors",  # no field: kept
        ("ACME", "zrh1-db-1"): "customers;staff",
        ("BETA", "gva1-vm-12"): "",
        ("GAMMA", "zrh1-db-1"): "",  # null: cleared
    }


def test_an_empty_csv_value_clears_the_subject_categories_and_a_reimport_changes_nothing(tmp_path):
    assert run_import(CSV_EXAMPLE).code == 0
    again = run_import(CSV_EXAMPLE)
    assert "placements           0         0         4" in again.out
    folder = write_files(
        tmp_path / "clear",
        placements_csv="customer,asset,subject_categories,data_categories,subjects,records\n"
        "GAMMA,zrh1-db-1,,health data,300,9000\n",
    )
    assert run_import(folder).code == 0
    assert _subject_categories()[("GAMMA", "zrh1-db-1")] == ""


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "placements.csv",
            f"customer,asset,data_categories,subject_categories,subjects,records\nACME,gva1-vol-7,,{'x' * 501},1,1\n",
            "placements.csv:2: subject_categories: longer than 500 characters",
        ),
        (
            "placements.csv",
            "customer,asset,subject_categories,data_categories,subject_categories,subjects,records\n",
            "placements.csv:1: subject_categories: column given twice in the header",
        ),
        (
            "inventory.json",
            '{"placements": [\n  {"customer": "ACME", "asset": "gva1-vol-7", "subject_categories": ["staff", 3]}\n]}\n',
            "inventory.json:2: subject_categories: expected a string or a list of strings, not list",
        ),
    ],
)
def test_bad_subject_categories_are_reported_by_file_line_and_field_and_change_nothing(
    tmp_path, name, content, problem
):
    assert run_import(CSV_EXAMPLE).code == 0
    before = db_state()
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / name).write_text(content, "utf-8")

    run = run_import(folder / name if name.endswith(".json") else folder)

    assert run.code == 1 and run.problems == [problem]
    assert db_state() == before


def test_netbox_custom_field_subject_categories_sets_them_and_its_absence_keeps_them(netbox_example: Path):
    """NetBox has no such field of its own: a device or VM custom field ``subject_categories`` (text or a
    multiple selection) carries them; without the custom field, what is stored is kept."""
    assert run_import(netbox_example).code == 0
    Placement.objects.filter(customer__ref="beta", asset__ref="web@fra1").update(subject_categories="employees")
    path = netbox_example / "virtual-machines.json"
    listing = json.loads(path.read_text("utf-8"))
    machines = listing["results"] if isinstance(listing, dict) else listing
    by_name = {machine["name"]: machine for machine in machines}
    by_name["vm-under-device"]["custom_fields"] = {"subject_categories": ["patients", "employees"]}
    by_name["vm-in-cluster"]["custom_fields"] = {"subject_categories": "website visitors; customers"}
    path.write_text(json.dumps(listing), "utf-8")

    assert run_import(netbox_example).code == 0

    stored = _subject_categories()
    assert stored[("acme", "vm-under-device")] == "employees;patients"
    assert stored[("beta", "vm-in-cluster")] == "customers;website visitors"
    assert stored[("beta", "web@fra1")] == "employees"  # the device has no such custom field: kept
    by_name["vm-own-site"]["custom_fields"] = {"subject_categories": 7}
    path.write_text(json.dumps(listing), "utf-8")
    run = run_import(netbox_example)
    assert run.code == 1
    assert any(
        problem.startswith("virtual-machines.json:")
        and problem.endswith("custom_fields.subject_categories: expected text or a list, not int")
        for problem in run.problems
    ), run.problems
