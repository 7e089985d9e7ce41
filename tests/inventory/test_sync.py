"""A full sync (`import-inventory --sync`): the input is the whole inventory of its source (issue 12)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from art28.core.models import AuditEntry, Organisation
from art28.inventory.as_of import inventory_as_of, parse_moment
from art28.inventory.importers import ImportFailed, SyncRefused, import_inventory
from art28.inventory.models import Asset, AssetPeriod, Flow, InventorySync, Placement, PlacementPeriod
from art28.inventory.selectors import asset_search, inventory_counts
from art28.residency.engine import run_audit
from tests.conftest import TEST_ACTOR
from tests.inventory.conftest import CSV_EXAMPLE, db_state, run_import

pytestmark = pytest.mark.django_db


def copy_of_example(folder: Path) -> Path:
    shutil.copytree(CSV_EXAMPLE, folder)
    return folder


def drop_lines(folder: Path, name: str, *containing: str) -> Path:
    """The input without the lines of ``name`` that contain any of ``containing``."""
    path = folder / name
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not any(text in line for text in containing)), "utf-8")
    return folder


def placements() -> set[tuple[str, str]]:
    return set(Placement.objects.values_list("customer__ref", "asset__ref"))


@pytest.fixture
def synced(tmp_path, settings):
    """The example inventory, brought by a first sync of source "cmdb"; the limit lifted for the tests
    that are not about it."""
    settings.ART28_SYNC_MAX_END_SHARE = 1.0
    import_inventory(CSV_EXAMPLE, actor=TEST_ACTOR, sync=True, source="cmdb")
    return copy_of_example(tmp_path / "next")


def test_a_sync_that_drops_a_flow_ends_it_and_the_audit_no_longer_reports_it(synced):
    # BETA allows CH and DE only: the support access to France from its VM is a violation.
    assert any(v.customer == "BETA" and v.country == "FR" for v in run_audit())

    report = import_inventory(
        drop_lines(synced, "flows.csv", "support_access"), actor=TEST_ACTOR, sync=True, source="cmdb"
    )

    assert report.counts["flows"] == {"created": 0, "updated": 0, "unchanged": 2, "ended": 1}
    assert not Flow.objects.filter(kind="support_access").exists()
    assert not any(v.customer == "BETA" and v.country == "FR" for v in run_audit())


def test_a_sync_that_drops_a_placement_ends_it_and_closes_its_period_at_the_syncs_time(synced):
    gamma = Placement.objects.get(customer__ref="GAMMA")
    import_inventory(drop_lines(synced, "placements.csv", "GAMMA"), actor=TEST_ACTOR, sync=True, source="cmdb")

    assert ("GAMMA", "zrh1-db-1") not in placements()
    sync = InventorySync.objects.first()
    assert sync is not None and sync.mode == "sync" and sync.counts["placements"]["ended"] == 1
    [period] = PlacementPeriod.objects.filter(placement_id=gamma.pk)
    assert period.valid_to == sync.at  # half-open: [first sync, this sync)
    assert period.valid_from == InventorySync.objects.last().at
    assert (period.customer.ref, period.asset.ref, period.records) == ("GAMMA", "zrh1-db-1", 9000)


def test_an_import_without_sync_keeps_what_the_input_no_longer_has(synced):
    report = import_inventory(drop_lines(synced, "placements.csv", "GAMMA"), actor=TEST_ACTOR, source="cmdb")
    assert ("GAMMA", "zrh1-db-1") in placements()
    assert report.counts["placements"]["ended"] == 0


def test_a_changed_placement_closes_its_period_and_opens_one_with_the_new_figures(synced):
    path = synced / "placements.csv"
    path.write_text(path.read_text("utf-8").replace("300,9000", "310,9300"), "utf-8")

    report = import_inventory(synced, actor=TEST_ACTOR, sync=True, source="cmdb")

    assert report.counts["placements"] == {"created": 0, "updated": 1, "unchanged": 3, "ended": 0}
    gamma = Placement.objects.get(customer__ref="GAMMA")
    periods = list(PlacementPeriod.objects.filter(placement_id=gamma.pk).order_by("valid_from"))
    assert [(p.records, p.valid_to is None) for p in periods] == [(9000, False), (9300, True)]
    assert periods[0].valid_to == periods[1].valid_from
    # The other placements were not touched: one period each, still open.
    others = PlacementPeriod.objects.exclude(placement_id=gamma.pk)
    assert others.count() == 3 and not others.filter(valid_to__isnull=False).exists()


def test_an_asset_that_goes_ends_with_its_subtree_the_placements_on_them_and_their_flows(synced):
    # The host goes; its VM and volume were below it: they cannot outlive it.
    for name, text in (("assets.csv", "gva1-"), ("placements.csv", "gva1-"), ("flows.csv", "gva1-")):
        drop_lines(synced, name, text)

    report = import_inventory(synced, actor=TEST_ACTOR, sync=True, source="cmdb")

    assert report.counts["assets"]["ended"] == 3
    ended = Asset.objects.filter(ended_at__isnull=False)
    assert sorted(ended.values_list("ref", flat=True)) == ["gva1-host-3", "gva1-vm-12", "gva1-vol-7"]
    assert placements() == {("ACME", "zrh1-db-1"), ("GAMMA", "zrh1-db-1")}
    assert not Flow.objects.filter(asset__ref__startswith="gva1-").exists()
    # Kept for incidents and history, but no longer in the current inventory's pages and counts.
    assert "gva1-host-3" not in {a.ref for a in asset_search()}
    assert inventory_counts()["assets"] == 2
    assert AssetPeriod.objects.filter(asset__ref="gva1-host-3", valid_to__isnull=True).count() == 0


def test_an_ended_asset_named_again_is_current_again(synced):
    drop_lines(synced, "assets.csv", "fra1-backup")
    drop_lines(synced, "flows.csv", "fra1-backup")
    import_inventory(synced, actor=TEST_ACTOR, sync=True, source="cmdb")
    assert Asset.objects.get(ref="fra1-backup").ended_at is not None

    report = import_inventory(CSV_EXAMPLE, actor=TEST_ACTOR, sync=True, source="cmdb")

    assert report.counts["assets"]["updated"] == 1
    assert Asset.objects.get(ref="fra1-backup").ended_at is None
    assert [p.valid_to is None for p in AssetPeriod.objects.filter(asset__ref="fra1-backup").order_by("id")] == [
        False,
        True,
    ]


def test_a_sync_ends_only_its_own_sources_rows(synced, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "assets.csv").write_text("ref,kind,site,parent,service\nlab-host,host,LAB1,,\n", "utf-8")
    import_inventory(other, actor=TEST_ACTOR, sync=True, source="lab")

    import_inventory(synced, actor=TEST_ACTOR, sync=True, source="cmdb")  # cmdb does not know lab-host

    assert Asset.objects.get(ref="lab-host").ended_at is None
    assert Asset.objects.get(ref="lab-host").source == "lab"


def test_a_missing_file_is_not_an_empty_one(synced):
    (synced / "flows.csv").unlink()
    report = import_inventory(synced, actor=TEST_ACTOR, sync=True, source="cmdb")
    assert "flows" not in report.entities
    assert Flow.objects.count() == 3


def test_sites_and_customers_are_never_ended_but_reported(synced):
    drop_lines(synced, "sites.csv", "LAB1")
    drop_lines(synced, "customers.csv", "GAMMA")
    drop_lines(synced, "placements.csv", "GAMMA")

    run = run_import(synced, "--sync", "--source", "cmdb")

    assert run.code == 0, run.err
    assert "1 sites not in the input (a sync never ends them): LAB1" in run.out
    assert "1 customers not in the input (a sync never ends them): GAMMA" in run.out
    assert Organisation.objects.filter(ref="GAMMA").exists()


def test_a_reference_to_an_asset_the_sync_ends_is_a_problem_with_its_line(synced):
    drop_lines(synced, "assets.csv", "fra1-backup")  # but flows.csv still backs up to it

    with pytest.raises(ImportFailed) as failed:
        import_inventory(synced, actor=TEST_ACTOR, sync=True, source="cmdb")

    assert [str(p) for p in failed.value.problems] == [
        "flows.csv:2: to_asset: asset 'fra1-backup' is not in the input, so this sync ends it (or it has ended)"
    ]


def test_a_sync_that_would_end_half_the_placements_is_refused_and_changes_nothing(synced, settings):
    settings.ART28_SYNC_MAX_END_SHARE = 0.10
    drop_lines(synced, "placements.csv", "ACME")  # 2 of 4
    before = db_state()

    run = run_import(synced, "--sync", "--source", "cmdb")

    assert run.code == 1
    assert "this sync would end 2 of the 4 placements (50%) from source 'cmdb', more than the limit of 10%" in run.err
    assert db_state() == before

    forced = run_import(synced, "--sync", "--source", "cmdb", "--force")
    assert forced.code == 0, forced.err
    assert placements() == {("BETA", "gva1-vm-12"), ("GAMMA", "zrh1-db-1")}


@pytest.mark.parametrize(("limit", "refused"), [(0.25, False), (0.24, True)])
def test_the_safety_limit_allows_exactly_its_share(synced, settings, limit, refused):
    """1 placement of 4 is 25%: a limit of 25% allows it, anything lower refuses it."""
    settings.ART28_SYNC_MAX_END_SHARE = limit
    drop_lines(synced, "placements.csv", "GAMMA")
    if refused:
        with pytest.raises(SyncRefused):
            import_inventory(synced, actor=TEST_ACTOR, sync=True, source="cmdb")
    else:
        assert import_inventory(synced, actor=TEST_ACTOR, sync=True, source="cmdb").counts["placements"]["ended"] == 1


def test_a_dry_run_prints_counts_then_rows_and_changes_nothing(synced, settings):
    settings.ART28_SYNC_MAX_END_SHARE = 0.10
    drop_lines(synced, "placements.csv", "GAMMA")
    path = synced / "placements.csv"
    path.write_text(path.read_text("utf-8") + "BETA,zrh1-db-1,contact details,,5,5\n", "utf-8")
    before = db_state()
    syncs = InventorySync.objects.count()

    run = run_import(synced, "--sync", "--source", "cmdb", "--dry-run")

    assert run.code == 0, run.err
    assert db_state() == before and InventorySync.objects.count() == syncs
    lines = run.out.splitlines()
    assert lines[0].startswith(f"would import {synced} (csv, source cmdb")
    assert "placements           1         0         3         1" in lines
    assert "would be refused: next:0: placements: this sync would end 1 of the 4 placements (25%)" in run.out
    at = lines.index("placements created (1):")
    assert lines[at + 1] == "  BETA @ zrh1-db-1"
    at = lines.index("placements ended (1):")
    assert lines[at + 1] == "  GAMMA @ zrh1-db-1"
    assert lines[-1] == "dry run: nothing was changed"


def test_a_sync_leaves_one_audit_entry_with_its_counts_and_digest(synced):
    report = import_inventory(drop_lines(synced, "placements.csv", "GAMMA"), actor=TEST_ACTOR, sync=True, source="cmdb")
    entry = AuditEntry.objects.filter(action="inventory.sync").order_by("-seq").first()
    assert entry is not None
    assert entry.after["sha256"] == report.sha256 and entry.after["source"] == "cmdb"
    assert entry.after["counts"]["placements"] == {"created": 0, "updated": 0, "unchanged": 3, "ended": 1}


def test_the_source_name_is_checked_and_source_needs_sync(tmp_path):
    with pytest.raises(ImportFailed, match="bad source name 'CMDB prod'"):
        import_inventory(CSV_EXAMPLE, actor=TEST_ACTOR, sync=True, source="CMDB prod")
    run = run_import(CSV_EXAMPLE, "--source", "cmdb")
    assert run.code != 0 and "add --sync" in run.err


def test_as_of_a_time_before_the_sync_the_audit_reports_exactly_what_it_did_then(synced):
    before = run_audit()
    first = InventorySync.objects.get()
    import_inventory(drop_lines(synced, "flows.csv", "support_access"), actor=TEST_ACTOR, sync=True, source="cmdb")
    second = InventorySync.objects.first()
    assert second is not None and run_audit() != before

    with inventory_as_of(second.at - dt.timedelta(microseconds=1)):
        assert run_audit(at=second.at) == before
    with inventory_as_of(first.at):  # half-open: the first sync's own moment holds its state
        assert run_audit() == before
    # The support access to France carried BETA's VM and ACME's volume below it.
    without_the_flow = [v for v in before if v.destination != "FR"]
    assert len(without_the_flow) == len(before) - 2
    with inventory_as_of(second.at):  # and the second's, the new one
        assert run_audit() == without_the_flow
    # Outside the block, the current inventory again.
    assert run_audit() == without_the_flow


def test_as_of_a_moved_asset_is_where_it_was_and_its_data_with_it(synced):
    # zrh1-db-1 (ACME, GAMMA) moves from Zurich to Frankfurt: GAMMA (Liechtenstein, default policy) and
    # ACME allow Germany or not according to the default; BETA allows CH;DE only and is not on it.
    path = synced / "assets.csv"
    path.write_text(path.read_text("utf-8").replace("zrh1-db-1,database,ZRH1", "zrh1-db-1,database,FRA1"), "utf-8")
    first = InventorySync.objects.get()
    import_inventory(synced, actor=TEST_ACTOR, sync=True, source="cmdb")

    with inventory_as_of(first.at):
        assert Asset.objects.get(ref="zrh1-db-1").location.code == "ZRH1"
    assert Asset.objects.get(ref="zrh1-db-1").location.code == "FRA1"


def test_the_command_answers_at_a_past_moment_and_refuses_one_before_the_history(synced, capsys):
    first = InventorySync.objects.get()
    import_inventory(drop_lines(synced, "flows.csv", "support_access"), actor=TEST_ACTOR, sync=True, source="cmdb")

    then = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("residency_audit", "--csv", "--at", first.at.isoformat(), stdout=then)
    now = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("residency_audit", "--csv", stdout=now)
    assert "BETA,gva1-vm-12,GVA1,FR" in then.getvalue()
    assert "BETA,gva1-vm-12,GVA1,FR" not in now.getvalue()

    with pytest.raises(CommandError, match="--at: the inventory's history begins on") as refused:
        call_command("residency_audit", "--at", "2020-01-01")
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="is not a date"):
        call_command("residency_audit", "--at", "yesterday")


def test_a_date_means_the_end_of_that_day_in_the_providers_time_zone(settings):
    settings.TIME_ZONE = "Europe/Zurich"
    moment = parse_moment("2026-03-14")
    assert moment.isoformat() == "2026-03-14T23:59:59.999999+01:00"
    assert parse_moment("2026-03-14T09:30").isoformat() == "2026-03-14T09:30:00+01:00"


def test_a_dropped_placement_leaves_the_audit_and_comes_back_as_of_before_the_sync(synced):
    gamma_before = [v for v in run_audit() if v.customer == "GAMMA"]
    assert gamma_before  # its data is backed up to Frankfurt
    first = InventorySync.objects.get()

    import_inventory(drop_lines(synced, "placements.csv", "GAMMA"), actor=TEST_ACTOR, sync=True, source="cmdb")

    assert not [v for v in run_audit() if v.customer == "GAMMA"]
    with inventory_as_of(first.at):
        assert [v for v in run_audit() if v.customer == "GAMMA"] == gamma_before


@pytest.mark.parametrize("text", ["9999-12-31", "2026-02-30", "14.3.2026", ""])
def test_a_moment_that_is_not_one_is_a_clear_error(text):
    with pytest.raises(ValueError, match="is not a date"):
        parse_moment(text)


def test_an_empty_placements_file_ends_all_the_sources_placements_when_forced(synced):
    path = synced / "placements.csv"
    path.write_text(path.read_text("utf-8").splitlines()[0] + "\n", "utf-8")

    report = import_inventory(synced, actor=TEST_ACTOR, sync=True, source="cmdb", force=True)

    assert report.counts["placements"]["ended"] == 4
    assert placements() == set()
