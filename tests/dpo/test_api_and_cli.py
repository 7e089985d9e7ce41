"""The DPO desk API /api/v1/dpo/ (staff actions; customers under /my/) and `art28 dpo-requests`."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.core.roles import Role
from tests.dpo.conftest import token_client

pytestmark = pytest.mark.django_db
API = "/api/v1/dpo"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_dpo_works_a_request_end_to_end_by_api(dpo_user, submit, org_a, customer_a):
    request = submit(country="DE", days_ago=2)
    api = token_client(dpo_user)
    listed = api.get(f"{API}/requests").json()
    assert [r["reference"] for r in listed] == [request.reference]
    assert listed[0]["regime"] == "both"

    ref = request.reference
    assert post(api, f"{API}/requests/{ref}/assign", {"assignee": dpo_user.email}).json()["assignee"] == dpo_user.email
    post(api, f"{API}/requests/{ref}/notes", {"text": "Looks like Acme's shop."})
    extended = post(api, f"{API}/requests/{ref}/extend", {"reasons": "Complex."}).json()
    assert extended["extended_due_on"] > extended["due_on"]
    forwarded = post(api, f"{API}/requests/{ref}/forward", {"organisation": "ACME"}).json()
    assert forwarded["status"] == "forwarded" and forwarded["organisation"] == "ACME"
    kinds = [e["kind"] for e in forwarded["events"]]
    assert kinds[:2] == ["received", "acknowledged"] and "note" in kinds and "forwarded" in kinds

    mine = token_client(customer_a).get(f"{API}/my/requests").json()
    assert [m["reference"] for m in mine] == [ref] and mine[0]["message"].startswith("Welche Daten")

    closed = post(api, f"{API}/requests/{ref}/close", {"outcome": "forwarded"}).json()
    assert closed["status"] == "closed" and closed["outcome"] == "forwarded"
    assert AuditEntry.objects.filter(action__startswith="dpo.request.").count() == 6


def test_api_bad_input_is_422_naming_the_field(dpo_user, submit):
    ref = submit().reference
    api = token_client(dpo_user)
    response = post(api, f"{API}/requests/{ref}/close", {"outcome": "vanished"})
    assert response.status_code == 422 and "outcome" in response.json()["detail"]
    assert post(api, f"{API}/requests/{ref}/forward", {"organisation": "NOPE"}).status_code == 422
    assert post(api, f"{API}/requests/{ref}/notes", {"text": " "}).status_code == 422
    assert api.get(f"{API}/requests/DPO-1999-0001").status_code == 404


@pytest.mark.parametrize(("role", "read", "write"), [(Role.AUDITOR, 200, 403), (Role.OPERATIONS, 403, 403)])
def test_api_roles(make_user, submit, role, read, write):
    ref = submit().reference
    api = token_client(make_user(f"{role}@provider.example", role))
    assert api.get(f"{API}/requests/{ref}").status_code == read
    assert post(api, f"{API}/requests/{ref}/notes", {"text": "x"}).status_code == write


def test_staff_have_no_my_requests(dpo_user):
    assert token_client(dpo_user).get(f"{API}/my/requests").status_code == 403


def test_cli_lists_open_and_overdue_requests(submit, capsys):
    late, fresh = submit(days_ago=45), submit()
    late_by = (timezone.localdate() - late.due_on).days  # 15 days, less a rolled weekend (CO Art. 78)
    call_command("dpo_requests")
    out = capsys.readouterr().out
    assert late.reference in out and f"law (OVERDUE {late_by}d)" in out and fresh.reference in out

    call_command("dpo_requests", "--overdue", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["reference"] for r in rows] == [late.reference] and rows[0]["days_left"] == -late_by
    assert rows[0]["due_is_law"] is True and rows[0]["controller_kind"] == "provider"
