"""Audits and inspections by the controller (GDPR Art. 28(3)(h); nFADP Art. 9(2)): notice, the answer's due
day, evidence offered instead where the DPA allows, a maintained audit granted, remediation to closure."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.duties.audits import (
    controller_audit_agree,
    controller_audit_offer_answer,
    controller_audit_offer_evidence,
    controller_audit_report_record,
    controller_audit_request,
    remediation_item_close,
)
from art28.duties.models import ControllerAudit
from tests.conftest import logged_in
from tests.duties.test_pages import api_client

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def ask(actor, customer, *, start_in: int = 30, **fields):
    start = today() + dt.timedelta(days=start_in)
    values = {"scope": "Cloud servers, GVA1", "proposed_from": start, "proposed_to": start + dt.timedelta(days=1),
              "auditor": "Audit AG", "confidentiality": "NDA signed 2026-11-02"} | fields  # fmt: skip
    return controller_audit_request(actor=actor, customer=customer, **values)


@pytest.fixture
def security(make_user):
    from art28.core.roles import Role

    return make_user("security@provider.example", Role.SECURITY)


def test_the_notice_is_the_dpas_exactly(world, acme_admin, settings):
    """ART28_AUDIT_NOTICE_DAYS (30): an audit 30 days ahead is accepted, 29 days is refused (< vs <=)."""
    settings.ART28_AUDIT_NOTICE_DAYS = 30
    with pytest.raises(ValidationError) as early:
        ask(acme_admin, world.acme, start_in=29)
    assert "proposed_from" in early.value.message_dict
    audit = ask(acme_admin, world.acme, start_in=30)
    assert audit.answer_due_on == today() + dt.timedelta(days=settings.ART28_AUDIT_ANSWER_DAYS)


def test_a_request_needs_scope_auditor_and_confidentiality_and_only_an_administrator_asks(world, acme_admin,
                                                                                          acme_viewer):  # fmt: skip
    with pytest.raises(ValidationError) as bad:
        ask(acme_admin, world.acme, scope=" ", auditor="", confidentiality="")
    assert set(bad.value.message_dict) == {"scope", "auditor", "confidentiality"}
    with pytest.raises(PermissionDenied):
        ask(acme_viewer, world.acme)
    assert not ControllerAudit.objects.exists()


def test_evidence_offered_then_accepted_closes_the_request(world, acme_admin, dpo):
    audit = ask(acme_admin, world.acme)
    controller_audit_offer_evidence(
        actor=dpo, audit=audit, note="The 2026 evidence pack and our ISO 27001 certificate."
    )
    controller_audit_offer_answer(actor=acme_admin, audit=audit, accept=True)
    audit.refresh_from_db()
    assert audit.status == "closed" and audit.offer_accepted is True


def test_a_maintained_audit_cannot_be_offered_away_again(world, acme_admin, dpo):
    audit = ask(acme_admin, world.acme)
    controller_audit_offer_evidence(actor=dpo, audit=audit, note="The evidence pack.")
    controller_audit_offer_answer(actor=acme_admin, audit=audit, accept=False, note="We need to see the cage.")
    audit.refresh_from_db()
    assert audit.status == "requested"
    with pytest.raises(ValidationError, match="maintained"):
        controller_audit_offer_evidence(actor=dpo, audit=audit, note="Again the pack.")
    controller_audit_agree(actor=dpo, audit=audit, agreed_from=audit.proposed_from, agreed_to=audit.proposed_to)
    audit.refresh_from_db()
    assert audit.status == "agreed"


def test_without_the_dpas_leave_evidence_cannot_replace_an_audit(world, acme_admin, dpo, settings):
    settings.ART28_AUDIT_EVIDENCE_INSTEAD = False
    audit = ask(acme_admin, world.acme)
    with pytest.raises(ValidationError, match="does not let"):
        controller_audit_offer_evidence(actor=dpo, audit=audit, note="The pack.")


def test_remediation_is_tracked_to_closure_and_every_step_audited(world, acme_admin, security):
    audit = ask(acme_admin, world.acme)
    controller_audit_agree(actor=security, audit=audit, agreed_from=today(), agreed_to=today())
    controller_audit_report_record(actor=security, audit=audit, received_on=today(), summary="Two findings.",
                                   remediations=[("Rotate the backup keys.", today() + dt.timedelta(days=30)),
                                                 ("Log cage visits.", today() + dt.timedelta(days=60))])  # fmt: skip
    audit.refresh_from_db()
    assert audit.status == "remediation"
    first, second = audit.remediations.all()
    remediation_item_close(actor=security, item=first, done_on=today(), note="Keys rotated on the 3rd.")
    audit.refresh_from_db()
    assert audit.status == "remediation"  # one still open
    remediation_item_close(actor=security, item=second, done_on=today(), note="Visitor log in place.")
    audit.refresh_from_db()
    assert audit.status == "closed" and audit.closed_at is not None
    actions = list(AuditEntry.objects.filter(object_type="duties.controlleraudit").values_list("action", flat=True))
    assert actions == [
        "duties.controller_audit_request",
        "duties.controller_audit_agree",
        "duties.controller_audit_report",
        "duties.remediation_close",
        "duties.remediation_close",
    ]


def test_operations_do_not_answer_audits(world, acme_admin, operations):
    audit = ask(acme_admin, world.acme)
    with pytest.raises(PermissionDenied):
        controller_audit_agree(actor=operations, audit=audit, agreed_from=today(), agreed_to=today())


def test_the_customer_asks_in_the_portal_and_sees_only_its_own(world, acme_admin, beta_admin):
    client = logged_in(acme_admin)
    start = (today() + dt.timedelta(days=45)).isoformat()
    bad = client.post("/portal/audits/request", {"scope": "x", "proposed_from": today().isoformat(),
                      "proposed_to": start, "auditor": "Audit AG", "confidentiality": "NDA"})  # fmt: skip
    assert bad.status_code == 400 and "days&#x27; notice" in bad.content.decode()
    good = {"scope": "Cloud servers", "proposed_from": start, "proposed_to": start, "auditor": "Audit AG",
            "confidentiality": "NDA"}  # fmt: skip
    assert client.post("/portal/audits/request", good).status_code == 302
    audit = ControllerAudit.objects.get()
    assert client.get(f"/portal/audits/{audit.public_id}/").status_code == 200
    beta = logged_in(beta_admin)
    assert beta.get(f"/portal/audits/{audit.public_id}/").status_code == 404
    assert audit.reference.encode() not in beta.get("/portal/audits/").content
    assert api_client(beta_admin).get("/api/v1/duties/my/audits").json() == []
    assert api_client(beta_admin).get(f"/api/v1/duties/my/audits/{audit.public_id}").status_code == 404
    created = api_client(beta_admin).post("/api/v1/duties/my/audits", json.dumps({
        "scope": "Backups", "proposed_from": start, "proposed_to": start, "auditor": "B-Audit",
        "confidentiality": "NDA"}), content_type="application/json")  # fmt: skip
    assert created.status_code == 201 and created.json()["customer"] == "BETA"


def test_the_dashboard_shows_a_request_with_its_answer_due_day(world, acme_admin, ops_client):
    audit = ask(acme_admin, world.acme)
    page = ops_client.get("/staff/").content.decode()
    assert audit.reference in page and "answer due by" in page
