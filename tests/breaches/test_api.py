"""/api/v1/breaches/: the whole path with token auth (declare → scope → decide → assess → notice → send),
and who may do what (S3)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from art28.core.roles import Role
from art28.core.services import api_token_create
from art28.notify.models import Delivery, Message
from tests.breaches.fixtures import hours_ago
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db
BASE = "/api/v1/breaches"


def token_client(user) -> Client:
    _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="incident tooling")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def declare_payload(**overrides):
    return {
        "title": "Object storage bucket policy opened to the world",
        "aware_at": hours_ago(1).isoformat(),
        "started_at": hours_ago(30).isoformat(),
        "nature": ["confidentiality"],
        "description": "A policy change made buckets public.",
        "scope": {"services": ["Object storage"]},
    } | overrides


def test_end_to_end_declare_scope_decide_assess_notice_send(breach_world, security_user):
    api = token_client(security_user)
    response = api.post(f"{BASE}/incidents", declare_payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    incident = response.json()
    ref = incident["ref"]
    assert incident["impact"] == {"customers": 2, "subjects": 13, "records": 24}
    assert incident["phase"] == "open" and incident["decision"] == "pending"

    scope = {"assets": ["zrh-cluster-1"], "sites": ["GVA1"], "services": []}
    response = api.put(f"{BASE}/incidents/{ref}/scope", scope, content_type="application/json")
    assert response.status_code == 200 and response.json()["scope"]["sites"] == ["GVA1"]

    impact = api.get(f"{BASE}/incidents/{ref}/impact").json()
    assert [c["customer"] for c in impact["customers"]] == ["ACME", "BETA", "GAMMA"]
    assert impact["totals"] == {"customers": 3, "subjects": 1363, "records": 5384}

    severity = {"dpc_base": 1, "ease_of_identification": "1", "cb_confidentiality": "0.5", "malicious": False}
    response = api.post(f"{BASE}/incidents/{ref}/severity", severity, content_type="application/json")
    assert response.status_code == 201 and response.json()["level"] == "low"

    response = api.post(f"{BASE}/incidents/{ref}/decision", {"decision": "notify"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["frozen"] == {"customers": 3, "subjects": 1363, "records": 5384}

    overrides = {"it": {"subject": "Violazione {customer_ref}", "body": "Gentile {customer_name}: {records} record."}}
    response = api.post(
        f"{BASE}/incidents/{ref}/notices", {"kind": "initial", "texts": overrides}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    notice = response.json()
    assert notice["languages"] == ["fr", "de", "it"] and notice["texts"]["it"]["subject"] == "Violazione {customer_ref}"

    response = api.post(f"{BASE}/incidents/{ref}/notices/1/send")
    assert response.status_code == 200, response.content
    assert response.json()["recipients"] == 3 and response.json()["sent_at"]
    assert Message.objects.get(organisation=breach_world.gamma).body_text == "Gentile Gamma SA: 4 record."
    assert not Message.objects.filter(organisation=breach_world.delta).exists()
    assert not Delivery.objects.filter(message__organisation=breach_world.delta).exists()

    Message.objects.filter(organisation=breach_world.acme).update(acknowledged_at=timezone.now())
    state = api.get(f"{BASE}/incidents/{ref}").json()
    assert state["phase"] == "notifying" and state["overdue"] is False
    assert state["notices"][0] | {"created_at": None, "sent_at": None} == {
        "sequence": 1, "kind": "initial", "languages": ["fr", "de", "it"], "created_at": None,
        "created_by": security_user.email, "sent_at": None, "sent_by": security_user.email,
        "recipients": 3, "deliveries": 6, "messages": 3, "acknowledged": 1,
    }  # fmt: skip
    assert state["severity"]["score"] == "1.5000" and state["severity"]["level"] == "low"
    assert [d["decision"] for d in state["decisions"]] == ["notify"]

    listed = api.get(f"{BASE}/incidents").json()
    assert [i["ref"] for i in listed] == [ref]
    rows = list(csv.DictReader(io.StringIO(b"".join(api.get(f"{BASE}/register.csv").streaming_content).decode())))
    assert rows[0]["ref"] == ref and rows[0]["affected_customers"] == "3"


def test_rules_answer_422_with_the_services_message(breach_world, dpo_user):
    api = token_client(dpo_user)
    bad = declare_payload(started_at=hours_ago(1).isoformat(), ended_at=hours_ago(2).isoformat())
    response = api.post(f"{BASE}/incidents", bad, content_type="application/json")
    assert response.status_code == 422 and "cannot end" in response.json()["detail"]
    response = api.post(
        f"{BASE}/incidents", declare_payload(scope={"assets": ["ghost"]}), content_type="application/json"
    )
    assert response.status_code == 422 and "unknown asset: ghost" in response.json()["detail"]
    ref = api.post(f"{BASE}/incidents", declare_payload(), content_type="application/json").json()["ref"]
    response = api.post(
        f"{BASE}/incidents/{ref}/decision", {"decision": "no_notification"}, content_type="application/json"
    )
    assert response.status_code == 422 and "written reason" in response.json()["detail"]
    response = api.post(
        f"{BASE}/incidents/{ref}/decision",
        {"decision": "no_notification", "reason": "Buckets held only public assets."},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["decision_reason"] == "Buckets held only public assets."
    assert api.get(f"{BASE}/incidents/INC-1999-0001").status_code == 404


def test_severity_api_takes_a_final_dpc_or_a_whole_step_adjustment_enisa_2013(breach_world, dpo_user):
    """ENISA 2013: the context moves the base DPC to any final 1-4 in whole steps, with a reason."""
    api = token_client(dpo_user)
    ref = api.post(f"{BASE}/incidents", declare_payload(), content_type="application/json").json()["ref"]
    url = f"{BASE}/incidents/{ref}/severity"
    base = {"dpc_base": 4, "ease_of_identification": "1", "cb_confidentiality": "0.5"}

    response = api.post(url, base | {"dpc_final": 1, "dpc_reason": "already public"}, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["dpc_adjustment"], data["dpc_final"], data["dpc_reason"]) == ("-3.00", "1.00", "already public")
    assert (data["score"], data["level"]) == ("1.5000", "low")

    response = api.post(url, base | {"dpc_adjustment": "-2", "dpc_reason": "x"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["dpc_final"] == "2.00"

    refused = [
        ({"dpc_final": 1}, "written reason"),
        ({"dpc_final": 5, "dpc_reason": "x"}, "dpc_final: the final DPC must be a whole score from 1 to 4"),
        ({"dpc_adjustment": "-0.25", "dpc_reason": "x"}, "whole number"),
        ({"dpc_adjustment": "1", "dpc_reason": "x"}, "gives 5; the final DPC must be 1 to 4"),
        ({"dpc_final": 2, "dpc_adjustment": "-1", "dpc_reason": "x"}, "disagree"),
    ]
    for extra, message in refused:
        response = api.post(url, base | extra, content_type="application/json")
        assert response.status_code == 422 and message in response.json()["detail"], (extra, response.content)
    assert api.get(f"{BASE}/incidents/{ref}").json()["severity"]["dpc_final"] == "2.00"


def test_patch_changes_only_the_given_facts(breach_world, security_user):
    api = token_client(security_user)
    ref = api.post(f"{BASE}/incidents", declare_payload(), content_type="application/json").json()["ref"]
    response = api.patch(
        f"{BASE}/incidents/{ref}",
        {"remedial_action": "Policy reverted; access logs reviewed.", "nature": ["confidentiality", "integrity"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["remedial_action"] == "Policy reverted; access logs reviewed."
    assert data["nature"] == ["confidentiality", "integrity"] and data["title"].startswith("Object storage")


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.AUDITOR])
def test_staff_who_only_read_get_403_on_writes(breach_world, make_user, security_user, role):
    ref = (
        token_client(security_user)
        .post(f"{BASE}/incidents", declare_payload(), content_type="application/json")
        .json()["ref"]
    )
    reader = token_client(make_user(f"{role}@provider.example", role))
    assert reader.get(f"{BASE}/incidents/{ref}").status_code == 200
    assert reader.get(f"{BASE}/incidents/{ref}/impact").status_code == 200
    assert reader.post(f"{BASE}/incidents", declare_payload(), content_type="application/json").status_code == 403
    assert (
        reader.post(
            f"{BASE}/incidents/{ref}/decision", {"decision": "notify"}, content_type="application/json"
        ).status_code
        == 403
    )
