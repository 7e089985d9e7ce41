"""Records of processing on the pages, the API and the CLI (GDPR Art. 30(2) per controller, Art. 30(1)
the provider's own; nFADP Art. 12): exports, cross-tenant isolation, role checks, bad input."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.records.models import ProcessingActivity
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_portal_record_is_the_customers_own_with_downloads(records_world, acme_viewer):
    client = logged_in(acme_viewer)
    page = client.get("/portal/records/?customer=BETA").content.decode()
    assert "Acme Sàrl" in page and "NYC1" in page and "Beta AG" not in page
    pdf = client.get("/portal/records/record.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    rows = list(csv.DictReader(io.StringIO(client.get("/portal/records/record.csv").content.decode())))
    assert [row["customer_ref"] for row in rows] == ["ACME"]
    assert json.loads(client.get("/portal/records/record.json").content)["ref"] == "ACME"


def test_api_my_record_in_json_csv_and_pdf(records_world, acme_viewer):
    client = logged_in(acme_viewer)
    assert client.get("/api/v1/records/my/record").json()["name"] == "Acme Sàrl"
    assert client.get("/api/v1/records/my/record?format=csv").content.decode().startswith("customer_ref,")
    assert client.get("/api/v1/records/my/record?format=pdf").content.startswith(b"%PDF-")
    assert client.get("/api/v1/records/my/record?format=xml").status_code == 422


def test_api_another_organisations_record_is_a_404_for_a_customer(records_world, acme_viewer):
    client = logged_in(acme_viewer)
    assert client.get("/api/v1/records/controllers/BETA").status_code == 404
    assert client.get("/api/v1/records/controllers/NOPE").status_code == 404
    assert client.get("/api/v1/records/controllers/ACME").json()["ref"] == "ACME"
    assert client.get("/api/v1/records/controllers").status_code == 403
    assert client.get("/api/v1/records/measures").status_code == 403


def test_api_staff_read_any_record_all_records_measures_and_matrix(records_world, auditor):
    client = logged_in(auditor)
    assert client.get("/api/v1/records/controllers/BETA").json()["services"] == ["Mail", "Web hosting"]
    everything = json.loads(b"".join(client.get("/api/v1/records/controllers").streaming_content))
    assert len(everything["controllers"]) == 4
    assert client.get("/api/v1/records/controllers?format=pdf").status_code == 400
    measures = client.get("/api/v1/records/measures").json()
    assert {m["ref"]: m["overdue"] for m in measures}["tom-d-pentest"] is True
    assert {line["topic"] for line in client.get("/api/v1/records/responsibilities").json()} >= {"Content", "Backups"}


def test_staff_controller_list_search_record_page_and_exports(records_world, auditor, django_assert_max_num_queries):
    client = logged_in(auditor)
    with django_assert_max_num_queries(12):
        page = client.get("/staff/records/?q=acme").content.decode()
    assert "ACME" in page and "BETA" not in page
    record_page = client.get("/staff/records/ACME/").content.decode()
    assert "Deliverability Inc." in record_page and "/staff/records/ACME/dpa.pdf" in record_page
    assert client.get("/staff/records/ACME/record.pdf").content.startswith(b"%PDF-")
    all_csv = b"".join(client.get("/staff/records/all.csv").streaming_content).decode()
    assert len(list(csv.DictReader(io.StringIO(all_csv)))) == 4
    refused = client.get("/staff/records/all.pdf")
    assert refused.status_code == 400 and "art28 records-export --format pdf" in refused.content.decode()
    assert client.get("/staff/records/NOPE/").status_code == 404


def test_art30_1_own_record_is_edited_by_the_dpo_only_audited_and_exported(records_world, dpo_client, auditor):
    form = {
        "name": "Customer accounts",
        "purposes": "Running the contract.",
        "data_subject_categories": "Customer contacts",
        "personal_data_categories": "Name, e-mail",
        "recipients": "",
        "transfers": "",
        "retention": "10 years after the contract (CO Art. 958f)",
        "measures": "See the TOMs.",
        "position": 1,
    }
    assert dpo_client.post("/staff/records/own/new/", form | {"retention": ""}).status_code == 400
    assert not ProcessingActivity.objects.exists()
    assert dpo_client.post("/staff/records/own/new/", form).status_code == 302
    assert AuditEntry.objects.filter(action="records.activity.create").count() == 1
    reader = logged_in(auditor)
    assert reader.post("/staff/records/own/new/", form).status_code == 403
    assert (
        json.loads(reader.get("/staff/records/own/record.json").content)["activities"][0]["name"] == "Customer accounts"
    )
    assert reader.get("/staff/records/own/record.pdf").content.startswith(b"%PDF-")
    assert "Customer accounts" in reader.get("/staff/records/own/record.csv").content.decode()


def test_cli_exports_all_one_and_own_and_every_pdf_in_a_zip(records_world, tmp_path, capsys):
    out = tmp_path / "all.json"
    call_command("records_export", "--format", "json", "--output", str(out))
    assert len(json.loads(out.read_text())["controllers"]) == 4
    pdf = tmp_path / "acme.pdf"
    call_command("records_export", "--customer", "ACME", "--format", "pdf", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-")
    call_command("records_export", "--customer", "BETA", "--format", "csv")
    assert "BETA" in capsys.readouterr().out
    archive = tmp_path / "records.zip"
    call_command("records_export", "--format", "pdf", "--output", str(archive))
    with zipfile.ZipFile(archive) as opened:
        assert sorted(opened.namelist()) == ["ACME.pdf", "BETA.pdf", "DELTA.pdf", "GAMMA.pdf"]
        assert opened.read("ACME.pdf").startswith(b"%PDF-")
    with pytest.raises(CommandError, match="add --output FILE"):
        call_command("records_export", "--format", "pdf")
    with pytest.raises(CommandError, match="--customer: no customer"):
        call_command("records_export", "--customer", "NOPE")
    call_command("records_export", "--own", "--format", "json")
    # None typed yet: only the processing art28 itself carries out (core.own_processing), the badge log.
    own = json.loads(capsys.readouterr().out)["activities"]
    assert [a["name"] for a in own] == ["Physical access control of the datacenters"]


def test_customer_roles_get_403_on_staff_record_pages(records_world, make_user):
    client = logged_in(make_user("carl@acme.example", Role.CUSTOMER_ADMIN, records_world.acme))
    assert client.get("/staff/records/ACME/").status_code == 403
    assert client.get("/staff/records/ACME/dpa.pdf").status_code == 403


def test_art30_1_editing_and_removing_an_activity_are_audited(records_world, dpo_client):
    from art28.records.services import activity_create
    from tests.conftest import TEST_ACTOR

    activity = activity_create(
        actor=TEST_ACTOR,
        name="Billing",
        purposes="Invoices.",
        data_subject_categories="Customers",
        personal_data_categories="Name",
        retention="10 years",
    )
    form = {
        "name": "Billing and payments",
        "purposes": "Invoices.",
        "data_subject_categories": "Customers",
        "personal_data_categories": "Name, IBAN",
        "recipients": "",
        "transfers": "",
        "retention": "10 years",
        "measures": "",
        "position": 0,
    }
    assert dpo_client.post(f"/staff/records/own/{activity.pk}/", form).status_code == 302
    update = AuditEntry.objects.get(action="records.activity.update")
    assert update.before["name"] == "Billing" and update.after["personal_data_categories"] == "Name, IBAN"
    assert dpo_client.post(f"/staff/records/own/{activity.pk}/delete/").status_code == 302
    assert AuditEntry.objects.get(action="records.activity.delete").before["name"] == "Billing and payments"
    assert not ProcessingActivity.objects.exists()
