"""A nightly sync whose input has not changed (issue 12): byte-identical to its source's last sync, with
nothing changed since, it is recorded (with its digest and counts, one audit entry) without reading the
rows again; anything that could make the same input give a different result means the rows are read."""

from __future__ import annotations

import shutil

import pytest

from art28.core.glossary import data_category_create
from art28.core.models import AuditEntry, Organisation
from art28.core.services import organisation_update
from art28.inventory.importers import import_inventory
from art28.inventory.models import InventorySync, PlacementPeriod
from tests.conftest import TEST_ACTOR
from tests.inventory.conftest import CSV_EXAMPLE, db_state, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(settings):
    settings.ART28_SYNC_MAX_END_SHARE = 1.0
    return import_inventory(CSV_EXAMPLE, actor=TEST_ACTOR, sync=True, source="cmdb")


def sync_again(path=CSV_EXAMPLE, **options):
    return import_inventory(path, actor=TEST_ACTOR, sync=True, source="cmdb", **options)


def test_the_same_input_again_is_recorded_without_reading_its_rows_and_changes_nothing(synced):
    before = db_state()
    periods = PlacementPeriod.objects.count()
    report = sync_again()

    first = InventorySync.objects.order_by("at").first()
    assert report.same_as == first.at and report.sha256 == synced.sha256
    assert report.counts["placements"] == {"created": 0, "updated": 0, "unchanged": 4, "ended": 0}
    assert report.counts["assets"]["unchanged"] == 5 and report.counts["flows"]["unchanged"] == 3
    after = db_state()
    assert after.pop("audit_entries") == before.pop("audit_entries") + 1
    assert after == before and PlacementPeriod.objects.count() == periods

    last = InventorySync.objects.latest("at")
    assert (last.mode, last.source, last.sha256) == ("sync", "cmdb", synced.sha256)
    assert last.counts["placements"]["unchanged"] == 4
    entry = AuditEntry.objects.get(action="inventory.sync", object_id=str(last.pk))
    assert entry.after["sha256"] == synced.sha256 and entry.after["same_input_as"] == first.at.isoformat()


def test_the_same_input_as_read_in_full_gives_the_same_counts(synced, tmp_path):
    """The shortcut's counts are the full sync's: compare with a byte-identical copy read in full after
    another source's sync (which forbids the shortcut)."""
    shortcut = sync_again()
    import_inventory(CSV_EXAMPLE, actor=TEST_ACTOR, sync=True, source="other")
    read = sync_again()
    assert read.same_as is None
    assert {e: {k: v for k, v in c.items() if k != "absent"} for e, c in shortcut.counts.items()} == {
        e: {k: v for k, v in c.items() if k != "absent"} for e, c in read.counts.items()
    }


def test_a_customer_edited_since_means_the_rows_are_read_and_the_input_applied(synced):
    acme = Organisation.objects.get(ref="ACME")
    organisation_update(actor=TEST_ACTOR, organisation=acme, name="Renamed by staff")
    report = sync_again()
    assert report.same_as is None
    assert report.counts["customers"]["updated"] == 1
    assert Organisation.objects.get(ref="ACME").name != "Renamed by staff"


def test_a_glossary_term_added_since_means_the_rows_are_read(synced):
    data_category_create(actor=TEST_ACTOR, kind="data", name="Orders", aliases="orders")
    assert sync_again().same_as is None


@pytest.mark.parametrize("first_options", [{"sync": False}, {"source": "other"}])
def test_only_a_sync_of_the_same_source_can_be_the_same_input(settings, first_options):
    settings.ART28_SYNC_MAX_END_SHARE = 1.0
    import_inventory(CSV_EXAMPLE, actor=TEST_ACTOR, **({"sync": True, "source": "cmdb"} | first_options))
    assert sync_again().same_as is None


def test_a_different_input_is_read(synced, tmp_path):
    folder = shutil.copytree(CSV_EXAMPLE, tmp_path / "next")
    (folder / "sites.csv").write_text((folder / "sites.csv").read_text("utf-8") + "\n", "utf-8")
    assert sync_again(folder).same_as is None


def test_a_dry_run_of_the_same_input_reports_nothing_to_apply_and_records_nothing(synced):
    syncs = InventorySync.objects.count()
    report = sync_again(dry_run=True)
    assert report.same_as is not None and report.counts["placements"]["unchanged"] == 4
    assert InventorySync.objects.count() == syncs


def test_the_command_says_the_input_is_unchanged(synced):
    run = run_import(CSV_EXAMPLE, "--sync", "--source", "cmdb")
    assert run.code == 0, run.err
    assert "byte-identical to the sync of" in run.out and "nothing to apply" in run.out
    assert "placements" in run.out and "4" in run.out
