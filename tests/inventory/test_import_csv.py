"""`art28 import-inventory` with a CSV folder: what a provider imports is what the inventory holds (S1)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from art28.core.audit import SystemActor
from art28.core.models import AuditEntry, Organisation
from art28.core.services import organisation_update
from art28.inventory.importers import import_inventory
from art28.inventory.models import Asset, Flow, Placement, Service, Site
from tests.conftest import TEST_ACTOR
from tests.inventory.conftest import CSV_EXAMPLE, JSON_EXAMPLE, db_state, run_import, write_files

pytestmark = pytest.mark.django_db


def test_a_csv_folder_creates_sites_customers_assets_placements_and_flows(csv_example):
    run = run_import(csv_example)

    assert run.code == 0, run.err
    assert run.err == ""
    assert "sites                4         0         0" in run.out
    assert "placements           4         0         0" in run.out
    zrh = Site.objects.get(code="ZRH1")
    assert (zrh.name, zrh.city, zrh.country, zrh.country_source) == (
        "Zurich \u2013 Oerlikon",
        "Zürich",
        "CH",
        "declared",
    )
    fra = Site.objects.get(code="FRA1")
    assert fra.operator == "Mainhattan Colocation GmbH" and fra.is_colocation
    assert not Site.objects.get(code="GVA1").is_colocation
    lab = Site.objects.get(code="LAB1")
    assert (lab.country, lab.country_source) == ("", "unknown")

    acme = Organisation.objects.get(ref="ACME")
    assert (acme.name, acme.language, acme.privacy_email, acme.security_email) == (
        "Acme Sàrl",
        "fr",
        "privacy@acme.example",
        "",
    )
    assert acme.allowed_countries == "" and acme.allowed_country_list == list(settings.ART28_ALLOWED_COUNTRIES)
    assert Organisation.objects.get(ref="BETA").allowed_country_list == ["CH", "DE"]
    gamma = Organisation.objects.get(ref="GAMMA")
    assert (gamma.name, gamma.country, gamma.language, gamma.privacy_email) == ("Gamma, Fondazione", "LI", "en", "")

    assert sorted(Service.objects.values_list("name", flat=True)) == ["Backup", "Managed databases", "Web hosting"]
    placement = Placement.objects.get(customer__ref="ACME", asset__ref="gva1-vol-7")
    assert (placement.data_categories, placement.subjects, placement.records) == ("contact details;orders", 1200, 48000)
    assert Placement.objects.get(customer__ref="GAMMA").category_list == ["contact details", "health data"]
    empty = Placement.objects.get(customer__ref="BETA")
    assert (empty.data_categories, empty.subjects, empty.records) == ("", 0, 0)


def test_an_asset_without_a_site_is_located_where_its_nearest_ancestor_is(csv_example):
    """A volume without a site, under a VM without a site, under a host at GVA1, is at GVA1 (S1)."""
    assert run_import(csv_example).code == 0

    volume = Asset.objects.select_related("parent__parent", "location", "service").get(ref="gva1-vol-7")
    assert volume.site is None and volume.parent.ref == "gva1-vm-12" and volume.parent.site is None
    assert volume.parent.parent.ref == "gva1-host-3" and volume.parent.parent.site.code == "GVA1"
    assert volume.location.code == "GVA1"
    assert volume.service.name == "Web hosting"
    assert Asset.objects.get(ref="fra1-backup").location.code == "FRA1"


def test_flows_go_to_an_asset_a_site_or_a_country(csv_example):
    assert run_import(csv_example).code == 0

    backup = Flow.objects.get(asset__ref="zrh1-db-1")
    assert (backup.kind, backup.to_asset.ref, backup.to_site, backup.to_country) == ("backup", "fra1-backup", None, "")
    replication = Flow.objects.get(asset__ref="gva1-host-3")
    assert (replication.kind, replication.to_asset, replication.to_site.code) == ("replication", None, "ZRH1")
    support = Flow.objects.get(asset__ref="gva1-vm-12")
    assert (support.kind, support.to_asset, support.to_site, support.to_country) == ("support_access", None, None, "FR")


def test_an_import_gets_one_audit_entry_with_every_entitys_counts_and_the_input_digest(csv_example):
    report = import_inventory(csv_example, actor=SystemActor("cli:ops"))

    entries = list(AuditEntry.objects.filter(action="inventory.import").order_by("seq"))
    assert [e.object_type for e in entries] == ["inventory.inventorysync"]
    [entry] = entries
    listing = "".join(
        f"{hashlib.sha256((csv_example / name).read_bytes()).hexdigest()}  {name}\n"
        for name in sorted(p.name for p in csv_example.iterdir())
    )
    digest = hashlib.sha256(listing.encode()).hexdigest()  # what `sha256sum *.csv | sha256sum` prints
    assert report.sha256 == digest
    assert entry.after["sha256"] == digest
    assert (entry.after["format"], entry.after["source"]) == ("csv", "csv")
    assert entry.after["counts"]["placements"] == {"created": 4, "updated": 0, "unchanged": 0, "ended": 0}
    assert set(entry.after["counts"]) == {"sites", "customers", "assets", "placements", "flows"}
    assert entry.actor_label == "cli:ops"
    assert entry.object_repr == str(csv_example.resolve())


def test_the_command_records_the_os_user_as_the_actor(csv_example, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ops-anna")
    assert run_import(csv_example).code == 0
    assert set(AuditEntry.objects.values_list("actor_label", flat=True)) == {"cli:ops-anna"}


def test_reimporting_the_same_folder_changes_nothing(csv_example):
    assert run_import(csv_example).code == 0
    before = db_state()

    report = import_inventory(csv_example, actor=TEST_ACTOR)

    assert all(
        figures == {"created": 0, "updated": 0, "unchanged": figures["unchanged"], "ended": 0}
        for figures in report.counts.values()
    )
    assert [report.counts[e]["unchanged"] for e in report.counts] == [4, 3, 5, 4, 3]
    after = db_state()
    # Only the import's own summary entry is added to the audit trail.
    assert after.pop("audit_entries") == before.pop("audit_entries") + 1
    assert after == before


def test_a_changed_field_is_counted_as_updated_and_rows_absent_from_the_input_are_kept(csv_example, tmp_path):
    assert run_import(csv_example).code == 0
    acme = Organisation.objects.get(ref="ACME")
    organisation_update(actor=TEST_ACTOR, organisation=acme, security_email="soc@acme.example")
    changed = write_files(
        tmp_path / "changed",
        sites_csv="""
            code,name,city,country,operator
            GVA1,Geneva 1 (renamed),Plan-les-Ouates,CH,
            ZRH1,Zurich \u2013 Oerlikon,Zürich,CH,
            """,
        customers_csv="""
            ref,name,country,language,email,allowed_countries
            ACME,Acme Sàrl,CH,fr,dpo@acme.example,
            """,
        assets_csv="""
            ref,kind,site,parent,service
            gva1-vm-12,vm,ZRH1,,Web hosting
            """,
        placements_csv="""
            customer,asset,data_categories,subjects,records
            ACME,gva1-vol-7,orders;contact details,1500,48000
            ACME,zrh1-db-1,customer accounts,1200,1200
            """,
    )

    run = run_import(changed)

    assert run.code == 0, run.err
    assert "sites                0         1         1" in run.out
    assert "customers            0         1         0" in run.out
    assert "assets               0         1         0" in run.out
    assert "placements           0         1         1" in run.out
    assert f"{'flows':12}{'(not in the input)':>30}" in run.out  # no flows.csv
    assert Site.objects.get(code="GVA1").name == "Geneva 1 (renamed)"
    acme.refresh_from_db()
    assert (acme.privacy_email, acme.security_email) == ("dpo@acme.example", "soc@acme.example")
    vm = Asset.objects.get(ref="gva1-vm-12")
    assert vm.parent is None and vm.site.code == "ZRH1"
    # The volume under the moved VM moves with it.
    assert Asset.objects.get(ref="gva1-vol-7").location.code == "ZRH1"
    assert Placement.objects.get(customer__ref="ACME", asset__ref="gva1-vol-7").subjects == 1500
    # Additive: what the second input does not mention is still there.
    assert Site.objects.filter(code__in=["FRA1", "LAB1"]).count() == 2
    assert Organisation.objects.filter(ref__in=["BETA", "GAMMA"]).count() == 2
    assert Placement.objects.count() == 4 and Flow.objects.count() == 3


def test_a_child_asset_may_come_before_its_parent_and_rows_may_refer_to_the_database(csv_example, tmp_path):
    assert run_import(csv_example).code == 0
    later = write_files(
        tmp_path / "later",
        assets_csv="""
            ref,kind,site,parent,service
            gva1-vol-9,volume,,gva1-vm-13,
            gva1-vm-13,vm,,gva1-host-4,
            gva1-host-4,host,GVA1,,
            """,
        placements_csv="""
            customer,asset,data_categories,subjects,records
            BETA,gva1-vol-9,documents,10,20
            """,
        flows_csv="""
            asset,kind,to_asset,to_site,to_country
            gva1-vol-9,backup,fra1-backup,,
            """,
    )

    run = run_import(later)

    assert run.code == 0, run.err
    volume = Asset.objects.get(ref="gva1-vol-9")
    assert volume.parent.ref == "gva1-vm-13" and volume.parent.parent.ref == "gva1-host-4"
    assert volume.location.code == "GVA1"
    assert Placement.objects.get(asset=volume).customer.ref == "BETA"
    assert Flow.objects.get(asset=volume).to_asset.ref == "fra1-backup"


def test_a_bom_columns_in_any_order_extra_columns_and_case_are_accepted(tmp_path):
    folder = tmp_path / "excel"
    folder.mkdir()
    (folder / "sites.csv").write_bytes(
        "\ufeffName,Code,Country,Operator,City,Notes\r\nGenève 1,GVA1, ch ,,Genève,rack 4\r\n".encode()
    )
    (folder / "assets.csv").write_text("ref,kind,site,parent,service\nh1,HOST,GVA1,,\n", "utf-8")

    assert run_import(folder).code == 0
    site = Site.objects.get(code="GVA1")
    assert (site.name, site.city, site.country) == ("Genève 1", "Genève", "CH")
    assert Asset.objects.get(ref="h1").kind == "host"


def test_small_batches_give_the_same_result_as_one_batch(csv_example, settings):
    settings.ART28_IMPORT_BATCH = 2
    assert run_import(csv_example).code == 0
    small_batches = db_state()
    Flow.objects.all().delete()
    Placement.objects.all().delete()
    Asset.objects.update(parent=None)
    Asset.objects.all().delete()
    settings.ART28_IMPORT_BATCH = 5000
    assert run_import(csv_example).code == 0
    one_batch = db_state()
    for state in (one_batch, small_batches):
        state.pop("audit_entries"), state.pop("periods")  # a second import: more history
    assert one_batch == small_batches


def test_progress_is_reported_in_bytes_read(csv_example):
    calls: list[tuple[int, int]] = []
    total = sum(p.stat().st_size for p in csv_example.iterdir())

    import_inventory(csv_example, actor=TEST_ACTOR, progress=lambda done, of: calls.append((done, of)))

    assert calls and calls[-1] == (total, total)
    assert all(of == total for _, of in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_the_progress_bar_shows_only_when_asked(csv_example):
    quiet = run_import(csv_example)
    assert quiet.err == ""
    shown = run_import(csv_example, "--progress")
    assert shown.code == 0 and "merging" in shown.err


def test_the_format_is_guessed_or_given(csv_example, tmp_path):
    assert run_import(csv_example, "--format", "csv").code == 0
    wrong = run_import(csv_example, "--format", "json")
    assert wrong.code == 1
    assert "csv:0: -: the json format reads one .json file" in wrong.err
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run_import(empty)
    assert nothing.code == 1
    assert "empty:0: -: cannot tell the format: the folder has none of sites.csv" in nothing.err
    only_other = write_files(tmp_path / "other", readme_txt="hello")
    assert "cannot tell the format" in run_import(only_other).err
    assert (
        "csv-only:0: -: the folder has none of sites.csv"
        in run_import(write_files(tmp_path / "csv-only", readme_txt="hello"), "--format", "csv").err
    )
    assert "missing:0: -: no such file or folder" in run_import(tmp_path / "missing").err


def test_the_examples_in_the_docs_are_the_tested_fixtures():
    text = (Path(__file__).resolve().parents[2] / "docs" / "import-formats.md").read_text("utf-8")
    for example in [*sorted(CSV_EXAMPLE.iterdir()), JSON_EXAMPLE]:
        assert example.read_text("utf-8").strip() in text, f"docs/import-formats.md lacks {example.name}"


def test_an_import_of_only_placements_uses_customers_and_assets_already_in_the_database(csv_example, tmp_path):
    assert run_import(csv_example).code == 0
    placements_only = tmp_path / "p"
    placements_only.mkdir()
    shutil.copy(csv_example / "placements.csv", placements_only)
    (placements_only / "placements.csv").write_text(
        (csv_example / "placements.csv").read_text() + "GAMMA,gva1-vol-7,,,1,1\n", "utf-8"
    )
    run = run_import(placements_only)
    assert run.code == 0, run.err
    assert "placements           1         0         4" in run.out
