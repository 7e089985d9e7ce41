"""The DPIA support pack's content (GDPR Art. 28(3)(f) with Art. 35(7); nFADP Arts. 22-23): each fact from
its one source, in the customer's language, the service's incidents as counts only; and its versions: a new
one only when the content changes, each generation and download audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.duties.dpia import canonical, dpia_pack
from art28.duties.dpia_services import dpia_pack_download_record, dpia_pack_generate
from art28.duties.models import DpiaPack, DpiaPackDownload
from art28.inventory.models import Placement
from tests.conftest import TEST_ACTOR
from tests.duties.dpia_fixtures import SECRET_TITLE, dpia_world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_cloud(dpia_world):  # noqa: F811
    return dpia_pack(dpia_world.base.acme, dpia_world.cloud, "fr")


def test_art35_7_a_the_processing_is_the_customers_placements_on_the_service_in_its_language(acme_cloud):
    """gva-vol-1 (Cloud) and gva-db-1 (a database inside a Cloud VM) are ACME's data on Cloud servers; its
    bucket (Object storage) is not. Texts in French where the translation exists, English and marked so else."""
    assert acme_cloud["language"] == "fr"
    assert acme_cloud["service"]["name"] == "Serveurs cloud" and acme_cloud["service"]["key"] == "Cloud servers"
    assert acme_cloud["service"]["description_language"] == "en"  # not translated: said so
    processing = acme_cloud["processing"]
    assert processing["placements"] == 2
    assert processing["data_subjects_estimated"] == 1300 and processing["records_estimated"] == 5300
    terms = {t["key"]: (t["text"], t["text_language"]) for t in processing["data_categories"]}
    assert terms == {"contact": ("coordonnées", "fr"), "customer": ("customer", "en"), "health": ("health", "en")}
    assert [t["key"] for t in processing["subject_categories"]] == ["customers", "patients", "website visitors"]
    assert "logs" not in json.dumps(acme_cloud)  # the bucket's category: another service


def test_where_the_data_is_its_copies_and_the_grounds_of_each_foreign_state(acme_cloud):
    """Art. 35(7)(a) with Arts. 44-46 / nFADP Art. 16: the sites, the flows' copies (the backup rotation of
    ZRH1's store: 90 days) and each foreign state with its ground under each law (the record's rule)."""
    assert [(loc["site"], loc["country_name"], loc["placements"]) for loc in acme_cloud["locations"]] == [
        ("GVA1", "Suisse", 2)
    ]
    flows = {(f["kind"], f["destination_site"], f["country"]): f for f in acme_cloud["flows"]}
    assert flows[("backup", "ZRH1", "CH")]["kept_days"] == 90
    assert flows[("backup", "ZRH1", "CH")]["kind_text"] == "sauvegarde"
    assert flows[("replication", "FRA1", "DE")]["copies_of_assets"] == 2
    states = {s["country"]: s for s in acme_cloud["foreign_states"]}
    assert set(states) == {"DE", "US"}
    germany = states["DE"]["places"][0]
    assert (germany["kind"], germany["gdpr"]["ground"], germany["nfadp"]["ground"]) == ("flow", "eea", "adequacy")
    mailer = states["US"]["places"][0]
    assert mailer["kind"] == "subprocessor" and mailer["gdpr"]["ground"] == "safeguard"
    assert states["US"]["gdpr_third_country"] and not states["US"]["has_problem"]


def test_art28_4_the_services_subprocessors_and_their_chain_not_another_services(acme_cloud):
    names = {sp["name"]: sp for sp in acme_cloud["subprocessors"]}
    assert set(names) == {"Helvetia Support AG", "Postbote Inc."}  # Blobcare works for Object storage only
    assert names["Postbote Inc."]["engaged_by"] == ["Helvetia Support AG"]
    assert names["Helvetia Support AG"]["engaged_by"] == []
    assert names["Helvetia Support AG"]["purpose"] == "Tickets de support"
    assert names["Postbote Inc."]["purpose_language"] == "en"


def test_art32_the_services_measures_with_their_evidence_status_never_a_reason(acme_cloud):
    measures = {m["ref"]: m for m in acme_cloud["measures"]["items"]}
    assert set(measures) == {"tom-a-encryption", "tom-b-firewall"}  # the restore measure is Object storage's
    assert measures["tom-a-encryption"]["title"] == "Chiffrement des disques"
    assert (measures["tom-a-encryption"]["status"], measures["tom-a-encryption"]["status_text"]) == (
        "effective",
        "efficace",
    )
    assert measures["tom-b-firewall"]["status"] == "stale"
    assert "reasons" not in json.dumps(acme_cloud["measures"]) and "no evidence" not in json.dumps(acme_cloud)
    assert {row["status"]: row["count"] for row in acme_cloud["measures"]["by_status"]} == {
        "effective": 1,
        "stale": 1,
        "failing": 0,
    }


def test_art35_7_c_incidents_of_24_months_on_the_service_as_counts_only(acme_cloud, dpia_world):  # noqa: F811
    """On Cloud servers: the service's own incident, the Geneva site's, Beta's host (it holds a Cloud VM)
    and the Frankfurt backup store whose frozen impact names ACME's Cloud data. Not Gamma's bucket (Object
    storage), not the one of 25 months ago. Counts by level and nature: no title, reference or customer."""
    incidents = acme_cloud["incidents"]
    assert incidents["months"] == 24 and incidents["total"] == 4
    levels = {row["level"]: row["count"] for row in incidents["by_severity"]}
    assert levels == {"low": 0, "medium": 0, "high": 1, "very_high": 0, "unassessed": 3}
    natures = {row["nature"]: row["count"] for row in incidents["by_nature"]}
    assert natures == {"confidentiality": 2, "integrity": 1, "availability": 2}
    assert incidents["touching_your_data"] == 1
    text = json.dumps(acme_cloud, ensure_ascii=False)
    for incident in dpia_world.incidents.values():
        assert incident.title not in text and incident.ref not in text
    for other in ("BETA", "Beta AG", "GAMMA", "Gamma SA", "DELTA", "gva-vm-2", SECRET_TITLE):
        assert other not in text


def test_the_incidents_of_another_service_are_its_own(dpia_world):  # noqa: F811
    """Object storage: Gamma's bucket incident counts (it is on the service), its title still absent."""
    pack = dpia_pack(dpia_world.base.acme, dpia_world.storage, "en")
    assert pack["incidents"]["total"] == 1 and pack["incidents"]["touching_your_data"] == 0
    assert SECRET_TITLE not in json.dumps(pack) and "GAMMA" not in json.dumps(pack)


def test_the_packs_digest_can_be_recomputed_from_the_downloaded_json(dpia_world):  # noqa: F811
    pack = dpia_pack_generate(actor=TEST_ACTOR, organisation=dpia_world.base.acme, service=dpia_world.cloud)
    document = json.loads(pack.document)
    content = {k: v for k, v in document.items() if k not in ("version", "generated_at", "sha256")}
    assert hashlib.sha256(canonical(content)).hexdigest() == document["sha256"] == pack.sha256
    assert (document["version"], document["language"], pack.language) == (1, "fr", "fr")


def test_a_new_version_only_when_the_content_changes_each_audited(dpia_world):  # noqa: F811
    acme, cloud = dpia_world.base.acme, dpia_world.cloud
    first = dpia_pack_generate(actor=TEST_ACTOR, organisation=acme, service=cloud)
    again = dpia_pack_generate(actor=TEST_ACTOR, organisation=acme, service=cloud)
    assert again.pk == first.pk and again.version == 1  # a later moment, the same facts: the same version
    Placement.objects.filter(customer=acme, asset__ref="gva-vol-1").update(subjects=1500)
    second = dpia_pack_generate(actor=TEST_ACTOR, organisation=acme, service=cloud)
    assert second.version == 2 and second.sha256 != first.sha256
    assert json.loads(second.document)["processing"]["data_subjects_estimated"] == 1600
    other_service = dpia_pack_generate(actor=TEST_ACTOR, organisation=acme, service=dpia_world.databases)
    assert other_service.version == 1  # numbered per customer and service
    entries = AuditEntry.objects.filter(action="duties.dpia_pack_generate").order_by("seq")
    assert [(e.after["service"], e.after["version"], e.after["previous_version"]) for e in entries] == [
        ("Cloud servers", 1, None),
        ("Cloud servers", 2, 1),
        ("Managed databases", 1, None),
    ]
    assert {e.organisation_id for e in entries} == {acme.pk}


def test_a_download_is_recorded_with_user_version_and_format_and_audited(dpia_world, acme_viewer):  # noqa: F811
    pack = dpia_pack_generate(actor=acme_viewer, organisation=dpia_world.base.acme, service=dpia_world.cloud)
    download = dpia_pack_download_record(actor=acme_viewer, pack=pack, format="pdf")
    assert (download.user, download.user_label, download.pack.version, download.format) == (
        acme_viewer,
        "viewer@acme.example",
        1,
        "pdf",
    )
    entry = AuditEntry.objects.get(action="duties.dpia_pack_download")
    assert entry.organisation_id == dpia_world.base.acme.pk and entry.actor_label == "viewer@acme.example"
    assert (entry.after["version"], entry.after["format"], entry.after["sha256"]) == (1, "pdf", pack.sha256)
    with pytest.raises(ValidationError):
        dpia_pack_download_record(actor=acme_viewer, pack=pack, format="docx")


def test_no_pack_of_a_service_without_the_customers_data_nor_for_another_customer(
    dpia_world,  # noqa: F811
    beta_admin,
    make_user,
):
    with pytest.raises(ValidationError) as unused:
        dpia_pack_generate(actor=TEST_ACTOR, organisation=dpia_world.base.beta, service=dpia_world.storage)
    assert "service" in unused.value.message_dict
    with pytest.raises(PermissionDenied):
        dpia_pack_generate(actor=beta_admin, organisation=dpia_world.base.acme, service=dpia_world.cloud)
    pack = dpia_pack_generate(actor=TEST_ACTOR, organisation=dpia_world.base.acme, service=dpia_world.cloud)
    with pytest.raises(PermissionDenied):
        dpia_pack_download_record(actor=beta_admin, pack=pack, format="json")
    dpo = make_user("dpo@provider.example", Role.DPO)
    dpia_pack_download_record(actor=dpo, pack=pack, format="json")  # the DPO preparing it for the customer
    assert DpiaPack.objects.count() == 1 and DpiaPackDownload.objects.count() == 1


def test_the_pack_costs_the_same_queries_however_much_there_is(dpia_world):  # noqa: F811
    """Set-based like the record it borrows from: more placements, sub-processors and measures, no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from art28.inventory.models import AssetKind
    from art28.records.models import TechnicalMeasure
    from art28.subprocessors.models import SubProcessor

    acme, cloud = dpia_world.base.acme, dpia_world.cloud
    with CaptureQueriesContext(connection) as small:
        dpia_pack(acme, cloud, "fr")
    inventory = dpia_world.base.inventory
    for n in range(8):
        vm = inventory.asset(f"gva-vm-9{n}", AssetKind.VM, parent="gva-host-1")
        vm.service = cloud
        vm.save(update_fields=["service"])
        inventory.place(acme, f"gva-vm-9{n}", data_categories="contact", subjects=1, records=1)
    desk = SubProcessor.objects.get(slug="helvetia-support")
    for n in range(4):
        SubProcessor.objects.create(slug=f"helper-{n}", legal_name=f"Helper {n}", address="Bern", purpose="Help",
                                    countries="CH", engaged_by=desk, in_use_from=desk.in_use_from)  # fmt: skip
    owner = TechnicalMeasure.objects.first().owner
    for n in range(5):
        TechnicalMeasure.objects.create(ref=f"tom-b-extra-{n}", area="b", title=f"Extra {n}", description="x",
                                        owner=owner, next_review_on=dt.date(2099, 1, 1))  # fmt: skip
    inventory.refresh()
    with CaptureQueriesContext(connection) as large:
        pack = dpia_pack(acme, cloud, "fr")
    assert pack["processing"]["placements"] == 10 and len(pack["subprocessors"]) == 6
    assert len(large.captured_queries) == len(small.captured_queries)
