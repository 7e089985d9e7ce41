"""The import is set-based: its number of queries does not grow with the number of rows (DESIGN.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from art28.inventory.importers import ImportFailed, import_inventory
from art28.inventory.models import Placement
from tests.conftest import TEST_ACTOR
from tests.inventory.conftest import CSV_EXAMPLE, run_import, write_files

pytestmark = pytest.mark.django_db

# Staging (create, load, index), checks (duplicates, references, cycles), merge, history and the audit entry for
# five entities: a constant, whatever the size of the input (below one batch of rows here).
MAX_QUERIES = 110


def _inventory(folder: Path, prefix: str, placements: int) -> Path:
    customers = [f"{prefix}C{i}" for i in range(10)]
    hosts = [f"{prefix}H{i}" for i in range(placements // len(customers))]
    return write_files(
        folder,
        sites_csv="code,name,city,country,operator\n" + f"{prefix}S,Site,,CH,\n",
        customers_csv="ref,name,country,language,email,allowed_countries\n"
        + "".join(f"{ref},Customer {ref},CH,fr,,\n" for ref in customers),
        assets_csv="ref,kind,site,parent,service\n"
        + "".join(f"{host},host,{prefix}S,,Hosting\n{host}-v,volume,,{host},Storage\n" for host in hosts),
        placements_csv="customer,asset,data_categories,subjects,records\n"
        + "".join(f"{c},{h}-v,contact details,1,1\n" for h in hosts for c in customers),
        flows_csv="asset,kind,to_asset,to_site,to_country\n" + "".join(f"{h},backup,,{prefix}S,\n" for h in hosts),
    )


def _queries(folder: Path) -> int:
    with CaptureQueriesContext(connection) as queries:
        import_inventory(folder, actor=TEST_ACTOR)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(tmp_path, django_assert_max_num_queries):
    assert run_import(CSV_EXAMPLE).code == 0  # so that both imports below find existing rows alike
    small = _queries(_inventory(tmp_path / "small", "s", placements=50))

    with django_assert_max_num_queries(MAX_QUERIES):
        large = _queries(_inventory(tmp_path / "large", "l", placements=500))

    assert Placement.objects.filter(customer__ref__startswith="l").count() == 500
    assert large == small


def test_a_failed_import_leaves_no_staging_behind_for_the_next_one(tmp_path):
    bad = write_files(tmp_path / "bad", sites_csv="code,name,city,country,operator\nX,One,,XX,\n")
    with pytest.raises(ImportFailed):
        import_inventory(bad, actor=TEST_ACTOR)

    report = import_inventory(_inventory(tmp_path / "good", "g", placements=20), actor=TEST_ACTOR)

    assert report.counts["sites"] == {"created": 1, "updated": 0, "unchanged": 0, "ended": 0}
    assert report.counts["placements"]["created"] == 20
