"""Imports map free text to the glossary of data categories (docs/import-formats.md): a name or an alias,
whatever its case and spacing, is stored as the glossary's term; any other term is kept as given and named
in the summary, never refused (a nightly sync must not fail for a new term)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from art28.core.glossary import data_category_create
from art28.core.models import CategoryKind
from art28.inventory.importers import import_inventory
from art28.inventory.models import Placement
from tests.conftest import TEST_ACTOR
from tests.inventory.conftest import CSV_EXAMPLE, JSON_EXAMPLE, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def glossary(db):
    for name, aliases in (("contact details", "Contact data; addresses"), ("orders", ""), ("health data", "")):
        data_category_create(actor=TEST_ACTOR, kind=CategoryKind.DATA, name=name, aliases=aliases)
    data_category_create(actor=TEST_ACTOR, kind=CategoryKind.SUBJECTS, name="employees", aliases="staff")
    data_category_create(actor=TEST_ACTOR, kind=CategoryKind.SUBJECTS, name="customers", aliases="")


def _stored() -> dict[tuple[str, str], tuple[str, str]]:
    rows = Placement.objects.values_list("customer__ref", "asset__ref", "data_categories", "subject_categories")
    return {(c, a): (d, s) for c, a, d, s in rows}


def _with_placements(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "csv"
    shutil.copytree(CSV_EXAMPLE, folder)
    (folder / "placements.csv").write_text(
        "customer,asset,data_categories,subject_categories,subjects,records\n" + body
    )
    return folder


def test_csv_aliases_map_to_the_glossary_term_case_and_space_insensitively(glossary, tmp_path):
    folder = _with_placements(
        tmp_path,
        "ACME,gva1-vol-7,CONTACT   data;Orders,STAFF;customers,1,1\n"
        "GAMMA,zrh1-db-1,health data; contact details,patients; Staff,1,1\n",
    )

    run = run_import(folder)

    assert run.code == 0, run.err
    assert _stored()[("ACME", "gva1-vol-7")] == ("contact details;orders", "customers;employees")
    assert _stored()[("GAMMA", "zrh1-db-1")] == ("contact details;health data", "employees;patients")


def test_unknown_terms_are_kept_and_named_in_the_summary(glossary, tmp_path):
    folder = _with_placements(
        tmp_path,
        "ACME,gva1-vol-7,contact data;shoe sizes;Loyalty points,website visitors,1,1\n"
        "ACME,zrh1-db-1,shoe sizes,customers,1,1\n",
    )

    report = import_inventory(folder, actor=TEST_ACTOR)
    run = run_import(folder)

    assert _stored()[("ACME", "gva1-vol-7")] == ("Loyalty points;contact details;shoe sizes", "website visitors")
    assert report.unknown_categories == {"data": ["Loyalty points", "shoe sizes"], "subjects": ["website visitors"]}
    assert run.code == 0
    assert "2 data categories not in the glossary: Loyalty points, shoe sizes" in run.out
    assert "1 categories of data subjects not in the glossary: website visitors" in run.out


def test_json_lists_are_mapped_too(glossary, tmp_path):
    document = json.loads(JSON_EXAMPLE.read_text("utf-8"))
    document["placements"][0]["data_categories"] = ["ADDRESSES", "orders"]
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(document), "utf-8")

    report = import_inventory(path, actor=TEST_ACTOR)

    assert _stored()[("ACME", "gva1-vol-7")][0] == "contact details;orders"
    assert report.unknown_categories["data"] == ["customer accounts"]


def test_without_a_glossary_everything_is_stored_as_before_and_reported(tmp_path):
    report = import_inventory(CSV_EXAMPLE, actor=TEST_ACTOR)

    assert _stored()[("GAMMA", "zrh1-db-1")] == ("contact details;health data", "employees;patients")
    assert "contact details" in report.unknown_categories["data"]
