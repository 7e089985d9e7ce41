"""The TOMs catalogue (GDPR Art. 32(1)(a)-(d)): writes, reviews (Art. 32(1)(d): regular testing and
evaluation), overdue reviews on the dashboard, role checks, bad input and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.records.models import TechnicalMeasure
from art28.records.services import measure_review, measure_update
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_art32_1_d_a_review_sets_today_and_the_next_date_and_audits_the_note(records_world):
    measure = records_world.measures["tom-d-pentest"]
    reviewed = measure_review(actor=records_world.security, measure=measure, note="Report 2026-11 filed.")
    today = timezone.localdate()
    assert reviewed.last_reviewed_on == today
    assert reviewed.next_review_on == today + dt.timedelta(days=365)
    entry = AuditEntry.objects.filter(action="records.measure.review").get()
    assert entry.after["note"] == "Report 2026-11 filed." and entry.actor_label == "security@example-hosting.ch"


def test_only_dpo_admin_and_security_review_and_only_dpo_admin_change_a_measure(records_world, make_user):
    measure = records_world.measures["tom-a-encryption"]
    ops = make_user("ops@example-hosting.ch", Role.OPERATIONS)
    with pytest.raises(PermissionDenied):
        measure_review(actor=ops, measure=measure)
    with pytest.raises(PermissionDenied):
        measure_update(actor=records_world.security, measure=measure, title="Renamed")
    updated = measure_update(actor=records_world.dpo, measure=measure, title="Full-disk encryption")
    assert updated.title == "Full-disk encryption"
    entry = AuditEntry.objects.filter(action="records.measure.update").get()
    assert entry.before["title"] == "Disk encryption" and entry.after["title"] == "Full-disk encryption"


def test_bad_input_names_the_field_and_changes_nothing(records_world):
    measure = records_world.measures["tom-a-encryption"]
    with pytest.raises(ValidationError) as caught:
        measure_update(actor=records_world.dpo, measure=measure, area="z", review_every_days=0)
    assert set(caught.value.message_dict) == {"area", "review_every_days"}
    measure.refresh_from_db()
    assert measure.area == "a" and measure.review_every_days == 365
    assert not AuditEntry.objects.filter(action="records.measure.update").exists()


def test_staff_page_groups_by_art32_area_and_flags_overdue(records_world, auditor):
    response = logged_in(auditor).get("/staff/records/measures/")
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("(a) pseudonymisation", "(b) confidentiality", "(c) restoring", "(d) regular testing"):
        assert label in page
    assert "Yearly intrusion test" in page and "overdue" in page
    assert "Old restore drill" not in page  # retired: hidden unless asked
    assert "Old restore drill" in logged_in(auditor).get("/staff/records/measures/?retired=on").content.decode()
    assert "Add a measure" not in page  # the auditor reads only


def test_the_dashboard_counts_overdue_reviews_with_links(records_world, staff_client):
    page = staff_client.get("/staff/").content.decode()
    assert "overdue measure reviews" in page
    assert "/staff/records/measures/tom-d-pentest/" in page
    measure_review(actor=records_world.dpo, measure=records_world.measures["tom-d-pentest"])
    page = staff_client.get("/staff/").content.decode()
    assert "/staff/records/measures/tom-d-pentest/" not in page


def test_dpo_creates_a_measure_on_the_page_and_bad_input_is_shown_on_its_field(records_world, dpo_client):
    form = {
        "ref": "tom-b-backup-isolation",
        "area": "b",
        "title": "Isolated backups",
        "description": "Backups in a separate network.",
        "owner": records_world.dpo.pk,
        "review_every_days": 180,
        "next_review_on": "2027-01-31",
        "services": [records_world.services["Backup"].pk],
    }
    bad = dpo_client.post("/staff/records/measures/new/", form | {"ref": "tom-a-encryption"})
    assert bad.status_code == 400 and "already exists" in bad.content.decode()
    response = dpo_client.post("/staff/records/measures/new/", form)
    assert response.status_code == 302
    created = TechnicalMeasure.objects.get(ref="tom-b-backup-isolation")
    assert [s.name for s in created.services.all()] == ["Backup"] and created.next_review_on == dt.date(2027, 1, 31)
    assert AuditEntry.objects.filter(action="records.measure.create", object_id=str(created.pk)).exists()


def test_security_reviews_on_the_page_but_cannot_edit_or_create(records_world, security_client):
    response = security_client.post("/staff/records/measures/tom-d-pentest/review/", {"note": "Done."})
    assert response.status_code == 302
    next_review = timezone.localdate() + dt.timedelta(days=365)  # in the page's format, not ISO 8601
    shown = security_client.get(response["Location"]).content.decode()
    assert f"next review on {next_review.day} {next_review:%b} {next_review.year}." in shown
    assert TechnicalMeasure.objects.get(ref="tom-d-pentest").last_reviewed_on == timezone.localdate()
    assert security_client.get("/staff/records/measures/new/").status_code == 403
    assert security_client.post("/staff/records/measures/tom-d-pentest/", {"title": "x"}).status_code == 403
    assert security_client.post("/staff/records/measures/tom-a-encryption/retire/").status_code == 403


def test_customers_never_see_the_staff_pages(records_world, acme_admin):
    client = logged_in(acme_admin)
    for url in ("/staff/records/measures/", "/staff/records/", "/staff/records/responsibilities/"):
        assert client.get(url).status_code == 403


def test_the_catalogue_page_costs_the_same_queries_for_many_measures(
    records_world, auditor, django_assert_max_num_queries
):
    from art28.records.services import measure_create
    from tests.conftest import TEST_ACTOR

    for index in range(40):
        measure_create(
            actor=TEST_ACTOR,
            ref=f"tom-b-extra-{index}",
            area="b",
            title=f"Extra {index}",
            description="x",
            owner=records_world.dpo,
            services=[records_world.services["Mail"]],
        )
    client = logged_in(auditor)
    with django_assert_max_num_queries(8):
        page = client.get("/staff/records/measures/").content.decode()
    assert "Extra 39" in page


def test_retiring_a_measure_is_audited_and_removes_it_from_records(records_world, dpo_client):
    response = dpo_client.post("/staff/records/measures/tom-a-encryption/retire/", {"reason": "Replaced by HSM."})
    assert response.status_code == 302
    measure = records_world.measures["tom-a-encryption"]
    entry = AuditEntry.objects.get(action="records.measure.retire", object_id=str(measure.pk))
    assert entry.after == {"active": False, "reason": "Replaced by HSM."}
    from art28.records.generation import controller_record

    assert "tom-a-encryption" not in {m.ref for m in controller_record(records_world.acme).measures}


def test_the_catalogue_and_the_matrix_download_as_csv_for_auditors(records_world, auditor, acme_admin):
    import csv
    import io

    reader = logged_in(auditor)
    rows = {
        r["title"]: r for r in csv.DictReader(io.StringIO(reader.get("/staff/records/measures.csv").content.decode()))
    }
    assert rows["Yearly intrusion test"]["review_overdue"] == "yes"
    assert rows["Old restore drill"]["state"] == "retired"
    assert {r["area_art_32_1"] for r in rows.values()} <= {"a", "b", "c", "d"}
    matrix = list(csv.DictReader(io.StringIO(reader.get("/staff/records/responsibilities.csv").content.decode())))
    assert matrix and {"service", "topic", "customer", "provider"} == set(matrix[0])
    assert logged_in(acme_admin).get("/staff/records/measures.csv").status_code == 403
