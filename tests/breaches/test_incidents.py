"""Incidents: declaration, facts, scope, phases and decisions; each write in the audit trail (S3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from art28.breaches.decisions import incident_decide_no_notification, incident_decide_notify, incident_impact_freeze
from art28.breaches.models import AffectedCustomer, Decision, Incident, IncidentDecision, Phase
from art28.breaches.services import (
    incident_declare,
    incident_phase_change,
    incident_scope_set,
    incident_update,
    scope_refs,
)
from art28.core.audit import verify_chain
from art28.core.models import AuditEntry
from tests.breaches.fixtures import hours_ago
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


def declare(**overrides) -> Incident:
    fields = {
        "actor": TEST_ACTOR,
        "title": "Hypervisor escape on GVA1",
        "aware_at": hours_ago(2),
        "started_at": hours_ago(5),
        "natures": ["confidentiality"],
        "sites": ["GVA1"],
    }
    return incident_declare(**(fields | overrides))


def actions(incident: Incident) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="breaches.incident", object_id=str(incident.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_declaring_gives_a_per_year_reference_and_an_audit_entry(breach_world):
    first, second = declare(), declare(title="Second")
    year = timezone.localtime().year
    assert (first.ref, second.ref) == (f"INC-{year}-0001", f"INC-{year}-0002")
    assert first.phase == Phase.OPEN and first.decision == Decision.PENDING
    assert actions(first) == ["incident.declare"]
    entry = AuditEntry.objects.get(action="incident.declare", object_id=str(first.pk))
    assert entry.after["sites"] == ["GVA1"] and entry.after["natures"] == ["confidentiality"]
    assert verify_chain().ok


def test_the_sequence_restarts_each_year(breach_world):
    from art28.breaches.models import IncidentSequence

    IncidentSequence.objects.create(year=timezone.localtime().year - 1, last=41)
    assert declare().ref.endswith("-0001")


def test_several_natures_may_apply_but_one_is_needed(breach_world):
    assert declare(natures=["integrity", "availability"]).natures == ["integrity", "availability"]
    with pytest.raises(ValidationError) as caught:
        declare(natures=[])
    assert "at least one nature" in str(caught.value)
    with pytest.raises(ValidationError, match="unknown nature"):
        declare(natures=["secrecy"])


def test_a_breach_cannot_end_before_it_started(breach_world):
    with pytest.raises(ValidationError) as caught:
        declare(started_at=hours_ago(5), ended_at=hours_ago(6))
    assert "cannot end" in caught.value.message_dict["ended_at"][0]
    assert Incident.objects.count() == 0


def test_becoming_aware_before_the_recorded_start_is_allowed(breach_world):
    incident = declare(aware_at=hours_ago(10), started_at=hours_ago(5))
    assert incident.aware_at < incident.started_at


def test_times_in_the_future_are_refused(breach_world):
    later = timezone.now() + dt.timedelta(hours=3)
    with pytest.raises(ValidationError) as caught:
        declare(aware_at=later)
    assert "future" in caught.value.message_dict["aware_at"][0]


def test_an_unknown_scope_ref_is_named_and_nothing_is_declared(breach_world):
    with pytest.raises(ValidationError) as caught:
        declare(assets=["gva-host-1", "ghost-1"], sites=["MARS"])
    assert caught.value.message_dict == {"assets": ["unknown asset: ghost-1"], "sites": ["unknown site: MARS"]}
    assert Incident.objects.count() == 0


def test_updates_record_only_what_changed(breach_world):
    incident = declare()
    incident_update(actor=TEST_ACTOR, incident=incident, remedial_action="Patched the hypervisor.", title="Renamed")
    entry = AuditEntry.objects.get(action="incident.update")
    assert entry.before == {"title": "Hypervisor escape on GVA1", "remedial_action": ""}
    assert entry.after == {"title": "Renamed", "remedial_action": "Patched the hypervisor."}
    incident_update(actor=TEST_ACTOR, incident=incident, title="Renamed")  # nothing changes: no entry
    assert AuditEntry.objects.filter(action="incident.update").count() == 1


def test_the_scope_is_replaced_and_audited(breach_world):
    incident = declare()
    incident_scope_set(
        actor=TEST_ACTOR,
        incident=incident,
        assets=["zrh-cluster-1"],
        services=["Managed databases"],
        window_from=hours_ago(6),
        window_to=hours_ago(1),
    )
    assert scope_refs(incident) == {"assets": ["zrh-cluster-1"], "sites": [], "services": ["Managed databases"]}
    entry = AuditEntry.objects.get(action="incident.scope_set")
    assert entry.before["sites"] == ["GVA1"] and entry.after["assets"] == ["zrh-cluster-1"]
    with pytest.raises(ValidationError, match="time window"):
        incident_scope_set(actor=TEST_ACTOR, incident=incident, window_from=hours_ago(1), window_to=hours_ago(3))


def test_deciding_to_notify_freezes_the_affected_customers(breach_world):
    incident = declare()
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    incident.refresh_from_db()
    assert incident.decision == Decision.NOTIFY and incident.phase == Phase.ASSESSED
    rows = {r.organisation.ref: r for r in AffectedCustomer.objects.select_related("organisation")}
    assert set(rows) == {"ACME", "BETA"}
    assert rows["ACME"].asset_list == ["gva-db-1", "gva-vol-1"] and rows["ACME"].subjects == 1300
    assert IncidentDecision.objects.get().customers == 2
    assert actions(incident) == ["incident.declare", "incident.decide", "incident.phase_change"]


def test_notify_needs_someone_affected(breach_world):
    incident = declare(sites=[], assets=["gva-host-2"], services=[])
    incident_scope_set(actor=TEST_ACTOR, incident=incident, assets=["fra-host-1"])
    incident_scope_set(actor=TEST_ACTOR, incident=incident)
    with pytest.raises(ValidationError, match="No customer is affected"):
        incident_decide_notify(actor=TEST_ACTOR, incident=incident)


def test_no_notification_needs_a_written_reason_gdpr_art_33_5(breach_world):
    """GDPR Art. 33(5): the register keeps the decision; "no notification" is decided, with who, when, why."""
    incident = declare()
    with pytest.raises(ValidationError, match="needs a written reason"):
        incident_decide_no_notification(actor=TEST_ACTOR, incident=incident, reason="   ")
    incident_decide_no_notification(
        actor=TEST_ACTOR, incident=incident, reason="The data was encrypted and the key was not exposed."
    )
    incident.refresh_from_db()
    assert incident.decision == Decision.NO_NOTIFICATION
    assert incident.decided_by_label == "pytest" and incident.decided_at is not None
    assert incident.decision_reason.startswith("The data was encrypted")


def test_reversing_no_notification_needs_a_new_reason(breach_world):
    incident = declare()
    incident_decide_no_notification(actor=TEST_ACTOR, incident=incident, reason="Encrypted at rest.")
    with pytest.raises(ValidationError, match="new written reason"):
        incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    incident_decide_notify(actor=TEST_ACTOR, incident=incident, reason="The key was on the same host after all.")
    history = list(IncidentDecision.objects.values_list("decision", "reason"))
    assert history == [
        ("no_notification", "Encrypted at rest."),
        ("notify", "The key was on the same host after all."),
    ]


def test_refreezing_adds_and_removes_customers_but_keeps_those_already_notified(breach_world):
    incident = declare()
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    AffectedCustomer.objects.filter(organisation=breach_world.beta).update(first_notice_at=timezone.now())
    incident_scope_set(actor=TEST_ACTOR, incident=incident, assets=["zrh-cluster-1"])
    incident_impact_freeze(actor=TEST_ACTOR, incident=incident)
    rows = {r.organisation.ref: r.still_affected for r in AffectedCustomer.objects.select_related("organisation")}
    # ACME is still affected (zrh-bucket-1); GAMMA is new; BETA was told, so it stays, no longer affected.
    assert rows == {"ACME": True, "BETA": False, "GAMMA": True}


def test_phases_follow_the_path_and_are_audited(breach_world):
    incident = declare()
    with pytest.raises(ValidationError, match="first notice is sent"):
        incident_phase_change(actor=TEST_ACTOR, incident=incident, phase=Phase.NOTIFYING)
    with pytest.raises(ValidationError, match="Decide first"):
        incident_phase_change(actor=TEST_ACTOR, incident=incident, phase=Phase.CLOSED)
    incident_phase_change(actor=TEST_ACTOR, incident=incident, phase=Phase.ASSESSED)
    incident_decide_no_notification(actor=TEST_ACTOR, incident=incident, reason="No personal data on the host.")
    incident = incident_phase_change(actor=TEST_ACTOR, incident=incident, phase=Phase.CLOSED, note="done")
    assert incident.phase == Phase.CLOSED and incident.closed_at is not None
    incident = incident_phase_change(actor=TEST_ACTOR, incident=incident, phase=Phase.ASSESSED)
    assert incident.closed_at is None
    changes = AuditEntry.objects.filter(action="incident.phase_change").values_list("before", "after")
    assert [(b["phase"], a["phase"]) for b, a in changes] == [
        ("open", "assessed"),
        ("assessed", "closed"),
        ("closed", "assessed"),
    ]


def test_closing_after_deciding_to_notify_needs_the_first_notice(breach_world):
    incident = declare()
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    with pytest.raises(ValidationError, match="send the first notice before closing"):
        incident_phase_change(actor=TEST_ACTOR, incident=incident, phase=Phase.CLOSED)


@pytest.mark.parametrize("role", ["operations", "auditor", "customer_admin"])
def test_only_security_dpo_and_admin_handle_breaches(breach_world, make_user, role):
    org = breach_world.acme if role.startswith("customer") else None
    user = make_user(f"{role}@example.test", role, org)
    with pytest.raises(PermissionDenied):
        declare(actor=user)


@pytest.mark.parametrize("role", ["security", "dpo", "admin"])
def test_security_dpo_and_admin_may_declare(breach_world, make_user, role):
    incident = declare(actor=make_user(f"{role}@provider.test", role))
    assert incident.declared_by_label == f"{role}@provider.test"


def test_refreezing_rewrites_only_the_rows_whose_figures_changed(breach_world):
    incident = declare()
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    before = dict(AffectedCustomer.objects.values_list("organisation__ref", "frozen_at"))
    breach_world.inventory.place(breach_world.beta, "gva-host-1", data_categories="logs", subjects=5, records=5)
    incident_impact_freeze(actor=TEST_ACTOR, incident=incident)
    after = dict(AffectedCustomer.objects.values_list("organisation__ref", "frozen_at"))
    assert after["ACME"] == before["ACME"] and after["BETA"] > before["BETA"]
    assert AffectedCustomer.objects.get(organisation=breach_world.beta).subjects == 55
