"""The staff pages of controls and evidence (S2): an auditor sees the catalogue by status with the reasons,
a control's sources and evidence, one item with its hash, the runs, and the Statement of Applicability."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.evidence import Collected
from art28.core.roles import Role
from art28.evidence.collection import evidence_collect
from art28.evidence.models import Evidence
from tests.conftest import logged_in
from tests.evidence.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client(make_user):
    return logged_in(make_user("auditor@audit.example", Role.AUDITOR))


@pytest.fixture
def collected(measure, register):
    """The isolation control proved by a nightly collector whose latest night found a breach."""
    today = timezone.localdate()

    def nightly(since, until):
        for back, passed in ((2, True), (1, False)):
            day = today - dt.timedelta(days=back)
            if since <= at(day) < until:
                yield Collected(key=day.isoformat(), title=f"isolation run of {day}", effective_at=at(day),
                                data={"breaches": 0 if passed else 1}, passed=passed)  # fmt: skip

    register("test.isolation", nightly, valid_days=2)
    measure.evidence_sources, measure.iso_refs, measure.nfadp_refs = ["test.isolation"], ["A.8.22"], ["DSV 3(1)(b)"]
    measure.save()
    evidence_collect(actor=SystemActor("test"), until=timezone.now())
    return measure


def test_the_auditor_sees_the_failing_control_first_with_its_reason(auditor_client, collected):
    html = auditor_client.get("/staff/evidence/").content.decode()
    assert "tom-b-tenant-isolation" in html and 'class="badge bad">failing' in html
    assert f"isolation run of {timezone.localdate() - dt.timedelta(days=1)}" in html
    assert "<svg" in html and "1 controls by status" in html


def test_a_control_page_lists_its_sources_and_evidence(auditor_client, collected):
    html = auditor_client.get("/staff/evidence/controls/tom-b-tenant-isolation/").content.decode()
    assert "test.isolation" in html and "A.8.22" in html and "DSV 3(1)(b)" in html
    assert html.count("/staff/evidence/items/") == 2 and "problem found" in html
    assert auditor_client.get("/staff/evidence/controls/no-such-control/").status_code == 404


def test_an_item_shows_its_data_and_hash(auditor_client, collected):
    item = Evidence.objects.get(passed=False)
    html = auditor_client.get(f"/staff/evidence/items/{item.pk}/").content.decode()
    assert item.sha256 in html and "&quot;breaches&quot;: 1" in html and "tom-b-tenant-isolation" in html


def test_the_statement_of_applicability_lists_every_control_with_its_references(auditor_client, collected):
    response = auditor_client.get("/staff/evidence/statement-of-applicability.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="statement-of-applicability-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["ref"], row["gdpr_art_32_1"], row["iso_27001_2022_annex_a"]) == ("tom-b-tenant-isolation", "32(1)(b)",
                                                                                 "A.8.22")  # fmt: skip
    assert (row["applicable"], row["status"], row["evidence_items"]) == ("yes", "failing", "2")


def test_the_runs_page_shows_each_collector_run(auditor_client, collected):
    html = auditor_client.get("/staff/evidence/runs/").content.decode()
    assert "test.isolation" in html


def test_empty_states_say_what_to_do(auditor_client):
    assert "run art28 evidence-collect" in auditor_client.get("/staff/evidence/runs/").content.decode()
    assert "No control yet" in auditor_client.get("/staff/evidence/").content.decode()


def test_security_uploads_evidence_dated_as_of_the_drill_and_readers_cannot(make_user, measure):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from art28.core.models import AuditEntry

    security = logged_in(make_user("sec@example-hosting.ch", Role.SECURITY))
    form = {"title": "Fire drill GVA1", "controls": [measure.pk], "effective_on": "2026-11-02",
            "valid_until": "2027-11-01", "file": SimpleUploadedFile("drill.pdf", b"%PDF-1.7 drill report")}  # fmt: skip
    response = security.post("/staff/evidence/upload/", form)
    item = Evidence.objects.get(source="upload")
    assert response.status_code == 302 and response["Location"] == f"/staff/evidence/items/{item.pk}/"
    assert timezone.localtime(item.effective_at).date() == dt.date(2026, 11, 2)
    assert list(item.controls.all()) == [measure]
    assert AuditEntry.objects.filter(action="evidence.upload", object_id=str(item.pk)).exists()
    download = security.get(f"/staff/evidence/items/{item.pk}/file")
    assert download.content == b"%PDF-1.7 drill report" and download["Content-Type"] == "application/pdf"

    again = dict(form, file=SimpleUploadedFile("copy.pdf", b"%PDF-1.7 drill report"), effective_on="2099-01-01")
    refused = security.post("/staff/evidence/upload/", again)
    assert refused.status_code == 400 and Evidence.objects.count() == 1
    html = refused.content.decode()
    assert "not a future day" in html and "already evidence" in html

    auditor = logged_in(make_user("auditor2@audit.example", Role.AUDITOR))
    form["file"] = SimpleUploadedFile("other.pdf", b"%PDF-1.7 other")
    assert auditor.post("/staff/evidence/upload/", form).status_code == 403


def test_the_dashboard_names_the_failing_control(make_user, collected):
    dpo = logged_in(make_user("dpo@example-hosting.ch", Role.DPO))
    html = dpo.get("/staff/").content.decode()
    assert "Controls: 1 failing, 0 stale, 0 effective" in html and "(tom-b-tenant-isolation)" in html


def test_the_statement_of_applicability_as_pdf(auditor_client, collected):
    response = auditor_client.get("/staff/evidence/statement-of-applicability.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
