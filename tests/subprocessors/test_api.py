"""The sub-processor API /api/v1/subprocessors/ (S4): the register and changes for staff, /my/ for customers,
scoped to their own organisation (another organisation's change: 404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.core.services import api_token_create
from art28.notify.models import Message
from art28.subprocessors.models import ChangeRecipient, SubProcessor
from tests.conftest import TEST_ACTOR
from tests.subprocessors.fixtures import MAIL, SINCE, WEB, agreement_for, announced_addition, new_subprocessor

pytestmark = pytest.mark.django_db
API = "/api/v1/subprocessors"


def token_client(user) -> Client:
    _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def dpo_api(dpo_user) -> Client:
    return token_client(dpo_user)


def test_the_dpo_drives_the_whole_path_by_api(sp_world, dpo_api, acme_admin):
    created = dpo_api.post(
        f"{API}/",
        {
            "slug": "mailjet-us",
            "legal_name": "Deliverability Inc.",
            "address": "San Francisco",
            "purpose": "Outgoing e-mail",
            "countries": ["us"],
            "transfer_safeguard": "SCC with the Swiss addendum",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["countries"] == ["US"] and created.json()["in_use"] is False
    assert created.json()["flow_down_agreement"] is None
    agreement_for(SubProcessor.objects.get(slug="mailjet-us"))  # GDPR Art. 28(4): before it can be announced

    draft = dpo_api.post(
        f"{API}/changes",
        {"kind": "addition", "subprocessor": "mailjet-us", "summary": "Better delivery.", "services": [WEB]},
        content_type="application/json",
    )
    assert draft.status_code == 201, draft.content
    change_id = draft.json()["id"]

    announced = dpo_api.post(f"{API}/changes/{change_id}/announce", {}, content_type="application/json")
    assert announced.status_code == 200, announced.content
    body = announced.json()
    assert body["status"] == "announced" and body["recipients"] == 2
    assert body["effective_on"] == str(timezone.localdate() + dt.timedelta(days=30))
    assert Message.objects.filter(source_id=change_id, topic="subprocessor.change").count() == 2

    objected = token_client(acme_admin).post(
        f"{API}/my/changes/{change_id}/object", {"reason": "No US."}, content_type="application/json"
    )
    assert objected.status_code == 200, objected.content
    assert objected.json()["state"] == "objected" and objected.json()["applies"] is False
    assert dpo_api.get(f"{API}/changes/{change_id}").json()["open_objections"] == 1

    resolved = dpo_api.post(
        f"{API}/changes/{change_id}/resolve",
        {"customer": "ACME", "resolution": "old_arrangement", "note": "Agreed."},
        content_type="application/json",
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["state"] == "old_arrangement"
    recipients = dpo_api.get(f"{API}/changes/{change_id}/recipients").json()
    assert [(r["customer"], r["applies"]) for r in recipients] == [("ACME", False), ("BETA", True)]

    withdrawn = dpo_api.post(
        f"{API}/changes/{change_id}/withdraw", {"reason": "Changed plans."}, content_type="application/json"
    )
    assert withdrawn.json()["status"] == "withdrawn"


def test_rules_answer_422_with_the_services_message(sp_world, dpo_api):
    response = dpo_api.patch(f"{API}/helpdesk", {"engaged_by": "helpdesk"}, content_type="application/json")
    assert response.status_code == 422 and "would loop" in response.json()["detail"]
    response = dpo_api.post(
        f"{API}/changes", {"kind": "removal", "subprocessor": "nobody", "summary": "x"}, content_type="application/json"
    )
    assert response.status_code == 422 and "no sub-processor 'nobody'" in response.json()["detail"]


def test_the_register_at_a_past_date(sp_world, dpo_api):
    new_subprocessor("old-desk", countries="CH", in_use_from=dt.date(2020, 1, 1), in_use_until=SINCE)
    assert [r["slug"] for r in dpo_api.get(f"{API}/", {"at": "2021-01-01"}).json()] == ["old-desk"]
    assert {r["slug"] for r in dpo_api.get(f"{API}/").json()} == {"old-desk", "helpdesk"}


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.AUDITOR])
def test_read_only_staff_read_but_get_403_on_writes(sp_world, make_user, role):
    client = token_client(make_user(f"{role}@provider.example", role))
    assert client.get(f"{API}/").status_code == 200
    assert client.get(f"{API}/changes").status_code == 200
    assert client.patch(f"{API}/helpdesk", {"purpose": "x"}, content_type="application/json").status_code == 403
    assert (
        client.put(
            f"{API}/contracts/ACME", {"authorisation": "specific", "notice_days": 30}, content_type="application/json"
        ).status_code
        == 403
    )
    assert SubProcessor.objects.get(slug="helpdesk").purpose == "Support tickets"


def test_customer_endpoints_are_scoped_to_the_callers_organisation(sp_world, acme_admin, make_user):
    """Cross-tenant: GAMMA cannot see or object to a change announced to ACME and BETA (404 as for none)."""
    gamma_admin = make_user("gina@gamma.example", Role.CUSTOMER_ADMIN, sp_world.gamma)
    change = announced_addition([WEB])
    gamma = token_client(gamma_admin)
    assert gamma.get(f"{API}/my/changes").json() == []
    assert gamma.get(f"{API}/my/changes/{change.pk}").status_code == 404
    response = gamma.post(f"{API}/my/changes/{change.pk}/object", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 404
    assert not ChangeRecipient.objects.filter(organisation=sp_world.gamma).exists()
    acme = token_client(acme_admin)
    assert [c["change"]["id"] for c in acme.get(f"{API}/my/changes").json()] == [change.pk]
    assert [s["slug"] for s in acme.get(f"{API}/my/subprocessors").json()] == ["helpdesk"]
    assert acme.get(f"{API}/my/contract").json() == {
        "customer": "ACME",
        "authorised": True,
        "authorisation": "general",
        "notice_days": 30,
        "signed_on": "2024-01-01",
        "recorded_on": timezone.localdate().isoformat(),
        "source": "manual",
        "evidence_sha256": None,
        "acceptance": None,
    }


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": None}])
def test_an_objection_by_api_needs_no_reason_gdpr_art_28_2_scc_clause_9(sp_world, acme_admin, dpo_api, body):
    """GDPR Art. 28(2) and SCC 2021/914 Clause 9(a) ask no reason of the controller: a missing, null or empty
    reason is accepted, the objection is recorded and audited, and the change does not apply to ACME."""
    change = announced_addition([WEB])
    response = token_client(acme_admin).post(
        f"{API}/my/changes/{change.pk}/object", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "objected" and response.json()["applies"] is False
    assert response.json()["objection_reason"] == ""
    recipients = {r["customer"]: r for r in dpo_api.get(f"{API}/changes/{change.pk}/recipients").json()}
    assert recipients["ACME"]["state"] == "objected" and recipients["ACME"]["applies"] is False
    assert recipients["BETA"]["applies"] is True
    assert AuditEntry.objects.filter(action="subprocessor.change.object", organisation_id=sp_world.acme.pk).count() == 1


def test_an_objection_by_api_keeps_the_reason_given(sp_world, acme_admin):
    change = announced_addition([WEB])
    response = token_client(acme_admin).post(
        f"{API}/my/changes/{change.pk}/object", {"reason": "  No US.  "}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["objection_reason"] == "No US."


def test_a_late_objection_is_a_422(sp_world, acme_admin):
    from tests.subprocessors.fixtures import past_effective_date

    change = past_effective_date(announced_addition([WEB]))
    response = token_client(acme_admin).post(
        f"{API}/my/changes/{change.pk}/object", {"reason": "late"}, content_type="application/json"
    )
    assert response.status_code == 422 and "objections had to be made before that date" in response.json()["detail"]


def test_consent_by_api_and_staff_on_my_endpoints_get_403(sp_world, beta_admin, dpo_api):
    from art28.subprocessors.services import contract_set

    contract_set(actor=TEST_ACTOR, organisation=sp_world.beta, authorisation="specific", notice_days=30)
    change = announced_addition([MAIL])
    response = token_client(beta_admin).post(
        f"{API}/my/changes/{change.pk}/consent", {"consent": True}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["state"] == "consent-given"
    assert dpo_api.get(f"{API}/my/changes").status_code == 403
